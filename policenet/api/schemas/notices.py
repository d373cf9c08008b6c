"""Notice requests, their review queue, the screening terms and diffusions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.access import (
    inside_notice,
    reads_notice_screening,
)
from policenet.actions.notices import NoticeFile, QueueItem
from policenet.api.schemas.copies import PublicCopy
from policenet.domain.notices import (
    Diffusion,
    DiffusionKind,
    DiffusionReview,
    DiffusionState,
    Notice,
    NoticeState,
    NoticeType,
    ScreeningTerm,
    TermCategory,
    TermKind,
)
from policenet.domain.principals import Principal


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
    def of(
        cls, n: Notice, viewer: Principal, now: datetime, file: NoticeFile | None = None
    ) -> NoticePublic:
        inside = inside_notice(viewer, n.requester_bureau_id)
        return cls.copied(
            n,
            requester_bureau=n.requester_bureau_id,
            content=n.content.model_dump(mode="json", exclude_none=True),
            review_overdue=n.review_overdue(now),
            allowed_next=None if file is None or not inside else list(file.allowed),
            missing=file.missing if file is not None and n.state is NoticeState.DRAFT else None,
            screening=n.screening if reads_notice_screening(viewer) else None,
            history=None
            if file is None or not inside
            else [TransitionPublic.copied(t, bureau=t.bureau_id) for t in file.transitions],
            questions=None
            if file is None or not inside
            else [QuestionPublic.copied(q) for q in file.questions],
        )


class QueueItemPublic(BaseModel):
    notice: NoticePublic
    waiting_hours: float
    overdue: bool = Field(description="Waiting past the 24-hour review target.")
    flags: list[str] = Field(description="The screening rules the request triggered.")
    open_questions: int

    @classmethod
    def of(cls, item: QueueItem, viewer: Principal, now: datetime) -> QueueItemPublic:
        return cls(
            notice=NoticePublic.of(item.notice, viewer, now),
            waiting_hours=item.waiting_hours,
            overdue=item.overdue,
            flags=[f["rule"] for f in item.notice.screening],
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
