"""Notices and diffusions: what each notice type requires, and what a request may become.

A bureau drafts a notice request, submits it, and the General Secretariat reviews it before
it is published to every member; a published notice is valid 5 years unless its requester
renews it. Diffusions go out at once to the bureaus their sender chooses and are reviewed
after. Every state a request can be in, and who may move it where, is in ``TRANSITIONS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.ids import MAX_ID

VALIDITY_YEARS = 5
VALIDITY = timedelta(days=5 * 365 + 2)  # at most five calendar years: for clocks in tests
REMINDER = timedelta(days=90)
REVIEW_TARGET = timedelta(hours=24)
LANGUAGES = ("en", "fr", "es", "ar")

# Thresholds of the Rules on the Processing of Data for a Red notice.
RED_MIN_PENALTY_YEARS = 2
RED_MIN_SENTENCE_MONTHS = 6


class NoticeType(StrEnum):
    RED = "red"  # locate and arrest with a view to extradition
    YELLOW = "yellow"  # missing person, or a person unable to identify themselves
    BLUE = "blue"  # identity, location or activities
    BLACK = "black"  # unidentified body
    GREEN = "green"  # warning: a person likely to reoffend
    ORANGE = "orange"  # imminent threat
    PURPLE = "purple"  # modus operandi, objects, devices, concealment methods
    SILVER = "silver"  # criminal assets
    UN_SPECIAL = "un_special"  # United Nations Security Council Special Notice

    @property
    def always_public(self) -> bool:
        """Security Council Special Notices are public whatever the requester says."""
        return self is NoticeType.UN_SPECIAL

    @property
    def may_be_public(self) -> bool:
        """Types whose extract may be published with the requester's consent."""
        return self in (NoticeType.RED, NoticeType.YELLOW)


class NoticeState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    PUBLISHED = "published"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def in_review(self) -> bool:
        return self in (NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW)


class Party(StrEnum):
    """Who moves a request: its requesting bureau, a GS reviewer, or the hub itself."""

    REQUESTER = "requester"
    REVIEWER = "reviewer"
    HUB = "hub"


TRANSITIONS: dict[NoticeState, dict[NoticeState, frozenset[Party]]] = {
    NoticeState.DRAFT: {NoticeState.SUBMITTED: frozenset({Party.REQUESTER})},
    NoticeState.SUBMITTED: {
        NoticeState.UNDER_REVIEW: frozenset({Party.REVIEWER}),
        NoticeState.WITHDRAWN: frozenset({Party.REQUESTER}),
    },
    NoticeState.UNDER_REVIEW: {
        NoticeState.PUBLISHED: frozenset({Party.REVIEWER}),
        NoticeState.REFUSED: frozenset({Party.REVIEWER}),
        NoticeState.WITHDRAWN: frozenset({Party.REQUESTER}),
    },
    NoticeState.PUBLISHED: {
        NoticeState.CANCELLED: frozenset({Party.REQUESTER, Party.REVIEWER}),
        NoticeState.EXPIRED: frozenset({Party.HUB}),
    },
    NoticeState.REFUSED: {},
    NoticeState.CANCELLED: {},
    NoticeState.EXPIRED: {},
    NoticeState.WITHDRAWN: {},
}


def valid_until(published: datetime) -> datetime:
    """Five calendar years after publication (29 February ends on 28 February)."""
    year = published.year + VALIDITY_YEARS
    try:
        return published.replace(year=year)
    except ValueError:
        return published.replace(year=year, day=28)


def allowed_next(state: NoticeState) -> list[NoticeState]:
    """The states a request in ``state`` may move to, in the order of the workflow."""
    return list(TRANSITIONS[state])


def may_move(state: NoticeState, to: NoticeState) -> bool:
    return to in TRANSITIONS[state]


def movers(state: NoticeState, to: NoticeState) -> frozenset[Party]:
    return TRANSITIONS[state].get(to, frozenset())


# --- what a request holds ------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Missing:
    """A field a type requires that a request lacks."""

    field: str
    why: str


def _has(content: NoticeContent, path: str) -> bool:
    value: Any = content
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return False
    return True


_COMMON = (("title", "every notice has a short title"),)
_PERSON = ("subject_person_id", "the person record it is about")

REQUIRED: dict[NoticeType, tuple[tuple[str, str], ...]] = {
    NoticeType.RED: (
        _PERSON,
        ("offence.description", "the facts of the offence"),
        ("offence.law", "the law that punishes the offence"),
        ("warrant", "the arrest warrant or judgment (reference, date, issuing authority)"),
        ("extradition_assurance", "the assurance that extradition will be requested"),
    ),
    NoticeType.YELLOW: (_PERSON, ("missing", "the circumstances of the disappearance")),
    NoticeType.BLUE: (
        _PERSON,
        ("purpose", "what is sought: identity, location or activities"),
        ("offence.description", "the criminal investigation it serves"),
    ),
    NoticeType.BLACK: (("body", "where and when the body was found, and its description"),),
    NoticeType.GREEN: (
        _PERSON,
        ("offence.description", "the offences the person committed"),
        ("purpose", "why the person is likely to reoffend"),
    ),
    NoticeType.ORANGE: (("threat", "the threat and what it comes from"),),
    NoticeType.PURPLE: (("modus_operandi", "the modus operandi, objects or concealment"),),
    NoticeType.SILVER: (
        ("assets", "the assets sought"),
        ("offence.description", "the criminal activity the assets come from"),
    ),
    NoticeType.UN_SPECIAL: (
        _PERSON,
        ("sanctions", "the Security Council committee, the UN reference and the measures"),
    ),
}


def missing_fields(content: NoticeContent) -> list[Missing]:
    """What the request still lacks before it can be submitted."""
    missing = [
        Missing(f, why) for f, why in (*_COMMON, *REQUIRED[content.type]) if not _has(content, f)
    ]
    if content.type is NoticeType.RED:
        offence = content.offence
        if offence is None or (
            offence.max_penalty_years is None
            and not offence.life_imprisonment
            and offence.sentence_remaining_months is None
        ):
            missing.append(
                Missing(
                    "offence.max_penalty_years",
                    "the maximum penalty (or 'life_imprisonment'), or for a sentenced person "
                    "'sentence_remaining_months'",
                )
            )
    if (
        content.type is NoticeType.ORANGE
        and content.threat is not None
        and content.threat.kind == "person"
        and content.subject_person_id is None
    ):
        missing.append(Missing(_PERSON[0], "a threat from a person names the person record"))
    return missing


def red_threshold_met(offence: Offence) -> bool:
    """At least 2 years' maximum penalty, or at least 6 months of a sentence left to serve."""
    return (
        offence.life_imprisonment
        or (offence.max_penalty_years or 0) >= RED_MIN_PENALTY_YEARS
        or (offence.sentence_remaining_months or 0) >= RED_MIN_SENTENCE_MONTHS
    )


def is_public(notice_type: NoticeType, content: NoticeContent) -> bool:
    """Whether a published notice of this type and content has a public extract."""
    return notice_type.always_public or (notice_type.may_be_public and content.public_consent)


# --- a request as stored -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Transition:
    """One move of a request: who made it, when and why."""

    from_state: NoticeState | None
    to_state: NoticeState
    at: datetime
    by: int | None  # None: the hub itself (expiry)
    bureau_id: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Question:
    """A reviewer's question to the requesting bureau, threaded on the request."""

    id: int
    notice_id: int
    asked_at: datetime
    asked_by: int
    question: str
    answered_at: datetime | None
    answered_by: int | None
    answer: str | None


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    reference: str  # e.g. "2026/RED/000042", given at submission
    type: NoticeType
    state: NoticeState
    requester_bureau_id: str
    requester_country: str
    content: NoticeContent
    subject: dict[str, Any] | None  # the person record as it stood when last submitted
    screening: list[dict[str, Any]]
    urgent: bool
    created_at: datetime
    created_by: int
    submitted_at: datetime | None
    reviewer_id: int | None
    decided_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    reminded_at: datetime | None
    closed_at: datetime | None

    def active(self, now: datetime) -> bool:
        """Published and not past its validity: it answers checks and is listed."""
        return (
            self.state is NoticeState.PUBLISHED
            and self.expires_at is not None
            and now < self.expires_at
        )

    @property
    def public(self) -> bool:
        return is_public(self.type, self.content)

    def review_overdue(self, now: datetime) -> bool:
        return (
            self.state.in_review
            and self.submitted_at is not None
            and now - self.submitted_at > REVIEW_TARGET
        )


@dataclass(frozen=True, slots=True)
class NoticeRef:
    """A notice as a hit names it: enough to read it (GET /v1/notices/{id})."""

    id: int
    reference: str
    type: NoticeType
    title: str | None

    @classmethod
    def of(cls, notice: Notice) -> NoticeRef:
        return cls(notice.id, notice.reference, notice.type, notice.content.title)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "type": self.type.value,
            "title": self.title,
        }


class NoticeMove(BaseModel):
    """A move of a request to another state, with the reason the record keeps."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: NoticeState
    reason: str | None = Field(
        default=None,
        min_length=3,
        max_length=4000,
        description="Required to publish, refuse, withdraw or cancel; kept in the request's "
        "history.",
    )


# The GS publishes or refuses with a written reason; the requester says why it withdraws or
# cancels.
REASON_REQUIRED = frozenset(
    {NoticeState.PUBLISHED, NoticeState.REFUSED, NoticeState.WITHDRAWN, NoticeState.CANCELLED}
)


class QuestionAsk(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=3, max_length=4000)


class QuestionAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(min_length=1, max_length=8000)


class Renewal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=3, max_length=4000, description="Why the notice is still needed."
    )


# --- diffusions ----------------------------------------------------------------------------


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


# --- labels in the organisation's four languages -------------------------------------------


@cache
def labels() -> dict[str, dict[str, Any]]:
    """User-interface strings in English, French, Spanish and Arabic."""
    text = (
        resources.files("policenet.domain").joinpath("data/notice_labels.json").read_text("utf-8")
    )
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


def language(requested: str | None) -> str:
    """One of the four languages; English when none is asked or the one asked is not kept."""
    if requested is None:
        return "en"
    code = requested.strip().lower()[:2]
    return code if code in LANGUAGES else "en"


def age_on(birth_date: str | None, today: date) -> int | None:
    """Age in whole years from a full or partial birth date (year only: the lower bound)."""
    if not birth_date:
        return None
    parts = [int(p) for p in birth_date.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else 31
    return today.year - year - ((today.month, today.day) < (month, day))


# --- automated screening -------------------------------------------------------------------


class ScreeningRule(StrEnum):
    """What the automated screening flags for the reviewer; a flag never refuses by itself."""

    MISSING_REQUIRED_FIELDS = "missing_required_fields"
    BELOW_RED_THRESHOLD = "below_red_threshold"
    POLITICAL = "political"
    MILITARY = "military"
    RELIGIOUS = "religious"
    RACIAL = "racial"
    PRIVATE_MATTER = "private_matter"
    REQUESTER_SUSPENDED = "requester_suspended"


class TermCategory(StrEnum):
    POLITICAL = "political"
    MILITARY = "military"
    RELIGIOUS = "religious"
    RACIAL = "racial"
    PRIVATE_MATTER = "private_matter"

    @property
    def rule(self) -> ScreeningRule:
        return ScreeningRule(self.value)


class TermKind(StrEnum):
    WORD = "word"  # a word or phrase, matched as whole words, ignoring case and accents
    PATTERN = "pattern"  # a regular expression on the lower-cased, accent-free text


@dataclass(frozen=True, slots=True)
class ScreeningTerm:
    id: int
    category: TermCategory
    language: str
    kind: TermKind
    text: str


class TermCreate(BaseModel):
    """A word or pattern the screening looks for; kept as data the GS edits."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: TermCategory
    language: Literal["en", "fr", "es", "ar"]
    kind: TermKind = TermKind.WORD
    text: str = Field(min_length=2, max_length=200)


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a rule was triggered: the field, the words, and the sentence around them."""

    field: str
    match: str
    context: str


@dataclass(frozen=True, slots=True)
class Flag:
    rule: ScreeningRule
    message: str
    passages: tuple[Passage, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "message": self.message,
            "passages": [
                {"field": p.field, "match": p.match, "context": p.context} for p in self.passages
            ],
        }
