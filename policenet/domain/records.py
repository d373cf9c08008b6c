"""The police databases other than travel documents: persons, vehicles, works of art, firearms
and vessels, and what every record of every database carries.

Every record is owned by the bureau that entered it, restricted to all, only listed or all but
listed countries, disclosed in ``full`` or as ``hit_only``, and reviewed: it answers checks
until its review date (5 years after entry unless the owner sets an earlier one or renews it).
Identifiers are checked and normalised in ``policenet.matching.identifiers`` by the action that
records them; the models here hold what a bureau may send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policenet.domain.databases import Database as Database
from policenet.domain.dna import DnaEntry
from policenet.domain.documents import DocumentType
from policenet.domain.errors import NotFound
from policenet.domain.fingerprints import FingerprintEntry
from policenet.domain.terms import Disclosure, RecordTerms

if TYPE_CHECKING:
    from policenet.domain.visibility import Visibility


def _text(max_length: int = 200, description: str | None = None) -> Any:  # noqa: ANN401 - a Field
    return Field(default=None, min_length=1, max_length=max_length, description=description)


# --- persons -------------------------------------------------------------------------------


class CrimeArea(StrEnum):
    TERRORISM = "terrorism"
    CYBERCRIME = "cybercrime"
    ORGANIZED_CRIME = "organized_crime"
    FINANCIAL_CRIME_AND_CORRUPTION = "financial_crime_and_corruption"
    OTHER = "other"


class Caution(StrEnum):
    ARMED = "armed"
    VIOLENT = "violent"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class IdentityDocument(BaseModel):
    """A document the person holds or used, numbered as in the travel documents database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    issuing_country: str = Field(description="ISO alpha-2 or alpha-3 code.")
    number: str = Field(min_length=1, max_length=40)
    document_type: DocumentType = DocumentType.PASSPORT


class PhysicalDescription(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    height_cm: int | None = Field(default=None, ge=40, le=260)
    weight_kg: int | None = Field(default=None, ge=2, le=400)
    eye_colour: str | None = _text(40)
    hair_colour: str | None = _text(40)
    distinguishing_marks: str | None = _text(1000)


class PersonEntry(RecordTerms):
    """A person sought, missing or to be identified: names in any script, and what tells them
    apart from a namesake."""

    database: ClassVar[Database] = Database.PERSONS

    name: str = Field(min_length=1, max_length=300, description="The name, in any script.")
    aliases: list[str] = Field(
        default_factory=list,
        max_length=30,
        description="Other names and spellings (other scripts, transliterations, false names).",
    )
    birth_date: str | None = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD: a partial date is fine."
    )
    birth_place: str | None = _text()
    nationalities: list[str] = Field(
        default_factory=list, max_length=5, description="ISO alpha-2 or alpha-3 codes."
    )
    sex: Sex = Sex.UNKNOWN
    identity_documents: list[IdentityDocument] = Field(default_factory=list, max_length=20)
    physical_description: PhysicalDescription | None = None
    photo_ref: str | None = _text(300, "A reference to the photograph, held by the owner.")
    crime_area: CrimeArea = CrimeArea.OTHER
    cautions: list[Caution] = Field(
        default_factory=list, description="armed, violent: the officer's safety first."
    )

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values]
        if any(not v or len(v) > 300 for v in cleaned):
            raise ValueError("each alias is 1 to 300 characters")
        return cleaned


# --- vehicles ------------------------------------------------------------------------------


class VehicleEntry(RecordTerms):
    """A stolen motor vehicle, known by its VIN, its plate, or both."""

    database: ClassVar[Database] = Database.VEHICLES

    vin: str | None = Field(default=None, max_length=40, description="ISO 3779 VIN.")
    plate: str | None = Field(default=None, max_length=30)
    plate_country: str | None = Field(default=None, description="Country of registration.")
    make: str = Field(min_length=1, max_length=100)
    model: str | None = _text(100)
    colour: str | None = _text(60)
    year: int | None = Field(default=None, ge=1886, le=2100)
    vehicle_type: str | None = _text(60, "car, motorcycle, lorry, trailer, …")
    theft_date: date

    @model_validator(mode="after")
    def _identified(self) -> VehicleEntry:
        if self.vin is None and self.plate is None:
            raise ValueError("give the vehicle's 'vin', its 'plate' and 'plate_country', or both")
        if self.plate is not None and self.plate_country is None:
            raise ValueError("a 'plate' needs its 'plate_country'")
        return self


# --- works of art --------------------------------------------------------------------------


class ArtEntry(RecordTerms):
    """A stolen work of art or item of cultural property."""

    database: ClassVar[Database] = Database.ART

    title: str = Field(min_length=1, max_length=300)
    object_type: str = Field(min_length=1, max_length=100, description="painting, icon, …")
    artist: str | None = _text()
    period: str | None = _text(100)
    dimensions: str | None = _text(100, "e.g. 65 x 54 cm")
    materials: str | None = _text()
    inscriptions: str | None = _text(1000)
    theft_place: str | None = _text()
    theft_country: str | None = None
    theft_date: date | None = None
    images: list[str] = Field(
        default_factory=list, max_length=20, description="References to images held by the owner."
    )


# --- firearms ------------------------------------------------------------------------------


class FirearmType(StrEnum):
    PISTOL = "pistol"
    REVOLVER = "revolver"
    RIFLE = "rifle"
    SHOTGUN = "shotgun"
    SUBMACHINE_GUN = "submachine_gun"
    MACHINE_GUN = "machine_gun"
    OTHER = "other"


class FirearmStatus(StrEnum):
    LOST = "lost"
    STOLEN = "stolen"
    TRAFFICKED = "trafficked"
    SMUGGLED = "smuggled"


class FirearmEntry(RecordTerms):
    database: ClassVar[Database] = Database.FIREARMS

    make: str = Field(min_length=1, max_length=100)
    model: str | None = _text(100)
    calibre: str | None = _text(40)
    serial: str = Field(min_length=1, max_length=40, description="As engraved.")
    firearm_type: FirearmType
    manufacture_country: str | None = None
    status: FirearmStatus
    event_date: date | None = None


# --- vessels -------------------------------------------------------------------------------


class VesselEntry(RecordTerms):
    database: ClassVar[Database] = Database.VESSELS

    name: str = Field(min_length=1, max_length=200)
    imo: str | None = Field(default=None, max_length=20, description="IMO ship number.")
    mmsi: str | None = Field(default=None, max_length=20)
    flag: str | None = Field(default=None, description="Flag state, ISO code.")
    hull_id: str | None = Field(default=None, max_length=30)
    vessel_type: str | None = _text(60)
    theft_date: date | None = None


ENTRY_MODELS: dict[Database, type[RecordTerms]] = {
    Database.PERSONS: PersonEntry,
    Database.VEHICLES: VehicleEntry,
    Database.ART: ArtEntry,
    Database.FIREARMS: FirearmEntry,
    Database.VESSELS: VesselEntry,
    Database.DNA: DnaEntry,
    Database.FINGERPRINTS: FingerprintEntry,
}
TERMS = frozenset(RecordTerms.model_fields)


@dataclass(frozen=True, slots=True)
class Record:
    """A stored record of any database but travel documents; ``data`` holds its content as
    validated and normalised (JSON values)."""

    id: int
    database: Database
    owner_bureau_id: str
    owner_country: str
    external_ref: str | None
    disclosure: Disclosure
    visibility: Visibility
    review_date: date
    data: dict[str, Any]
    entered_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    def expired(self, today: date) -> bool:
        return self.review_date < today


class RecordRenewal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_date: date | None = Field(
        default=None, description="The new review date; 5 years from today when left out."
    )


def record_not_found(database: Database, record_id: int) -> NotFound:
    """The one answer for a record that does not exist and for one the caller may not see."""
    return NotFound(f"No {database} record {record_id} that you may see.", code="record_not_found")
