"""Moving a notice request to another state: the workflow (``domain.notices.TRANSITIONS``)
says where it may go and who may move it; each move is one transaction holding the move, its
history line, its audit entry and its events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.actions.notices.publication import cancel, publish, refuse, withdraw
from policenet.actions.notices.requests import locked, notice_file, party
from policenet.actions.notices.submission import submit, take
from policenet.domain.errors import Conflict, Forbidden, InvalidInput
from policenet.domain.notices import (
    REASON_REQUIRED,
    Notice,
    NoticeState,
    Party,
    allowed_next,
    movers,
)
from policenet.store import audit, events
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import NoticeMove
    from policenet.domain.principals import Principal
    from policenet.domain.shown import NoticeShown

_PARTY_WORDS = {
    Party.REQUESTER: "the requesting bureau",
    Party.REVIEWER: "a GS reviewer",
    Party.HUB: "the hub itself (at the end of the validity)",
}

_MOVES = {
    NoticeState.SUBMITTED: submit,
    NoticeState.UNDER_REVIEW: take,
    NoticeState.PUBLISHED: publish,
    NoticeState.REFUSED: refuse,
    NoticeState.WITHDRAWN: withdraw,
    NoticeState.CANCELLED: cancel,
    # Expired: only the hub's sweep (sweep_validity), never a principal's move.
}


def _refuse_move(notice: Notice, to: NoticeState) -> Conflict:
    allowed = allowed_next(notice.state)
    nexts = ", ".join(allowed) if allowed else "nothing: it is closed"
    return Conflict(
        f"Request {notice.reference} is {notice.state}; it cannot become {to}. From "
        f"{notice.state} it may become: {nexts}.",
        code="notice_transition_refused",
        field="to",
        details={"state": notice.state.value, "allowed": [s.value for s in allowed]},
    )


def move_notice(
    session: Session, actor: Principal, notice_id: int, move: NoticeMove, now: datetime
) -> NoticeShown:
    """Move a request to another state, if the workflow allows it and the actor may."""
    notice = locked(session, actor, notice_id, now)
    to = move.to
    if to not in allowed_next(notice.state):
        raise _refuse_move(notice, to)
    mover = party(actor, notice)
    may = movers(notice.state, to)
    if mover not in may:
        who = " or ".join(_PARTY_WORDS[p] for p in sorted(may))
        raise Forbidden(
            f"Only {who} may move request {notice.reference} from {notice.state} to {to}.",
            code="notice_move_forbidden",
        )
    if to in REASON_REQUIRED and move.reason is None:
        raise InvalidInput(
            f"Say why the request becomes {to}: the reason is kept in its history and told to "
            "the other side.",
            code="reason_required",
            field="reason",
        )
    moved, out = _MOVES[to](session, actor, notice, now, move.reason)
    store.add_transition(
        session,
        notice.id,
        notice.state,
        to,
        at=now,
        by=actor.id,
        bureau_id=actor.bureau_id,
        reason=move.reason,
    )
    events.publish(session, out, now)
    audit.append_by(
        session,
        actor,
        f"notice.{to.value}",
        f"notice:{notice.id}",
        {"from": notice.state.value, "to": to.value, "reason": move.reason},
    )
    return notice_file(session, actor, moved, now)
