"""Notices and diffusions: what each notice type requires, and what a request may become.

A bureau drafts a notice request, submits it, and the General Secretariat reviews it before
it is published to every member; a published notice is valid 5 years unless its requester
renews it. Diffusions go out at once to the bureaus their sender chooses and are reviewed
after. Every state a request can be in, and who may move it where, is in ``TRANSITIONS``.

``types`` names the notice types, ``content`` what a request holds and ``requirements`` what
each type needs of it; ``workflow`` holds the states and their transitions, ``validity`` how
long a notice lasts, ``requests`` and ``questions`` a request as the hub keeps it;
``diffusions``, ``public`` (the public pages' labels) and ``screening`` their own concepts.
Callers import from here.
"""

from policenet.domain.notices.content import (
    Assets,
    MissingPerson,
    ModusOperandi,
    NoticeContent,
    Offence,
    PublicExtract,
    Sanctions,
    Threat,
    UnidentifiedBody,
    Warrant,
)
from policenet.domain.notices.diffusions import (
    Diffusion,
    DiffusionCancel,
    DiffusionCreate,
    DiffusionKind,
    DiffusionReview,
    DiffusionReviewed,
    DiffusionState,
)
from policenet.domain.notices.public import LANGUAGES, age_on, labels, language
from policenet.domain.notices.questions import Question, QuestionAnswer, QuestionAsk
from policenet.domain.notices.requests import Notice, NoticeRef, Transition
from policenet.domain.notices.requirements import (
    RED_MIN_PENALTY_YEARS,
    RED_MIN_SENTENCE_MONTHS,
    REQUIRED,
    Missing,
    is_public,
    missing_fields,
    red_threshold_met,
)
from policenet.domain.notices.screening import (
    Flag,
    Passage,
    ScreeningRule,
    ScreeningTerm,
    TermCategory,
    TermCreate,
    TermKind,
)
from policenet.domain.notices.types import NoticeType
from policenet.domain.notices.validity import (
    REMINDER,
    VALIDITY,
    VALIDITY_YEARS,
    Renewal,
    valid_until,
)
from policenet.domain.notices.workflow import (
    REASON_REQUIRED,
    REVIEW_TARGET,
    TRANSITIONS,
    NoticeMove,
    NoticeState,
    Party,
    allowed_next,
    may_move,
    movers,
)

__all__ = [
    "LANGUAGES",
    "REASON_REQUIRED",
    "RED_MIN_PENALTY_YEARS",
    "RED_MIN_SENTENCE_MONTHS",
    "REMINDER",
    "REQUIRED",
    "REVIEW_TARGET",
    "TRANSITIONS",
    "VALIDITY",
    "VALIDITY_YEARS",
    "Assets",
    "Diffusion",
    "DiffusionCancel",
    "DiffusionCreate",
    "DiffusionKind",
    "DiffusionReview",
    "DiffusionReviewed",
    "DiffusionState",
    "Flag",
    "Missing",
    "MissingPerson",
    "ModusOperandi",
    "Notice",
    "NoticeContent",
    "NoticeMove",
    "NoticeRef",
    "NoticeState",
    "NoticeType",
    "Offence",
    "Party",
    "Passage",
    "PublicExtract",
    "Question",
    "QuestionAnswer",
    "QuestionAsk",
    "Renewal",
    "Sanctions",
    "ScreeningRule",
    "ScreeningTerm",
    "TermCategory",
    "TermCreate",
    "TermKind",
    "Threat",
    "Transition",
    "UnidentifiedBody",
    "Warrant",
    "age_on",
    "allowed_next",
    "is_public",
    "labels",
    "language",
    "may_move",
    "missing_fields",
    "movers",
    "red_threshold_met",
    "valid_until",
]
