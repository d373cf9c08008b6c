"""Requests from the people in the files: to know what the organisation holds on them, to
have it corrected, or deleted, as its Commission for the Control of Files receives them.

Each has its legal deadline from the day it was received: 4 months for access, 9 months for
correction and deletion (in reality most overrun, which is why the list of late ones
matters). A request is recorded, assigned, and decided with a reason; a deletion granted
erases the data named from the store and every index (``store/retention.erase``), and the
audit log keeps the fact of the deletion, never what was deleted.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from policenet.domain.dna import DnaEntry
from policenet.domain.fingerprints import FingerprintEntry


class RequestKind(StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"


# Months from the day received.
DEADLINES = {RequestKind.ACCESS: 4, RequestKind.CORRECTION: 9, RequestKind.DELETION: 9}


def due_on(kind: RequestKind, received_on: date) -> date:
    """The legal deadline: the same day so many months later (or that month's last day)."""
    months = received_on.month - 1 + DEADLINES[kind]
    year, month = received_on.year + months // 12, months % 12 + 1
    return date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


class RequestState(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    DECIDED = "decided"


class Outcome(StrEnum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


class SubjectDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuing_country: str = Field(min_length=2, max_length=3)
    number: str = Field(min_length=1, max_length=40)


class DataSubject(BaseModel):
    """Who the request is about, as the person gave it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    other_names: list[str] = Field(default_factory=list, max_length=10)
    birth_date: date | None = None
    documents: list[SubjectDocument] = Field(default_factory=list, max_length=10)


class SubjectRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RequestKind
    subject: DataSubject
    received_on: date = Field(
        description="The day the Commission received it: the deadline runs from it."
    )
    requester: str = Field(
        min_length=2, max_length=300, description="The person, or who acts for them (a lawyer)."
    )
    details: str = Field(default="", max_length=4000, description="What is asked, in their words.")


class SubjectBiometrics(BaseModel):
    """What the person gave to be found by, beyond names and documents: a ten-print taken
    from them, a DNA reference profile. Searched once, never kept with the request."""

    model_config = ConfigDict(extra="forbid")

    fingerprints: FingerprintEntry | None = Field(
        default=None, description="The person's ten-print (kind 'tenprint')."
    )
    dna: DnaEntry | None = Field(default=None, description="The person's reference profile.")


class SubjectRequestAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    principal_id: int = Field(ge=1, description="The data protection officer who handles it.")


class SubjectRequestDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    reason: str = Field(min_length=10, max_length=4000, description="Why: told to the person.")
    erase: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="For a deletion granted: the records to erase, as the search named them "
        "('persons/42', 'travel_documents/7').",
    )


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    id: int
    reference: str
    kind: RequestKind
    subject: dict[str, Any]
    requester: str
    details: str
    received_on: date
    due_on: date
    state: RequestState
    assigned_to: int | None
    outcome: Outcome | None
    reason: str | None
    decided_at: datetime | None
    erased: list[str]

    def overdue(self, today: date) -> bool:
        return self.state is not RequestState.DECIDED and today > self.due_on
