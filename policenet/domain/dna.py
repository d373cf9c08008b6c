"""DNA (STR) profiles: the loci the network exchanges, the kinds of profile, and what a bureau
sends. The comparisons themselves (Prüm, CODIS stringencies, match probabilities, kinship) are
in ``policenet.matching.dna``.

A profile is anonymous: the owner bureau keeps the link to a person or a case, and by default
another bureau learns only that it holds a matching profile (``hit_only``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policenet.domain.databases import Database
from policenet.domain.ids import MAX_ID
from policenet.domain.terms import Disclosure, RecordTerms

# The 20 CODIS core loci (13 original + 7 added in 2017).
CODIS_CORE = (
    "CSF1PO",
    "D3S1358",
    "D5S818",
    "D7S820",
    "D8S1179",
    "D13S317",
    "D16S539",
    "D18S51",
    "D21S11",
    "FGA",
    "TH01",
    "TPOX",
    "vWA",
    "D1S1656",
    "D2S441",
    "D2S1338",
    "D10S1248",
    "D12S391",
    "D19S433",
    "D22S1045",
)
# The European Standard Set (12 loci), all of them CODIS core loci too.
ESS = (
    "D3S1358",
    "vWA",
    "D8S1179",
    "D21S11",
    "D18S51",
    "TH01",
    "FGA",
    "D1S1656",
    "D2S441",
    "D10S1248",
    "D12S391",
    "D22S1045",
)
# The 24 autosomal loci of the international set: CODIS core, and those of the wider kits.
LOCI = (*CODIS_CORE, "SE33", "Penta D", "Penta E", "D6S1043")

_CANONICAL = {re.sub(r"[^A-Z0-9]", "", name.upper()): name for name in LOCI}
_CANONICAL |= {"THO1": "TH01", "VWA31": "vWA", "FIBRA": "FGA", "PENTAD": "Penta D"}


def canonical_locus(name: str) -> str | None:
    """The locus's name as the network writes it (``vwa`` → ``vWA``, ``PENTA_D`` → ``Penta
    D``); None if it is not one of the 24."""
    return _CANONICAL.get(re.sub(r"[^A-Z0-9]", "", name.upper()))


# An allele: a repeat number, a microvariant (9.3; 15.4 for pentanucleotide loci), or an
# off-ladder value ("<8", ">30", "OL"). Prüm's wildcard codes (0, 1, 99, anything not
# numeric) are kept as written.
ALLELE = re.compile(r"^(?:\d{1,2}(?:\.\d)?|[<>]\d{1,2}(?:\.\d)?|OL|\*|[A-Za-z]{1,3})$", re.ASCII)


def canonical_allele(allele: str) -> str:
    """One spelling per allele: ``07`` is ``7``, ``00`` the wildcard ``0``, ``ol`` ``OL``."""
    value = allele.strip()
    if value.isascii() and value.isalpha():
        return value.upper()
    whole, dot, fraction = value.partition(".")
    if whole.isascii() and whole.isdigit():
        return str(int(whole)) + dot + fraction
    return value


MAX_ALLELES = 8  # a mixture of up to four people


class ProfileKind(StrEnum):
    REFERENCE = "reference"  # a known person
    CRIME_SCENE = "crime_scene"  # unknown, possibly a mixture
    MISSING_PERSON = "missing_person"  # from the missing person's belongings
    RELATIVE = "relative"  # a relative of a missing person, for kinship
    UNIDENTIFIED_BODY = "unidentified_body"


class Stringency(StrEnum):
    """CODIS search stringencies."""

    HIGH = "high"  # the same alleles, as many of them, at every compared locus
    MODERATE = "moderate"  # one profile's alleles a subset of the other's at every locus
    LOW = "low"  # at least one allele shared at every compared locus


class Relationship(StrEnum):
    PARENT_CHILD = "parent_child"
    FULL_SIBLINGS = "full_siblings"


class DnaEntry(RecordTerms):
    """An STR profile as a bureau sends it."""

    database: ClassVar[Database] = Database.DNA

    disclosure: Disclosure = Field(
        default=Disclosure.HIT_ONLY,
        description="hit_only (the default for DNA): other bureaus learn that you hold a "
        "matching profile and whom to ask; full: they see the profile.",
    )
    kind: ProfileKind
    loci: dict[str, list[str]] = Field(
        description="Alleles by locus, e.g. {'D3S1358': ['15', '16'], 'TH01': ['9.3']}; a "
        "homozygote may be written with one allele or two.",
        min_length=1,
        max_length=len(LOCI),
    )
    amelogenin: Literal["X", "XX", "XY", "Y"] | None = None
    mixture: bool = Field(
        default=False, description="A mixture of several people's DNA (crime scenes)."
    )
    case_ref: str | None = Field(default=None, min_length=1, max_length=100)
    relationship: Relationship | None = Field(
        default=None, description="For a relative: how it is related to the missing person."
    )

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("loci")
    @classmethod
    def _loci(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        cleaned: dict[str, list[str]] = {}
        for name, alleles in values.items():
            locus = canonical_locus(name)
            if locus is None:
                raise ValueError(
                    f"locus {name!r} is not one of the 24 exchanged: {', '.join(LOCI)}"
                )
            if locus in cleaned:
                raise ValueError(f"locus {locus} is given twice")
            values_ = [canonical_allele(a) for a in alleles]
            if not 1 <= len(values_) <= MAX_ALLELES:
                raise ValueError(f"locus {locus}: give 1 to {MAX_ALLELES} alleles")
            for written, allele in zip(alleles, values_, strict=True):
                if not ALLELE.match(allele):
                    raise ValueError(
                        f"locus {locus}: {written.strip()[:20]!r} is not an allele (write 12, "
                        "9.3, <8, >30 or OL)"
                    )
            cleaned[locus] = values_
        return cleaned


class DnaSearch(BaseModel):
    """A search of the DNA database: a profile given here, or one of your bureau's stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    profile_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="A stored profile of yours."
    )
    profile: DnaEntry | None = Field(default=None, description="Or a profile to search once.")
    rules: Literal["prum", "codis"] = Field(
        default="codis", description="prum: the Prüm exchange rules; codis: a CODIS stringency."
    )
    stringency: Stringency = Stringency.MODERATE
    min_loci: int = Field(
        default=6,
        ge=6,
        le=len(LOCI),
        description="Loci compared, at least (never fewer than 6: fewer would let a search "
        "probe a hit_only profile locus by locus).",
    )
    population: str | None = Field(
        default=None, description="Population for the match probability (default: every one)."
    )
    theta: float = Field(default=0.01, ge=0, le=0.25, description="NRC II 4.10 θ.")
    limit: int = Field(default=50, ge=1, le=500)


class FamilialSearch(BaseModel):
    """A kinship search: allowed only where the bureau's policy allows it, with a reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    profile_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    profile: DnaEntry | None = None
    relationship: Relationship
    reason: str = Field(min_length=10, max_length=2000, description="Why; kept in the audit.")
    population: str = Field(default="Cauc", description="Allele frequencies for the ratio.")
    min_lr: float = Field(default=1000, gt=0, description="Report relatives above this ratio.")
    limit: int = Field(default=20, ge=1, le=200)


class DnaPolicy(BaseModel):
    """A bureau's national rules for DNA searches."""

    model_config = ConfigDict(extra="forbid")

    familial_search: bool = Field(description="National law allows familial searching.")
