"""Reading notice requests: one with its history, or a list; every read is audited, and a
refused one answers as a request that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import notice_shown, require
from policenet.actions.notices.requests import not_found, notice_file, readable
from policenet.actions.verbs import refused
from policenet.domain.principals import Principal, Right
from policenet.store import audit
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window
    from policenet.domain.notices import NoticeState, NoticeType
    from policenet.domain.shown import NoticeShown


def read_notice(session: Session, actor: Principal, notice_id: int, now: datetime) -> NoticeShown:
    """A request with its history and questions; audited whether shown or not."""
    notice = store.get(session, notice_id)
    subject = f"notice:{notice_id}"
    if notice is None or not readable(actor, notice, now):
        raise refused(not_found(notice_id), actor, "notice.read", subject)
    audit.append_by(session, actor, "notice.read", subject, {"shown": True})
    return notice_file(session, actor, notice, now)


def list_notices(
    session: Session,
    actor: Principal,
    now: datetime,
    *,
    state: NoticeState | None,
    notice_type: NoticeType | None,
    window: Window,
) -> Page[NoticeShown]:
    """A bureau's own requests and every valid published notice; for GS reviewers, every
    request once submitted."""
    if not (actor.can(Right.CHECK_RECORDS) or actor.can(Right.REVIEW_NOTICES)):
        require(actor, Right.CHECK_RECORDS)
    found = store.listing(
        session,
        bureau_id=actor.bureau_id,
        see_all_requests=actor.can(Right.REVIEW_NOTICES),
        now=now,
        state=state,
        notice_type=notice_type,
        window=window,
    ).kept(lambda n: readable(actor, n, now))
    audit.append_by(
        session,
        actor,
        "notice.list",
        "notices",
        {
            "state": None if state is None else state.value,
            "type": None if notice_type is None else notice_type.value,
            "count": len(found.items),
            **window.described(),
        },
    )
    return found.mapped(lambda n: notice_shown(actor, n, now))
