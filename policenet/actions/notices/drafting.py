"""Drafting a notice request: an NCB starts one, and changes it until it is submitted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.actions.notices.requests import (
    not_found,
    notice_file,
    requesting_ncb,
)
from policenet.actions.notices.subjects import check_countries, subject_of
from policenet.domain.errors import Conflict
from policenet.domain.notices import NoticeState
from policenet.store import audit
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import NoticeContent
    from policenet.domain.principals import Principal
    from policenet.domain.shown import NoticeShown


def draft_notice(
    session: Session, actor: Principal, content: NoticeContent, now: datetime
) -> NoticeShown:
    """Start a request for the actor's NCB; it may be incomplete until it is submitted."""
    bureau_id, member = requesting_ncb(actor)
    check_countries(content)
    subject_of(session, actor, content)
    notice = store.add(
        session, content=content, bureau_id=bureau_id, country=member, by=actor.id, at=now
    )
    store.add_transition(
        session,
        notice.id,
        None,
        NoticeState.DRAFT,
        at=now,
        by=actor.id,
        bureau_id=bureau_id,
        reason=None,
    )
    audit.append_by(
        session, actor, "notice.draft", f"notice:{notice.id}", {"type": content.type.value}
    )
    return notice_file(session, actor, notice, now)


def change_draft(
    session: Session, actor: Principal, notice_id: int, content: NoticeContent, now: datetime
) -> NoticeShown:
    """Replace a draft's content; once submitted, a request no longer changes."""
    bureau_id, _ = requesting_ncb(actor)
    notice = store.get(session, notice_id, for_update=True)
    if notice is None or notice.requester_bureau_id != bureau_id:
        raise not_found(notice_id)
    if notice.state is not NoticeState.DRAFT:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: only a draft changes. Withdraw it "
            "and draft a new one if it must change.",
            code="notice_not_draft",
            details={"state": notice.state.value},
        )
    check_countries(content)
    subject_of(session, actor, content)
    changed = store.change(session, notice_id, content=content, updated_at=now)
    audit.append_by(
        session, actor, "notice.change", f"notice:{notice_id}", {"type": content.type.value}
    )
    return notice_file(session, actor, changed, now)
