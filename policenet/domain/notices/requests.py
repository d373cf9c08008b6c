"""A notice request as the hub keeps it: its state and dates, its history of moves, and the
short reference by which a hit names it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.domain.notices.requirements import is_public
from policenet.domain.notices.workflow import REVIEW_TARGET, NoticeState

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.notices.content import NoticeContent
    from policenet.domain.notices.types import NoticeType


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
