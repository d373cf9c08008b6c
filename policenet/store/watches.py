"""Records whose owner is told of every query on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from policenet.store.tables import RecordWatchRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.databases import Database


def watch(session: Session, database: Database, record_id: int, by: int, at: datetime) -> None:
    if session.get(RecordWatchRow, (database.value, record_id)) is None:
        session.add(RecordWatchRow(database=database.value, record_id=record_id, since=at, by=by))
        session.flush()


def unwatch(session: Session, database: Database, record_id: int) -> None:
    session.execute(
        delete(RecordWatchRow).where(
            RecordWatchRow.database == database.value, RecordWatchRow.record_id == record_id
        )
    )


def watched(session: Session, database: Database, record_ids: list[int]) -> set[int]:
    """Which of these records their owners watch."""
    if not record_ids:
        return set()
    rows = session.execute(
        select(RecordWatchRow.record_id).where(
            RecordWatchRow.database == database.value, RecordWatchRow.record_id.in_(record_ids)
        )
    )
    return set(rows.scalars())
