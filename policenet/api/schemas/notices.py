"""Notice requests, their review queue, the screening terms and diffusions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.actions.notices import QueueItem
from policenet.api.schemas.copies import PublicCopy
from policenet.domain.notices import (
    Diffusion,
    DiffusionKind,
    DiffusionReview,
    DiffusionState,
    NoticeState,
    NoticeType,
    ScreeningTerm,
    TermCategory,
    TermKind,
)
from policenet.domain.shown import NoticeShown


class TransitionPublic(PublicCopy):
    from_state: NoticeState | None
    to_state: NoticeState
    at: datetime
    by: int | None = Field(description="The principal; null for the hub itself (expiry).")
    bureau: str | None
    reason: str | None


class QuestionPublic(PublicCopy):
    id: int
    asked_at: datetime
    asked_by: int
    question: str
    answered_at: datetime | None
    answered_by: int | None
    answer: str | None


class NoticePublic(PublicCopy):
    """A notice request. Its history, questions and screening are shown to the requesting
    bureau and the GS reviewers; other members read a published notice's content."""

    id: int
    reference: str
    type: NoticeType
    state: NoticeState
    requester_bureau: str
    content: dict[str, Any]
    subject: dict[str, Any] | None
    urgent: bool
    public: bool = Field(description="Published with a public extract (GET /public/notices).")
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None
    review_overdue: bool = Field(description="In review past the 24-hour target.")
    allowed_next: list[NoticeState] | None = None
    missing: list[dict[str, str]] | None = Field(
        default=None, description="What a draft still lacks before it can be submitted."
    )
    screening: list[dict[str, Any]] | None = None
    history: list[TransitionPublic] | None = None
    questions: list[QuestionPublic] | None = None

    @classmethod
    def of(cls, n: NoticeShown) -> NoticePublic:
        return cls.copied(
            n,
            requester_bureau=n.requester_bureau_id,
            allowed_next=None if n.allowed_next is None else list(n.allowed_next),
            missing=None if n.missing is None else list(n.missing),
            screening=None if n.screening is None else list(n.screening),
            history=None
            if n.history is None
            else [TransitionPublic.copied(t, bureau=t.bureau_id) for t in n.history],
            questions=None
            if n.questions is None
            else [QuestionPublic.copied(q) for q in n.questions],
        )


class QueueItemPublic(BaseModel):
    notice: NoticePublic
    waiting_hours: float
    overdue: bool = Field(description="Waiting past the 24-hour review target.")
    flags: list[str] = Field(description="The screening rules the request triggered.")
    open_questions: int

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemPublic:
        return cls(
            notice=NoticePublic.of(item.notice),
            waiting_hours=item.waiting_hours,
            overdue=item.overdue,
            flags=list(item.flags),
            open_questions=item.open_questions,
        )


class ScreeningTermPublic(PublicCopy):
    id: int
    category: TermCategory
    language: str
    kind: TermKind
    text: str

    @classmethod
    def of(cls, t: ScreeningTerm) -> ScreeningTermPublic:
        return cls.copied(t)


class DiffusionPublic(PublicCopy):
    id: int
    reference: str
    kind: DiffusionKind
    title: str
    text: str
    sender_bureau: str
    to: list[str] | str
    subject_person_id: int | None
    urgent: bool
    state: DiffusionState
    review: DiffusionReview
    sent_at: datetime
    reviewed_at: datetime | None
    review_note: str | None

    @classmethod
    def of(cls, d: Diffusion) -> DiffusionPublic:
        return cls.copied(
            d, sender_bureau=d.sender_bureau_id, to="all" if d.to_all else list(d.recipients)
        )
