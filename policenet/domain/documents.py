"""Stolen and lost travel documents (SLTD)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policenet.domain.terms import Disclosure, RecordTerms, VisibilityInput

if TYPE_CHECKING:
    from policenet.domain.visibility import Visibility


class DocumentType(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    VISA = "visa"
    OTHER = "other"


class DocumentStatus(StrEnum):
    STOLEN = "stolen"
    LOST = "lost"
    REVOKED = "revoked"
    INVALID = "invalid"
    STOLEN_BLANK = "stolen_blank"


@dataclass(frozen=True, slots=True)
class TravelDocument:
    """A travel document reported by the NCB of its issuing country."""

    id: int
    owner_bureau_id: str
    owner_country: str
    issuing_country: str
    document_type: DocumentType
    number: str
    status: DocumentStatus
    event_date: date
    holder_name: str | None
    holder_birth_date: date | None
    visibility: Visibility
    reported_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    external_ref: str | None = None
    disclosure: Disclosure = Disclosure.FULL
    review_date: date | None = None

    def expired(self, today: date) -> bool:
        return self.review_date is not None and self.review_date < today


class DocumentReport(RecordTerms):
    """A bureau's report of a stolen, lost, revoked or invalid document of its own country."""

    issuing_country: str = Field(description="ISO alpha-2 or alpha-3 code; your own country.")
    document_type: DocumentType
    number: str = Field(max_length=40, description="As printed; case, spaces and dashes ignored.")
    status: DocumentStatus
    event_date: date = Field(description="When the document was stolen, lost or revoked.")
    holder_name: str | None = Field(default=None, max_length=200)
    holder_birth_date: date | None = None


class DocumentChanges(BaseModel):
    """What the owner may change on a record; the number, type and country are fixed."""

    model_config = ConfigDict(extra="forbid")

    status: DocumentStatus | None = None
    event_date: date | None = None
    holder_name: str | None = Field(default=None, max_length=200)
    holder_birth_date: date | None = None
    visibility: VisibilityInput | None = None
    disclosure: Disclosure | None = None

    @field_validator("status", "event_date", "visibility", "disclosure")
    @classmethod
    def _not_emptied(cls, value: object) -> object:
        # Runs only on values the request gives: leaving a field out keeps it as it is.
        if value is None:
            raise ValueError("cannot be emptied: give a value, or leave the field out")
        return value


class DocumentWithdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000, description="Why the record is withdrawn.")
