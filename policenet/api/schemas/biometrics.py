"""DNA searches and fingerprint searches, verifications and candidates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.actions.dna import DnaResult
from policenet.actions.fingerprints import SearchView, Verification
from policenet.api.schemas.copies import PublicCopy
from policenet.api.schemas.records import RecordPublic
from policenet.domain.shown import CandidateShown, DnaMatchShown
from policenet.domain.terms import Disclosure


class MatchProbabilityPublic(PublicCopy):
    population: str
    product_rule: float = Field(description="NRC II 4.1.")
    with_theta: float = Field(description="NRC II 4.10, with the θ asked.")
    loci: int


class DnaMatchPublic(PublicCopy):
    """A stored profile that matches. For a hit_only profile of another bureau (the default),
    no profile: quote the hit reference to its owner."""

    hit_reference: str
    owner_bureau: str
    disclosure: Disclosure
    match: str | None = Field(
        description="prum: full or near; codis: the stringency; or kinship. Withheld, with "
        "everything else of the profile, for another bureau's hit_only profile."
    )
    loci_compared: int | None
    differing_locus: str | None = None
    random_match_probability: list[MatchProbabilityPublic]
    likelihood_ratio: float | None = None
    profile: RecordPublic | None = None

    @classmethod
    def of(cls, m: DnaMatchShown) -> DnaMatchPublic:
        return cls.copied(
            m,
            owner_bureau=m.owner_bureau_id,
            random_match_probability=[MatchProbabilityPublic.copied(p) for p in m.probabilities],
            profile=None if m.record is None else RecordPublic.of(m.record),
        )


class DnaResultPublic(PublicCopy):
    reference: str
    searched_at: datetime
    rules: str
    hit: bool
    matches: list[DnaMatchPublic]
    notes: list[str]

    @classmethod
    def of(cls, r: DnaResult) -> DnaResultPublic:
        return cls.copied(r, hit=bool(r.matches), matches=[DnaMatchPublic.of(m) for m in r.matches])


class DnaPolicyPublic(BaseModel):
    bureau: str
    familial_search: bool


class FingerPairPublic(BaseModel):
    probe: int = Field(description="The probe's finger position (0: unknown, a mark).")
    candidate: int = Field(description="The candidate's finger position.")
    score: float


class VerifiedPairPublic(FingerPairPublic):
    match: bool = Field(description="The pair reaches the threshold.")


class FingerprintVerificationPublic(PublicCopy):
    """A 1:1 comparison: the finger pairs compared, their scores, and the decision."""

    record_id: int
    decision: str = Field(description="match or no_match.")
    score: float = Field(description="As a search scores it: the sum over a ten-print's pairs.")
    fingers: list[VerifiedPairPublic]
    threshold: float = Field(description="A pair's score to match (FMR 0.1 % on FVC).")
    rule: str

    @classmethod
    def of(cls, v: Verification) -> FingerprintVerificationPublic:
        return cls.copied(v, fingers=[VerifiedPairPublic(**f) for f in v.fingers])


class FingerprintCandidatePublic(PublicCopy):
    """A candidate for the examiner. For a hit_only record of another bureau: its owner and
    the reference to quote, nothing of the record, not even the score."""

    rank: int
    reference: str = Field(description="Quote it to the owner bureau; an identification's hit.")
    owner_bureau: str
    disclosure: Disclosure
    kind: str | None = Field(description="tenprint or latent.")
    score: float | None
    fingers: list[FingerPairPublic] | None
    record: RecordPublic | None
    decision: str | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    hit_reference: str | None

    @classmethod
    def of(cls, c: CandidateShown) -> FingerprintCandidatePublic:
        return cls.copied(
            c,
            owner_bureau=c.owner_bureau_id,
            fingers=None if c.fingers is None else [FingerPairPublic(**f) for f in c.fingers],
            record=None if c.record is None else RecordPublic.of(c.record),
        )


class FingerprintSearchPublic(PublicCopy):
    reference: str
    searched_at: datetime
    probe: dict[str, Any]
    candidates: list[FingerprintCandidatePublic]
    notes: list[str]

    @classmethod
    def of(cls, s: SearchView) -> FingerprintSearchPublic:
        return cls.copied(s, candidates=[FingerprintCandidatePublic.of(c) for c in s.candidates])
