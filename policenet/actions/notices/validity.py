"""The hub's sweep of published notices: it ends those past their validity and reminds
requesters 90 days before the end, so that they renew the notices still needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.actions.notices.requests import member_ncbs, notice_event
from policenet.domain.events import EventKind
from policenet.domain.notices import REMINDER, NoticeState
from policenet.store import audit, events, feed
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class SweepReport:
    expired: list[str]
    reminded: list[str]


def sweep_validity(session: Session, now: datetime) -> SweepReport:
    """End the notices past their validity, and remind requesters 90 days before the end.

    A notice past its end stops answering checks and leaves the public list at once (both ask
    for a valid one); the sweep records the move, tells every member, and reminds."""
    expired: list[str] = []
    for notice_id in store.due_to_expire(session, now, SWEEP_BATCH):
        notice = store.get(session, notice_id, for_update=True)
        # Checked again under the lock: a renewal or a cancellation may have come first.
        if (
            notice is None
            or notice.state is not NoticeState.PUBLISHED
            or notice.expires_at is None
            or notice.expires_at > now
        ):
            continue
        moved = store.change(
            session, notice_id, state=NoticeState.EXPIRED, closed_at=now, updated_at=now
        )
        store.add_transition(
            session,
            notice_id,
            NoticeState.PUBLISHED,
            NoticeState.EXPIRED,
            at=now,
            by=None,
            bureau_id=None,
            reason="the end of its validity, not renewed",
        )
        feed.changed(session, feed.NOTICES, notice_id)
        events.publish(
            session,
            [notice_event(m, EventKind.NOTICE_EXPIRED, moved) for m in member_ncbs()],
            now,
        )
        audit.append_by(session, None, "notice.expired", f"notice:{notice_id}", {})
        expired.append(moved.reference)
    reminded: list[str] = []
    for notice_id in store.due_for_reminder(session, now + REMINDER, SWEEP_BATCH):
        notice = store.get(session, notice_id, for_update=True)
        if (
            notice is None
            or notice.state is not NoticeState.PUBLISHED
            or notice.reminded_at is not None
            or notice.expires_at is None
            or notice.expires_at > now + REMINDER
        ):
            continue
        moved = store.change(session, notice_id, reminded_at=now)
        events.publish(
            session,
            [
                notice_event(
                    moved.requester_bureau_id,
                    EventKind.NOTICE_EXPIRING,
                    moved,
                    expires_at=notice.expires_at.isoformat(),
                    renew=f"POST /v1/notices/{notice_id}/renewal",
                )
            ],
            now,
        )
        audit.append_by(
            session,
            None,
            "notice.remind",
            f"notice:{notice_id}",
            {"expires_at": notice.expires_at.isoformat()},
        )
        reminded.append(moved.reference)
    return SweepReport(expired, reminded)
