"""Probing: learning an undisclosed record from hit/no-hit answers alone.

A ``hit_only`` DNA profile answers a search with its owner and a reference, nothing of its
alleles; but a caller who knows part of the profile can vary one allele at a time and watch
which searches hit, and so rebuild the rest (with 6 loci known, 229 searches recovered 12
alleles). The same trick narrows a ``hit_only`` person's birth date to the day: the name
again and again, with a year, then a month, then a day, the misses teaching as much as the
hits.

Such searches hit the same record of another bureau again and again, which honest work
rarely does: an examiner searches a stain once, a border post checks a traveller a few times a
day. So a principal whose searches hit one ``hit_only`` record of another bureau ``LIMITS``
times within ``WINDOW`` is limited: every search of that database it asks is refused for
``LIMITED_FOR`` (not only those that would hit, or the refusal itself would answer), and the
record's owner and the data protection officers are told.

A principal whose person checks ask one name with ``PERSON_VARIANTS`` distinct birth dates
within ``WINDOW``, after one of them hit a ``hit_only`` person of another bureau, is limited
the same way, before it has learned more than a few bits of the date.

A limit is a suspicion, not a finding. A data protection officer who looks into it and finds
honest work (a border post that checked one traveller many times on one day) lifts it with a
reason; the searches before the lift then no longer count towards the next limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from policenet.domain.databases import Database

WINDOW = timedelta(hours=24)
LIMITED_FOR = timedelta(hours=24)
# Hits on one hit_only record of another bureau, by one principal within WINDOW.
LIMITS: dict[Database, int] = {Database.DNA: 5, Database.PERSONS: 20}
# DNA searches by one principal within WINDOW that share at least SHARED_LOCI identical loci
# with another of its searches but are not the same profile: a family of variants, hit or not
# (the probes that do not hit teach as much as those that do).
VARIANTS = 6
SHARED_LOCI = 6
# Person checks by one principal within WINDOW that ask one name with this many distinct
# birth dates, one of them having hit a hit_only person of another bureau: a birth date being
# narrowed down (a traveller's date mistyped is tried two or three ways, not six).
PERSON_VARIANTS = 6


@dataclass(frozen=True, slots=True)
class StoredLimit:
    """A limit put on a principal's searches of a database, as the data protection officers
    see it: what it counted, until when, and its lifting if one of them lifted it."""

    id: int
    principal_id: int
    database: Database
    record_id: int | None  # None: a family of DNA variants, no one record
    owner_bureau_id: str | None
    hits: int  # hits on the record, or variants of one profile
    since: datetime
    until: datetime
    lifted_at: datetime | None
    lifted_by: int | None
    lift_reason: str | None

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and self.until > now


class ProbingLift(BaseModel):
    """A data protection officer lifts a limit early."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=10,
        max_length=1000,
        description="What the officer found: kept in the audit log and told to the principal.",
    )
