"""A check: "is this person, document, vehicle, firearm, vessel or work of art known?", asked of
every database at once by an officer, a border post or a carrier."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.documents import DocumentType
from policenet.domain.records import Database, Sex

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.notices import NoticeRef
    from policenet.domain.shown import DocumentShown, RecordShown
    from policenet.domain.terms import Disclosure

MAX_BATCH = 1000


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonQueryInput(_Part):
    """A person as the officer has them: a name in any script, and what else is known."""

    name: str = Field(min_length=1, max_length=300)
    birth_date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    nationality: str | None = Field(default=None, description="ISO alpha-2 or alpha-3 code.")
    sex: Sex | None = None


class DocumentQuery(_Part):
    """A document as typed by an officer."""

    issuing_country: str = Field(description="ISO alpha-2 or alpha-3 code of the issuing state.")
    number: str = Field(max_length=40)
    document_type: DocumentType | None = Field(
        default=None, description="Informative only: a check finds the number under any type."
    )


class VehicleQuery(_Part):
    vin: str | None = Field(default=None, max_length=40)
    plate: str | None = Field(default=None, max_length=30)
    plate_country: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> VehicleQuery:
        if self.vin is None and self.plate is None:
            raise ValueError("give the vehicle's 'vin', or its 'plate' and 'plate_country'")
        if self.plate is not None and self.plate_country is None:
            raise ValueError("a 'plate' needs its 'plate_country'")
        return self


class FirearmQuery(_Part):
    serial: str = Field(min_length=1, max_length=40)
    make: str | None = Field(default=None, max_length=100, description="Informative only.")


class VesselQuery(_Part):
    imo: str | None = Field(default=None, max_length=20)
    mmsi: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _identified(self) -> VesselQuery:
        if self.imo is None and self.mmsi is None and self.name is None:
            raise ValueError("give the vessel's 'imo', 'mmsi' or 'name'")
        return self


class ArtQuery(_Part):
    title: str = Field(min_length=1, max_length=300)


class CheckRequest(_Part):
    """What to check: any combination of a person, a document (or its MRZ), a vehicle, a
    firearm, a vessel and a work of art; every database is asked at once."""

    person: PersonQueryInput | None = None
    document: DocumentQuery | None = None
    mrz: str | list[str] | None = Field(
        default=None,
        description="The zone's lines, as a list or as one text with line breaks (TD1/TD2/TD3); "
        "its holder's name and birth date are checked against persons too.",
    )
    vehicle: VehicleQuery | None = None
    firearm: FirearmQuery | None = None
    vessel: VesselQuery | None = None
    artwork: ArtQuery | None = None
    place: str | None = Field(default=None, max_length=200, description="Where the check is made.")

    @model_validator(mode="after")
    def _something(self) -> CheckRequest:
        parts = (self.person, self.document, self.mrz, self.vehicle, self.firearm, self.vessel)
        if all(p is None for p in parts) and self.artwork is None:
            raise ValueError(
                "give at least one of 'person', 'document', 'mrz', 'vehicle', 'firearm', "
                "'vessel' or 'artwork'"
            )
        if self.document is not None and self.mrz is not None:
            raise ValueError("give either 'document' or 'mrz', not both")
        return self


class BatchCheckRequest(BaseModel):
    """Up to 1,000 checks (a passenger list), answered in one response, in order."""

    model_config = ConfigDict(extra="forbid")

    checks: list[CheckRequest] = Field(min_length=1, max_length=MAX_BATCH)
    place: str | None = Field(
        default=None, max_length=200, description="Where, for every check that names no place."
    )


class MatchKind(StrEnum):
    EXACT = "exact"
    LETTER_O_AS_ZERO = "letter_o_as_zero"
    SERIAL_CONFUSION = "serial_confusion"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Hit:
    """One record that answers a check.

    ``record``, ``match``, ``score``, ``explanation`` and ``note`` are given only to callers
    who may see the record's content: never for a ``hit_only`` record of another bureau, never
    to a carrier. ``reference`` is what the checking side quotes when it asks the owner."""

    reference: str
    database: Database
    part: str
    disclosure: Disclosure
    owner_bureau_id: str | None
    match: MatchKind | None = None
    score: float | None = None
    explanation: tuple[str, ...] = ()
    note: str | None = None
    reported_at: datetime | None = None
    record: DocumentShown | RecordShown | None = None
    notices: tuple[NoticeRef, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckResult:
    reference: str
    checked_at: datetime
    asked: dict[str, Any]
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)

    @property
    def hit(self) -> bool:
        return bool(self.hits)


@dataclass(frozen=True, slots=True)
class CheckFailure:
    """A check of a batch that could not be asked, and why; the others are answered."""

    code: str
    message: str
    field: str | None
