"""An owner asks to be told of every query on one of its records: each time another bureau
reads it (a hit on it is told already, as every hit is, by ``hit.alert``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import is_owner, may_learn_of_record, require
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.errors import Forbidden, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.principals import Right
from policenet.store import audit, events, watches
from policenet.store import documents as document_store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record


def watch_record(
    session: Session,
    actor: Principal,
    database: Database,
    record_id: int,
    on: bool,
    now: datetime,
) -> bool:
    """Start (``on``) or stop telling the owner of every read of its record; returns whether
    it is watched now. The owner bureau's own officers decide it."""
    documents = database is Database.TRAVEL_DOCUMENTS
    require(actor, Right.RECORD_DOCUMENTS if documents else Right.RECORD_RECORDS)
    record: TravelDocument | Record | None = (
        document_store.get(session, record_id)
        if documents
        else record_store.get(session, record_id)
    )
    if (
        record is None
        or (not documents and getattr(record, "database", None) is not database)
        or not may_learn_of_record(actor, record, now.date())
    ):
        raise NotFound(
            f"No {database} record {record_id} that you may see.", code="record_not_found"
        )
    if not is_owner(actor, record.owner_bureau_id):
        raise Forbidden(
            f"{database} record {record_id} belongs to {record.owner_bureau_id}; only its own "
            "officers ask to be told of the queries on it.",
            code="not_owner",
        )
    if on:
        watches.watch(session, database, record_id, actor.id, now)
    else:
        watches.unwatch(session, database, record_id)
    subject = f"{'travel_document' if documents else 'record'}:{record_id}"
    audit.append_by(session, actor, "record.watch", subject, {"on": on})
    return on


def tell_watchers(
    session: Session,
    actor: Principal,
    database: Database,
    record: TravelDocument | Record,
    how: str,
    now: datetime,
) -> None:
    """If the record's owner watches it and another bureau just queried it, tell the owner."""
    tell_watchers_of_many(session, actor, database, [record], how, now)


def tell_watchers_of_many(
    session: Session,
    actor: Principal,
    database: Database,
    records: Sequence[TravelDocument | Record],
    how: str,
    now: datetime,
) -> None:
    """``tell_watchers`` for every record of a page another bureau was shown, with one query."""
    others = [r for r in records if not is_owner(actor, r.owner_bureau_id)]
    if not others:
        return
    watched = watches.watched(session, database, [r.id for r in others])
    found = []
    for record in others:
        if record.id not in watched:
            continue
        payload = {
            "database": database.value,
            "record": record.id,
            "external_ref": record.external_ref,
            "how": how,
            "principal": actor.id,
            "bureau": actor.bureau_id,
            "country": actor.country,
            "agency": actor.agency_id,
        }
        found.append(
            NewEvent(
                record.owner_bureau_id,
                EventKind.RECORD_QUERIED,
                f"record:{record.id}",
                Classification.RESTRICTED,
                payload,
            )
        )
    if found:
        events.publish(session, found, now)
