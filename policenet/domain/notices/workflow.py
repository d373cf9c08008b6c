"""What a notice request may become, and who may move it: the states of a request, the
parties that move it, and ``TRANSITIONS`` between them.

A bureau drafts a request and submits it; a GS reviewer takes it, then publishes or refuses
it; the requester may withdraw it while in review or cancel it once published; the hub
itself ends it at the end of its validity.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

REVIEW_TARGET = timedelta(hours=24)


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


def allowed_next(state: NoticeState) -> list[NoticeState]:
    """The states a request in ``state`` may move to, in the order of the workflow."""
    return list(TRANSITIONS[state])


def may_move(state: NoticeState, to: NoticeState) -> bool:
    return to in TRANSITIONS[state]


def movers(state: NoticeState, to: NoticeState) -> frozenset[Party]:
    return TRANSITIONS[state].get(to, frozenset())


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
