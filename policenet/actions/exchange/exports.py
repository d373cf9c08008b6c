"""Bulk export: the records of a database that the caller may see, as JSON lines.

An export writes the records the caller may see; a ``hit_only`` record of another bureau
appears as its database, its owner and a reference to quote, nothing more. Who may learn of a
record and who may read it is decided by ``policenet.access``, as for every other read; the
export is audited before any record leaves the hub, and again with its count once done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access import may_learn_of_record, reads_content, require, sees_details, shown
from policenet.domain.clock import utcnow
from policenet.domain.errors import Forbidden
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database, Record
from policenet.domain.shown import DocumentShown, RecordShown
from policenet.store import audit
from policenet.store import documents as document_store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.store.db import Database as Store


def _reference(database: Database, record_id: int) -> str:
    return f"{database}/{record_id}"


def _exported(actor: Principal, record: TravelDocument | Record, today: date) -> bool:
    """What an export holds: the records in force that the actor may learn of (its own
    bureau's past their review date too, so that it can renew them; never a withdrawn one,
    which is no longer in force for anyone)."""
    return record.withdrawn_at is None and may_learn_of_record(actor, record, today)


def _document_json(document: DocumentShown) -> dict[str, Any]:
    return {
        "issuing_country": document.issuing_country,
        "document_type": document.document_type.value,
        "number": document.number,
        "status": document.status.value,
        "event_date": document.event_date.isoformat(),
        "holder_name": document.holder_name,
        "holder_birth_date": None
        if document.holder_birth_date is None
        else document.holder_birth_date.isoformat(),
    }


def exported(
    session: Session, actor: Principal, database: Database
) -> Iterator[tuple[DocumentShown | RecordShown | None, dict[str, Any]]]:
    """The records of a database the actor may see, each with its JSON line: the record as
    the actor is shown it for ``full`` ones and the actor's own; for the others no record,
    and a stub (database, owner, reference) for a line."""
    _may_export(actor, database)
    today = utcnow().date()
    records: Iterable[TravelDocument | Record] = (
        document_store.of_owner_or_all(session)
        if database is Database.TRAVEL_DOCUMENTS
        else record_store.of_database(session, database)
    )
    for record in records:
        if not _exported(actor, record, today):
            continue
        stub = {
            "database": database.value,
            "owner_bureau": record.owner_bureau_id,
            "reference": _reference(database, record.id),
            "disclosure": record.disclosure.value,
        }
        if not reads_content(actor, record.owner_bureau_id, record.disclosure):
            yield None, stub
            continue
        seen = shown(actor, record, today)
        content = _document_json(seen) if isinstance(seen, DocumentShown) else dict(seen.data)
        yield (
            seen,
            {
                **stub,
                "id": seen.id,
                "review_date": seen.review_date.isoformat() if seen.review_date else None,
                "record": content,
            },
        )


def _may_export(actor: Principal, database: Database) -> None:
    if not sees_details(actor):
        raise Forbidden(
            "Carriers learn hit or no hit only: they cannot export.", code="right_missing"
        )
    require(
        actor,
        Right.CHECK_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else Right.CHECK_RECORDS,
    )


def start_export(session: Session, actor: Principal, database: Database, file_format: str) -> None:
    """May the actor export this database? Audited before any record leaves the hub."""
    _may_export(actor, database)
    audit.append_by(
        session,
        actor,
        "records.export",
        f"export:{database}",
        {"database": database, "format": file_format},
    )


def audit_export(
    session: Session, actor: Principal, database: Database, file_format: str, count: int
) -> None:
    """How many records an export wrote, once it is done."""
    audit.append_by(
        session,
        actor,
        "records.export.done",
        f"export:{database}",
        {"database": database, "format": file_format, "records": count},
    )


def exported_from(
    store: Store, actor: Principal, database: Database
) -> Iterator[tuple[DocumentShown | RecordShown | None, dict[str, Any]]]:
    """``exported``, read in a session of its own that holds no write lock (SQLite): checks
    go on while a large export runs."""
    with store.reading() as session:
        yield from exported(session, actor, database)
