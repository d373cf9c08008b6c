"""A notice request as its reader sees it, and what every notice verb shares: who requests
(an NCB), who reads, the party a principal is to a request, and the events a move sends.

A request the caller may not read is answered exactly as one that does not exist
(``not_found``); ``policenet.access`` decides which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access import NoticeFileParts, may_read_notice, notice_shown, require
from policenet.actions.verbs import refused
from policenet.domain.classification import Classification
from policenet.domain.errors import Forbidden, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.members import member_countries, ncb_id
from policenet.domain.notices import (
    Notice,
    NoticeState,
    Party,
    allowed_next,
    missing_fields,
)
from policenet.domain.principals import Principal, Right
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.shown import NoticeShown

# Notice requests are police data: officers read them, carriers never.
NOTICE_CLASSIFICATION = Classification.RESTRICTED

# What a move leaves: the request as moved, and the events it sends.
Moved = tuple[Notice, list[NewEvent]]


def not_found(notice_id: int) -> NotFound:
    """The one answer for a request that does not exist and one the caller may not read."""
    return NotFound(
        f"No notice request {notice_id} that you may read: GET /v1/notices lists yours and "
        "every published notice.",
        code="notice_not_found",
    )


def readable(actor: Principal, notice: Notice, now: datetime) -> bool:
    return may_read_notice(
        actor,
        notice.requester_bureau_id,
        active=notice.active(now),
        draft=notice.state is NoticeState.DRAFT,
    )


def requesting_ncb(actor: Principal) -> tuple[str, str]:
    """The requesting NCB of the actor: only an NCB's own officers request notices."""
    require(actor, Right.REQUEST_NOTICES)
    if actor.country is None or actor.bureau_id != ncb_id(actor.country):
        raise Forbidden(
            "Notices are requested by a member country's National Central Bureau: use a "
            "principal of your NCB.",
            code="not_a_member_bureau",
        )
    return actor.bureau_id, actor.country


def member_ncbs() -> list[str]:
    return [ncb_id(c.alpha2) for c in member_countries()]


def notice_event(mailbox: str, kind: EventKind, notice: Notice, **extra: Any) -> NewEvent:  # noqa: ANN401
    payload = {
        "notice": notice.id,
        "reference": notice.reference,
        "type": notice.type.value,
        "state": notice.state.value,
        "title": notice.content.title,
        "requester": notice.requester_bureau_id,
        **extra,
    }
    return NewEvent(mailbox, kind, f"notice:{notice.id}", NOTICE_CLASSIFICATION, payload)


def notice_file(session: Session, actor: Principal, notice: Notice, now: datetime) -> NoticeShown:
    """The request with its file, as the actor may see it."""
    parts = NoticeFileParts(
        transitions=store.transitions(session, notice.id),
        questions=store.questions(session, notice.id),
        missing=[{"field": m.field, "why": m.why} for m in missing_fields(notice.content)],
        allowed=allowed_next(notice.state),
    )
    return notice_shown(actor, notice, now, parts)


def locked(session: Session, actor: Principal, notice_id: int, now: datetime) -> Notice:
    """A request the actor may read, locked for change; any other is not found (and the
    refused change audited)."""
    notice = store.get(session, notice_id, for_update=True)
    if notice is None or not readable(actor, notice, now):
        raise refused(not_found(notice_id), actor, "notice.change", f"notice:{notice_id}")
    return notice


def party(actor: Principal, notice: Notice) -> Party | None:
    if (
        actor.bureau_id is not None
        and actor.bureau_id == notice.requester_bureau_id
        and actor.can(Right.REQUEST_NOTICES)
    ):
        return Party.REQUESTER
    if actor.can(Right.REVIEW_NOTICES):
        return Party.REVIEWER
    return None


def requester_only(actor: Principal, notice: Notice, doing: str) -> None:
    if party(actor, notice) is not Party.REQUESTER:
        raise Forbidden(
            f"Only the requesting bureau ({notice.requester_bureau_id}) {doing}.",
            code="notice_move_forbidden",
        )
