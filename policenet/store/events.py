"""The durable event logs: one ordered log per recipient (a bureau, a GS unit, an agency).

Events are numbered under the audit head's lock, like the change feed, so numbers follow
commit order on both engines: a reader that has seen event N never later finds an event
below N committed, and ``after N`` is a complete resume point.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from policenet.domain.classification import Classification
from policenet.domain.events import Event, EventKind
from policenet.store.db import mark_published
from policenet.store.feed import hold_commit_order
from policenet.store.tables import EventRow

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.events import NewEvent


def publish(session: Session, events: Iterable[NewEvent], at: datetime) -> int:
    """Append events in the caller's transaction; they are announced once it commits."""
    rows = [
        {
            "mailbox": e.mailbox,
            "kind": e.kind.value,
            "at": at,
            "subject": e.subject,
            "classification": e.classification.value,
            "payload": json.dumps(e.payload, sort_keys=True, default=str),
        }
        for e in events
    ]
    if rows:
        hold_commit_order(session)
        session.execute(insert(EventRow), rows)
        mark_published(session)
    return len(rows)


def blank(
    session: Session,
    subjects: list[str],
    values: dict[str, Any],
    *,
    which: Callable[[str, dict[str, Any]], bool] | None = None,
) -> int:
    """Overwrite these fields of the payloads of the events about ``subjects`` (``which`` of
    them: given each subject and payload) that hold any, and mark them ``erased``: what is
    left in the mailboxes once the record they quote is erased. How many changed."""
    changed = 0
    for start in range(0, len(subjects), 500):
        rows = session.execute(
            select(EventRow.id, EventRow.subject, EventRow.payload).where(
                EventRow.subject.in_(subjects[start : start + 500])
            )
        ).all()
        for event_id, subject, text in rows:
            payload = json.loads(text)
            if not any(payload.get(name) for name in values):
                continue
            if which is not None and not which(subject, payload):
                continue
            payload.update({k: v for k, v in values.items() if k in payload})
            payload["erased"] = True
            session.execute(
                update(EventRow)
                .where(EventRow.id == event_id)
                .values(payload=json.dumps(payload, sort_keys=True, default=str))
            )
            changed += 1
    return changed


def _event(row: EventRow) -> Event:
    return Event(
        id=row.id,
        mailbox=row.mailbox,
        kind=EventKind(row.kind),
        at=row.at,
        subject=row.subject,
        classification=Classification(row.classification),
        payload=json.loads(row.payload),
    )


def of_mailbox(
    session: Session,
    mailbox: str,
    *,
    after: int,
    readable: tuple[Classification, ...],
    kinds: tuple[EventKind, ...],
    limit: int,
) -> list[Event]:
    """A recipient's events after a number, oldest first, of the classifications and kinds
    given."""
    query = (
        select(EventRow)
        .where(
            EventRow.mailbox == mailbox,
            EventRow.id > after,
            EventRow.classification.in_([c.value for c in readable]),
            EventRow.kind.in_([k.value for k in kinds]),
        )
        .order_by(EventRow.id)
        .limit(limit)
    )
    return [_event(row) for row in session.execute(query).scalars()]


def since(session: Session, after: int, limit: int) -> list[Event]:
    """Every event after a number, oldest first: what the live streams fan out."""
    query = select(EventRow).where(EventRow.id > after).order_by(EventRow.id).limit(limit)
    return [_event(row) for row in session.execute(query).scalars()]


def last(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(EventRow.id), 0))).scalar_one())
