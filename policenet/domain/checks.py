"""A check: "is this document known?", asked by an officer, a border post or a carrier."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.documents import DocumentType, TravelDocument

if TYPE_CHECKING:
    from datetime import datetime


class DocumentQuery(BaseModel):
    """A document as typed by an officer."""

    model_config = ConfigDict(extra="forbid")

    issuing_country: str = Field(description="ISO alpha-2 or alpha-3 code of the issuing state.")
    number: str = Field(max_length=40)
    document_type: DocumentType | None = Field(
        default=None, description="Informative only: a check finds the number under any type."
    )


class CheckRequest(BaseModel):
    """What to check: a document by country and number, or a full machine readable zone."""

    model_config = ConfigDict(extra="forbid")

    document: DocumentQuery | None = None
    mrz: str | list[str] | None = Field(
        default=None,
        description="The zone's lines, as a list or as one text with line breaks (TD1/TD2/TD3).",
    )
    place: str | None = Field(default=None, max_length=200, description="Where the check is made.")

    @model_validator(mode="after")
    def _one_subject(self) -> CheckRequest:
        if (self.document is None) == (self.mrz is None):
            raise ValueError("give either 'document' (issuing_country and number) or 'mrz'")
        return self


class MatchKind(StrEnum):
    EXACT = "exact"
    LETTER_O_AS_ZERO = "letter_o_as_zero"


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """One record that answers a check; ``record`` is None for callers who see hit/no hit only."""

    match: MatchKind
    note: str | None
    owner_bureau_id: str | None
    owner_country: str | None
    reported_at: datetime | None
    record: TravelDocument | None


@dataclass(frozen=True, slots=True)
class CheckResult:
    reference: str
    checked_at: datetime
    issuing_country: str | None
    number: str
    hits: list[DocumentHit]
    notes: list[str]

    @property
    def hit(self) -> bool:
        return bool(self.hits)
