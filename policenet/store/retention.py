"""What the retention job reads and writes: records near or past their review date, the
owners' reminders, and the erasure of a record's content (its row stays, as a tombstone)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from policenet.domain.databases import Database
from policenet.store import events
from policenet.store.tables import (
    FingerprintFileRow,
    HitRow,
    RecordKeyRow,
    RecordRow,
    TravelDocumentRow,
)

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

ERASED_REASON = "retention: past its review date, not renewed"


@dataclass(frozen=True, slots=True)
class Due:
    """A record the job acts on."""

    database: Database
    id: int
    owner_bureau_id: str
    external_ref: str | None
    review_date: date


def _due(session: Session, conditions: list[Any], limit: int) -> list[Due]:
    """Records of every database (``conditions`` on the columns both tables have)."""
    found: list[Due] = []
    records = select(
        RecordRow.id,
        RecordRow.owner_bureau_id,
        RecordRow.external_ref,
        RecordRow.review_date,
        RecordRow.database,
    )
    for row in session.execute(_filtered(records, RecordRow, conditions).limit(limit)):
        found.append(
            Due(
                Database(row.database),
                row.id,
                row.owner_bureau_id,
                row.external_ref,
                row.review_date,
            )
        )
    documents = select(
        TravelDocumentRow.id,
        TravelDocumentRow.owner_bureau_id,
        TravelDocumentRow.external_ref,
        TravelDocumentRow.review_date,
    )
    for row in session.execute(_filtered(documents, TravelDocumentRow, conditions).limit(limit)):
        found.append(
            Due(
                Database.TRAVEL_DOCUMENTS,
                row.id,
                row.owner_bureau_id,
                row.external_ref,
                row.review_date,
            )
        )
    return found


def _filtered(query: Any, table: Any, conditions: list[Any]) -> Any:  # noqa: ANN401 - either table
    for name, test in conditions:
        query = query.where(test(getattr(table, name)))
    return query.order_by(table.id)


def to_remind(session: Session, today: date, until: date, limit: int) -> list[Due]:
    """Records in force whose review date falls by ``until``, whose owner was not reminded."""
    conditions = [
        ("withdrawn_at", lambda c: c.is_(None)),
        ("reminded_at", lambda c: c.is_(None)),
        ("review_date", lambda c: c >= today),
        ("review_date", lambda c: c <= until),
    ]
    return _due(session, conditions, limit)


def mark_reminded(session: Session, due: list[Due], at: datetime) -> None:
    _set(session, due, {"reminded_at": at})


def to_erase(session: Session, today: date, limit: int) -> list[Due]:
    """Records past their review date whose content is still held."""
    conditions = [("erased_at", lambda c: c.is_(None)), ("review_date", lambda c: c < today)]
    return _due(session, conditions, limit)


def is_erased(session: Session, database: Database, record_id: int) -> bool:
    """Whether the record's content was erased (or the record is not there at all)."""
    table = TravelDocumentRow if database is Database.TRAVEL_DOCUMENTS else RecordRow
    found = session.execute(select(table.erased_at).where(table.id == record_id)).first()
    return found is None or found[0] is not None


def erased_between(session: Session, documents: bool, first: int, last: int) -> list[int]:
    """The erased records (travel documents, or the records of the other databases) in an
    id range."""
    table = TravelDocumentRow if documents else RecordRow
    query = select(table.id).where(table.id.between(first, last), table.erased_at.is_not(None))
    return list(session.scalars(query))


def erase(session: Session, due: list[Due], at: datetime) -> None:
    """Erase the content of these records: what identifies a person, a vehicle or a document
    goes, with its index keys, its fingerprint files and what the checks that hit it asked;
    the row keeps its id, database, owner and dates, so that the hits and the audit log that
    name it still make sense."""
    records = [d.id for d in due if d.database is not Database.TRAVEL_DOCUMENTS]
    documents = [d.id for d in due if d.database is Database.TRAVEL_DOCUMENTS]
    _blank_events(session, due)
    # The hits on them keep who checked, where and when, not what was asked (the person's
    # name and birth date as the checker typed them) nor the notices they were named in.
    for on_documents, ids in ((False, records), (True, documents)):
        if ids:
            session.execute(
                update(HitRow)
                .where(
                    HitRow.record_id.in_(ids),
                    (HitRow.database == Database.TRAVEL_DOCUMENTS.value)
                    if on_documents
                    else (HitRow.database != Database.TRAVEL_DOCUMENTS.value),
                )
                .values(asked="{}", notices=None)
            )
    if records:
        session.execute(delete(RecordKeyRow).where(RecordKeyRow.record_id.in_(records)))
        session.execute(delete(FingerprintFileRow).where(FingerprintFileRow.record_id.in_(records)))
        session.execute(
            update(RecordRow)
            .where(RecordRow.id.in_(records))
            .values(
                data={},
                external_ref=None,
                erased_at=at,
                updated_at=at,
                withdrawn_at=func.coalesce(RecordRow.withdrawn_at, at),
                withdrawal_reason=func.coalesce(RecordRow.withdrawal_reason, ERASED_REASON),
            )
        )
    if documents:
        session.execute(
            update(TravelDocumentRow)
            .where(TravelDocumentRow.id.in_(documents))
            .values(
                number="",
                number_key="",
                holder_name=None,
                holder_birth_date=None,
                external_ref=None,
                erased_at=at,
                updated_at=at,
                withdrawn_at=func.coalesce(TravelDocumentRow.withdrawn_at, at),
                withdrawal_reason=func.coalesce(TravelDocumentRow.withdrawal_reason, ERASED_REASON),
            )
        )


EVENT_CONTENT: dict[str, Any] = {"asked": {}, "external_ref": None}
"""What an event may quote of a record (what a check asked of it, the owner's reference),
and what is left of it once the record is erased."""


def _blank_events(session: Session, due: list[Due]) -> None:
    """Blank what the events kept in the hub's mailboxes say of these records: the alerts of
    the hits on them, and the owners' notes of queries on them. (An event a bureau's client
    already took is out of the hub's reach.)"""
    by_subject: dict[str, set[str] | None] = {}
    for d in due:
        # A note of a read or of probing names the record's database in its payload.
        named = by_subject.setdefault(f"record:{d.id}", set())
        if named is not None:
            named.add(d.database.value)
    for on_documents in (False, True):
        ids = [d.id for d in due if (d.database is Database.TRAVEL_DOCUMENTS) is on_documents]
        for start in range(0, len(ids), 500):
            hits = select(HitRow.reference).where(
                HitRow.record_id.in_(ids[start : start + 500]),
                (HitRow.database == Database.TRAVEL_DOCUMENTS.value)
                if on_documents
                else (HitRow.database != Database.TRAVEL_DOCUMENTS.value),
            )
            by_subject.update((f"hit:{ref}", None) for ref in session.scalars(hits))

    def which(subject: str, payload: dict[str, Any]) -> bool:
        databases = by_subject[subject]  # not another table's record of the same id
        return databases is None or payload.get("database") in databases

    events.blank(session, list(by_subject), EVENT_CONTENT, which=which)


def _set(session: Session, due: list[Due], values: dict[str, object]) -> None:
    records = [d.id for d in due if d.database is not Database.TRAVEL_DOCUMENTS]
    documents = [d.id for d in due if d.database is Database.TRAVEL_DOCUMENTS]
    if records:
        session.execute(update(RecordRow).where(RecordRow.id.in_(records)).values(**values))
    if documents:
        session.execute(
            update(TravelDocumentRow).where(TravelDocumentRow.id.in_(documents)).values(**values)
        )
