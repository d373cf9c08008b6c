"""What a notice request holds, as a bureau drafts it: the parts each type fills in (the
offence, the warrant, the missing person, the body, the threat, ...) and the request itself.

A draft may leave any part out; ``requirements.missing_fields`` says what a submission needs.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.ids import MAX_ID
from policenet.domain.notices.types import NoticeType


def _text(max_length: int, description: str | None = None) -> Any:  # noqa: ANN401 - a Field
    return Field(default=None, min_length=1, max_length=max_length, description=description)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Offence(_Part):
    description: str | None = _text(8000, "The facts: what the person did, when and where.")
    charges: str | None = _text(300, "The charges in general terms, e.g. 'Murder'.")
    law: str | None = _text(500, "The law that punishes it, e.g. 'Penal Code, art. 221-1'.")
    max_penalty_years: float | None = Field(
        default=None, ge=0, le=100, description="The maximum penalty the law sets, in years."
    )
    life_imprisonment: bool = Field(
        default=False, description="The law punishes it with life imprisonment."
    )
    sentence_remaining_months: int | None = Field(
        default=None, ge=0, le=1200, description="For a sentenced person: what is left to serve."
    )
    committed_on: date | None = None
    committed_in: str | None = Field(default=None, description="Country, ISO alpha-2.")


class Warrant(_Part):
    kind: Literal["arrest_warrant", "judgment"]
    reference: str = Field(min_length=1, max_length=200)
    issued_on: date
    issuing_authority: str = Field(min_length=2, max_length=300)


class MissingPerson(_Part):
    circumstances: str = Field(min_length=3, max_length=4000)
    disappeared_on: date | None = None
    place: str | None = _text(300)
    unable_to_identify: bool = Field(
        default=False, description="A person found who cannot say who they are."
    )


class UnidentifiedBody(_Part):
    found_on: date
    place: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=3, max_length=4000)
    circumstances: str | None = _text(4000)


class Threat(_Part):
    kind: Literal["person", "object", "event", "modus_operandi"]
    description: str = Field(min_length=3, max_length=8000)


class ModusOperandi(_Part):
    description: str = Field(min_length=3, max_length=8000)
    objects: str | None = _text(2000, "Objects and devices used.")
    concealment: str | None = _text(2000, "How things were hidden.")


class Assets(_Part):
    description: str = Field(min_length=3, max_length=8000)
    estimated_value: str | None = _text(100, "e.g. 'EUR 2,400,000'.")
    locations: str | None = _text(2000, "Where they are thought to be.")


class Sanctions(_Part):
    committee: str = Field(min_length=2, max_length=300, description="e.g. '1267 Committee'.")
    un_reference: str = Field(min_length=2, max_length=60, description="e.g. 'QDi.421'.")
    listed_on: date | None = None
    measures: list[Literal["asset_freeze", "travel_ban", "arms_embargo"]] = Field(
        min_length=1, max_length=3
    )


class PublicExtract(_Part):
    consent: bool = Field(description="The requester consents to a public extract.")
    charges: str | None = _text(300, "What the public page says, in general terms.")


class NoticeContent(_Part):
    """A notice request as a bureau drafts it: a draft may be incomplete, a submission not."""

    type: NoticeType
    title: str | None = _text(200, "A short statement, e.g. 'Wanted for prosecution: murder'.")
    subject_person_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The person record the notice is about; your bureau must own it.",
    )
    purpose: str | None = _text(4000, "Blue: what is sought. Green: why the person is a risk.")
    offence: Offence | None = None
    warrant: Warrant | None = None
    extradition_assurance: str | None = _text(
        2000, "Red: the assurance that extradition will be requested."
    )
    missing: MissingPerson | None = None
    body: UnidentifiedBody | None = None
    threat: Threat | None = None
    modus_operandi: ModusOperandi | None = None
    assets: Assets | None = None
    sanctions: Sanctions | None = None
    public_extract: PublicExtract | None = None
    urgent: bool = False
    urgency_reason: str | None = _text(1000)

    @model_validator(mode="after")
    def _urgency_explained(self) -> NoticeContent:
        if self.urgent and self.urgency_reason is None:
            raise ValueError("an urgent request needs its 'urgency_reason'")
        return self

    @property
    def public_consent(self) -> bool:
        return self.public_extract is not None and self.public_extract.consent
