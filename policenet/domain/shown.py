"""What a principal is shown of a stored record or document: plain data, already redacted.

``policenet.access`` builds these (it alone decides what each principal may read); actions
return them, and every answer (the API, an export, later the console and an edge snapshot)
copies them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date, datetime

    from policenet.domain.databases import Database
    from policenet.domain.documents import DocumentStatus, DocumentType
    from policenet.domain.notices import NoticeState, NoticeType, Question, Transition
    from policenet.domain.terms import Disclosure
    from policenet.domain.visibility import Visibility


@dataclass(frozen=True, slots=True)
class RecordShown:
    """A record of persons, vehicles, art, firearms, vessels, DNA or fingerprints as its
    reader may see it: the owner's reference and restriction only to the owner."""

    id: int
    database: Database
    owner_bureau_id: str
    disclosure: Disclosure
    review_date: date
    expired: bool
    data: dict[str, Any]
    external_ref: str | None
    visibility: Visibility | None
    entered_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentShown:
    """A travel document as its reader may see it."""

    id: int
    owner_bureau_id: str
    issuing_country: str
    document_type: DocumentType
    number: str
    status: DocumentStatus
    event_date: date
    holder_name: str | None
    holder_birth_date: date | None
    disclosure: Disclosure
    review_date: date | None
    external_ref: str | None
    visibility: Visibility | None
    reported_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class NoticeShown:
    """A notice request as its reader may see it. Its file (the next states allowed, its
    history and questions), its screening and its subject's reference in the requester's
    own files are for the requesting bureau and the GS reviewers; ``None`` for anyone else,
    and ``None`` too where the answer carries the request without its file (a list)."""

    id: int
    reference: str
    type: NoticeType
    state: NoticeState
    requester_bureau_id: str
    content: dict[str, Any]
    subject: dict[str, Any] | None
    urgent: bool
    public: bool
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None
    review_overdue: bool
    allowed_next: tuple[NoticeState, ...] | None
    missing: tuple[dict[str, str], ...] | None
    screening: tuple[dict[str, Any], ...] | None
    history: tuple[Transition, ...] | None
    questions: tuple[Question, ...] | None


@dataclass(frozen=True, slots=True)
class DnaMatchShown:
    """A DNA search's match as the searcher may see it: for another bureau's ``hit_only``
    profile, its owner and the hit's reference only (``None`` for the rest: how it matched,
    the loci, a probability computed on it, the profile)."""

    hit_reference: str
    owner_bureau_id: str
    disclosure: Disclosure
    match: str | None  # prum: full or near; codis: the stringency; familial: relationship
    loci_compared: int | None
    differing_locus: str | None
    probabilities: tuple[Any, ...]  # matching.dna.MatchProbability, one per population
    likelihood_ratio: float | None
    record: RecordShown | None


@dataclass(frozen=True, slots=True)
class CandidateShown:
    """A fingerprint search's candidate as the searching bureau may see it now: for a record
    it may not read, its owner and the reference to quote, not even the score."""

    rank: int
    reference: str
    owner_bureau_id: str
    disclosure: Disclosure
    kind: str | None
    score: float | None
    fingers: list[dict[str, Any]] | None
    record: RecordShown | None
    decision: str | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    hit_reference: str | None
