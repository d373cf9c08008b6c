"""Retention: a record is kept until its review date unless its owner renews it.

Every day (``policenet retention run``, and a hub that serves runs it itself), owners are
reminded of their records whose review date falls within 90 days, and the content of every
record past its review date is erased (``erase_records``, which a deletion decided on a
person's request uses too): what identifies a person, a vehicle or a document, its index keys
and fingerprint images; what the checks that hit it asked, in the hits, in the owner's alerts
and in their audit entries; and the notices and diffusions about the person, cancelled. The
row stays as a tombstone (id, database, owner, dates), so that the hits and the audit entries
that name it still make sense; the audit log records each erasure and names the entries it
blanked, never the erased content.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from policenet.actions.diffusions import end_about_erased as end_diffusions
from policenet.actions.notices.publication import end_about_erased as end_notices
from policenet.domain.audit import ERASED
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.events import EventKind, NewEvent
from policenet.store import audit, events, feed
from policenet.store import retention as store

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from typing import Any

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.store.db import Database as Store

REMIND_BEFORE = timedelta(days=90)
BATCH = 2000  # records a transaction: a large backlog never holds the write lock long


@dataclass(slots=True)
class RetentionReport:
    """What a run did: records erased per database, owners' records reminded."""

    erased: dict[str, int] = field(default_factory=dict)
    reminded: int = 0


def run_retention(database: Store, now: datetime) -> RetentionReport:
    report = RetentionReport()
    today = now.date()
    while True:
        with database.transaction() as session:
            due = store.to_erase(session, today, BATCH)
            if not due:
                break
            erase_records(session, None, due, now, why=store.ERASED_REASON, detail=_retained)
            events.publish(session, _told(due, EventKind.RECORDS_ERASED, "erased"), now)
        for d in due:
            report.erased[d.database.value] = report.erased.get(d.database.value, 0) + 1
    while True:
        with database.transaction() as session:
            due = store.to_remind(session, today, today + REMIND_BEFORE, BATCH)
            if not due:
                break
            store.mark_reminded(session, due, now)
            events.publish(session, _told(due, EventKind.RECORDS_EXPIRING, "expiring"), now)
            audit.append_by(
                session,
                None,
                "retention.remind",
                "retention",
                {"records": len(due), "owners": len({d.owner_bureau_id for d in due})},
            )
        report.reminded += len(due)
    return report


def changed(session: Session, due: list[store.Due]) -> None:
    """Tell the indexes (through the feed) that these records changed."""
    for table, ids in _by_table(due).items():
        for record_id in ids:
            feed.changed(session, table, record_id)


def _by_table(due: list[store.Due]) -> dict[str, list[int]]:
    tables: dict[str, list[int]] = defaultdict(list)
    for d in due:
        table = feed.TRAVEL_DOCUMENTS if d.database is Database.TRAVEL_DOCUMENTS else feed.RECORDS
        tables[table].append(d.id)
    return tables


def subject_of(d: store.Due) -> str:
    """The record as the audit log names it."""
    return (
        f"travel_document:{d.id}" if d.database is Database.TRAVEL_DOCUMENTS else f"record:{d.id}"
    )


def _retained(d: store.Due) -> dict[str, Any]:
    return {"review_date": d.review_date.isoformat(), "reason": "retention"}


def erase_records(
    session: Session,
    actor: Principal | None,
    due: list[store.Due],
    now: datetime,
    *,
    why: str,
    detail: Callable[[store.Due], dict[str, Any]],
) -> None:
    """Erase these records (``store.erase``) and what else the hub says of them, and audit
    each erasure by ``actor`` (None: the hub itself) with ``detail`` and the audit entries it
    blanked (``redacted``: ``audit verify`` accepts their changed details for that)."""
    store.erase(session, due, now)
    changed(session, due)
    # No entry about these records chained, unredacted, between the reading of the log below
    # and the commit; one chained after it is redacted as it is (audit_checkpoints).
    audit.hold_head(session)
    persons = [d.id for d in due if d.database is Database.PERSONS]
    if persons:
        end_notices(session, persons, now, why)
        end_diffusions(session, persons, now, why)
    redacted = audit.redact_records(session, [subject_of(d) for d in due])
    audit.append_many(
        session,
        [
            (
                None if actor is None else actor.id,
                None if actor is None else actor.country,
                ERASED,
                subject_of(d),
                {
                    "database": d.database.value,
                    "owner": d.owner_bureau_id,
                    **detail(d),
                    "redacted": redacted.get(subject_of(d), []),
                },
            )
            for d in due
        ],
    )


def _told(due: list[store.Due], kind: EventKind, what: str) -> list[NewEvent]:
    """One event to each owner, listing its records (with its own references)."""
    owners: dict[str, list[store.Due]] = defaultdict(list)
    for d in due:
        owners[d.owner_bureau_id].append(d)
    return [
        NewEvent(
            owner,
            kind,
            f"retention:{what}",
            Classification.RESTRICTED,
            {
                "records": [
                    {
                        "database": d.database.value,
                        "id": d.id,
                        "external_ref": d.external_ref,
                        "review_date": d.review_date.isoformat(),
                    }
                    for d in listed
                ],
                "action": "renew them (POST .../renew) to keep them"
                if what == "expiring"
                else "their content is erased; the hits that named them stay",
            },
        )
        for owner, listed in owners.items()
    ]
