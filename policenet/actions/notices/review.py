"""The GS review of notice requests: the queue reviewers take requests from, and the
questions a reviewer asks the requesting bureau, which it answers on the request itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.access import notice_shown, require
from policenet.actions.notices.requests import (
    locked,
    notice_event,
    notice_file,
    requester_only,
)
from policenet.domain.errors import Conflict, NotFound
from policenet.domain.events import EventKind
from policenet.domain.members import NOTICES_TASK_FORCE
from policenet.domain.notices import NoticeState
from policenet.domain.principals import Principal, Right
from policenet.store import audit, events
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import QuestionAnswer, QuestionAsk
    from policenet.domain.shown import NoticeShown


@dataclass(frozen=True, slots=True)
class QueueItem:
    notice: NoticeShown
    waiting_hours: float
    overdue: bool
    flags: tuple[str, ...]  # the screening rules the request triggered
    open_questions: int


def review_queue(session: Session, actor: Principal, now: datetime, limit: int) -> list[QueueItem]:
    """Requests waiting for review, urgent ones first, then the oldest; those past the 24-hour
    target are flagged."""
    require(actor, Right.REVIEW_NOTICES)
    found = store.review_queue(session, limit)
    waiting = store.open_questions(session, [n.id for n in found])
    audit.append_by(session, actor, "notice.queue", "notices", {"count": len(found)})
    return [
        QueueItem(
            notice=notice_shown(actor, n, now),
            waiting_hours=round((now - (n.submitted_at or now)).total_seconds() / 3600, 2),
            overdue=n.review_overdue(now),
            flags=tuple(f["rule"] for f in n.screening),
            open_questions=waiting.get(n.id, 0),
        )
        for n in found
    ]


def ask_question(
    session: Session, actor: Principal, notice_id: int, ask: QuestionAsk, now: datetime
) -> NoticeShown:
    """A reviewer asks the requesting bureau, on the request itself."""
    require(actor, Right.REVIEW_NOTICES)
    notice = locked(session, actor, notice_id, now)
    if notice.state is not NoticeState.UNDER_REVIEW:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: questions are asked while it is "
            "under review. Take it from the queue first.",
            code="notice_not_under_review",
            details={"state": notice.state.value},
        )
    question = store.add_question(session, notice_id, ask.question, at=now, by=actor.id)
    events.publish(
        session,
        [
            notice_event(
                notice.requester_bureau_id,
                EventKind.NOTICE_QUESTION,
                notice,
                question=question.id,
                text=ask.question,
            )
        ],
        now,
    )
    audit.append_by(
        session, actor, "notice.question", f"notice:{notice_id}", {"question": question.id}
    )
    return notice_file(session, actor, notice, now)


def answer_question(
    session: Session,
    actor: Principal,
    notice_id: int,
    question_id: int,
    answer: QuestionAnswer,
    now: datetime,
) -> NoticeShown:
    """The requesting bureau answers a reviewer's question."""
    notice = locked(session, actor, notice_id, now)
    requester_only(actor, notice, "answers the reviewer's questions")
    question = store.get_question(session, notice_id, question_id, for_update=True)
    if question is None:
        raise NotFound(
            f"Request {notice.reference} has no question {question_id}.",
            code="question_not_found",
        )
    if question.answered_at is not None:
        raise Conflict(
            f"Question {question_id} was answered on {question.answered_at:%Y-%m-%d %H:%M} UTC; "
            "add to it through a message to the GS if needed.",
            code="question_answered",
        )
    if not notice.state.in_review:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: the review is over.",
            code="notice_not_under_review",
            details={"state": notice.state.value},
        )
    store.answer_question(session, question_id, answer.answer, at=now, by=actor.id)
    events.publish(
        session,
        [
            notice_event(
                NOTICES_TASK_FORCE,
                EventKind.NOTICE_ANSWERED,
                notice,
                question=question_id,
                text=answer.answer,
            )
        ],
        now,
    )
    audit.append_by(
        session, actor, "notice.answer", f"notice:{notice_id}", {"question": question_id}
    )
    return notice_file(session, actor, notice, now)
