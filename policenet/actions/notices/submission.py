"""Submitting a notice request, and a reviewer taking it from the queue: the request must be
complete, is given its reference, and is screened for what the reviewer must look at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.actions.notices.requests import Moved, notice_event
from policenet.actions.notices.subjects import subject_of
from policenet.actions.notices.terms import matcher
from policenet.domain.errors import InvalidInput
from policenet.domain.events import EventKind
from policenet.domain.members import NOTICES_TASK_FORCE, MemberStatus
from policenet.domain.notices import NoticeState, NoticeType, missing_fields
from policenet.matching.notices import screen
from policenet.store import notices as store
from policenet.store import registry

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import Notice
    from policenet.domain.principals import Principal

_TYPE_CODES = {
    NoticeType.RED: "RED",
    NoticeType.YELLOW: "YEL",
    NoticeType.BLUE: "BLU",
    NoticeType.BLACK: "BLK",
    NoticeType.GREEN: "GRN",
    NoticeType.ORANGE: "ORA",
    NoticeType.PURPLE: "PUR",
    NoticeType.SILVER: "SIL",
    NoticeType.UN_SPECIAL: "UNSC",
}


def suspended(session: Session, member: str) -> bool:
    found = registry.get_member(session, member)
    return found is not None and found.status is MemberStatus.SUSPENDED


def _screen(session: Session, notice: Notice, subject: dict[str, Any] | None) -> list[Any]:
    flags = screen(
        notice.content,
        subject,
        matcher(session),
        requester_suspended=suspended(session, notice.requester_country),
    )
    return [f.as_json() for f in flags]


def submit(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> Moved:
    missing = missing_fields(notice.content)
    if missing:
        listed = "; ".join(f"{m.field} ({m.why})" for m in missing)
        raise InvalidInput(
            f"A {notice.type} notice request needs: {listed}. Complete the draft "
            f"(PUT /v1/notices/{notice.id}) and submit again.",
            code="notice_incomplete",
            field=missing[0].field,
            details={"missing": [{"field": m.field, "why": m.why} for m in missing]},
        )
    subject = subject_of(session, actor, notice.content)
    reference = f"{_TYPE_CODES[notice.type]}-{notice.id:06d}/{now.year}"
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.SUBMITTED,
        reference=reference,
        subject=subject,
        screening=_screen(session, notice, subject),
        submitted_at=now,
        updated_at=now,
    )
    return moved, [
        notice_event(
            NOTICES_TASK_FORCE,
            EventKind.NOTICE_SUBMITTED,
            moved,
            urgent=moved.urgent,
            flags=[f["rule"] for f in moved.screening],
        )
    ]


def take(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> Moved:
    # Screened again: the member may have been suspended, or the terms changed, since.
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.UNDER_REVIEW,
        reviewer_id=actor.id,
        screening=_screen(session, notice, notice.subject),
        updated_at=now,
    )
    return moved, []
