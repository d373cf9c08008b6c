"""Diffusions: an NCB's request sent at once to the bureaus it chooses (or to all), and
reviewed by the GS after, rather than published after a review as a notice is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.ids import MAX_ID

if TYPE_CHECKING:
    from datetime import datetime


class DiffusionKind(StrEnum):
    WANTED_PERSON = "wanted_person"
    MISSING_PERSON = "missing_person"
    LOCATE = "locate"
    ADDITIONAL_INFORMATION = "additional_information"
    WARNING = "warning"


class DiffusionState(StrEnum):
    ACTIVE = "active"  # delivered, waiting for (or after) the GS review
    CANCELLED = "cancelled"  # withdrawn everywhere by the GS or by its sender


class DiffusionReview(StrEnum):
    PENDING = "pending"
    COMPLIANT = "compliant"
    CANCELLED = "cancelled"  # cancelled by the GS
    WITHDRAWN = "withdrawn"  # cancelled by its sender before the GS reviewed it


class DiffusionCreate(BaseModel):
    """A diffusion: delivered at once to the chosen bureaus (or all), reviewed after."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: DiffusionKind
    title: str = Field(min_length=3, max_length=200)
    text: str = Field(min_length=3, max_length=20000)
    to: list[Annotated[str, Field(min_length=1, max_length=20)]] | Literal["all"] = Field(
        description="NCB ids (e.g. 'NCB-FR') or country codes, or 'all' for every member."
    )
    subject_person_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    urgent: bool = False

    @model_validator(mode="after")
    def _someone(self) -> DiffusionCreate:
        if isinstance(self.to, list) and not 1 <= len(self.to) <= 196:
            raise ValueError("'to' names 1 to 196 bureaus, or is 'all'")
        return self


class DiffusionCancel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=4000)


class DiffusionReviewed(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, min_length=3, max_length=4000)


@dataclass(frozen=True, slots=True)
class Diffusion:
    id: int
    reference: str
    kind: DiffusionKind
    title: str
    text: str
    sender_bureau_id: str
    sender_country: str
    to_all: bool
    recipients: tuple[str, ...]
    subject_person_id: int | None
    urgent: bool
    state: DiffusionState
    review: DiffusionReview
    sent_at: datetime
    sent_by: int
    reviewed_at: datetime | None
    reviewed_by: int | None
    review_note: str | None
