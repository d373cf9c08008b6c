"""A hit's follow-up: the owner confirms or rejects it before a deadline set by its urgency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from policenet.domain.records import Caution, Database

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.terms import Disclosure


class HitStatus(StrEnum):
    """Where the owner's answer stands."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"

    @property
    def decided(self) -> bool:
        return self is not HitStatus.OPEN


ALLOWED: dict[HitStatus, frozenset[HitStatus]] = {
    HitStatus.OPEN: frozenset({HitStatus.CONFIRMED, HitStatus.REJECTED}),
    HitStatus.CONFIRMED: frozenset(),
    HitStatus.REJECTED: frozenset(),
}


class Urgency(StrEnum):
    URGENT = "urgent"
    ROUTINE = "routine"


# US practice, which the network follows: 10 minutes for an urgent hit, 1 hour for a routine one.
DEADLINES = {Urgency.URGENT: timedelta(minutes=10), Urgency.ROUTINE: timedelta(hours=1)}

_URGENT_CAUTIONS = frozenset({Caution.ARMED.value, Caution.VIOLENT.value})


def urgency_of(
    database: Database, data: dict[str, Any] | None, red_notices: tuple[str, ...] = ()
) -> tuple[Urgency, str | None]:
    """How urgent a hit on this record is, and why.

    A person under a Red notice (whose references are given) is urgent: the officer may be
    facing someone wanted for arrest. So is a person flagged armed or violent: the officer's
    safety comes first.
    """
    if database is Database.PERSONS and red_notices:
        return Urgency.URGENT, f"person under Red notice {', '.join(red_notices)}"
    if database is Database.PERSONS and data is not None:
        flagged = sorted(_URGENT_CAUTIONS & {str(c) for c in data.get("cautions") or ()})
        if flagged:
            return Urgency.URGENT, f"person flagged {' and '.join(flagged)}"
    return Urgency.ROUTINE, None


def due(at: datetime, urgency: Urgency) -> datetime:
    """When the owner's answer is due."""
    return at + DEADLINES[urgency]


def is_overdue(status: HitStatus, due_at: datetime, now: datetime) -> bool:
    return status is HitStatus.OPEN and now > due_at


class HitDecision(BaseModel):
    """The owner's answer: the hit is the same person or object, or it is not."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "rejected"]
    reason: str = Field(
        min_length=3,
        max_length=4000,
        description="What was compared, e.g. 'fingerprints on the card match' or 'different "
        "birth date and photo'.",
    )

    @property
    def status(self) -> HitStatus:
        return HitStatus(self.decision)


@dataclass(frozen=True, slots=True)
class StoredHit:
    """A hit as kept: what was asked, what was found, and the owner's answer."""

    id: int
    reference: str
    check_reference: str
    database: Database
    record_id: int
    owner_bureau_id: str
    disclosure: Disclosure
    match: str
    score: float | None
    at: datetime
    checked_by: int
    checker_bureau_id: str | None
    checker_country: str | None
    checker_agency_id: int | None
    place: str | None
    asked: dict[str, Any]
    status: HitStatus
    urgency: Urgency
    urgency_reason: str | None
    due_at: datetime | None
    decided_at: datetime | None
    decided_by: int | None
    decision_reason: str | None
    escalated_at: datetime | None
    notices: list[dict[str, Any]]

    def overdue(self, now: datetime) -> bool:
        return self.status is HitStatus.OPEN and self.due_at is not None and now > self.due_at
