"""Probing limits and the counts they are drawn from (domain/probing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from policenet.domain.databases import Database
from policenet.domain.probing import StoredLimit
from policenet.store.paging import window_page
from policenet.store.tables import HitRow, ProbingLimitRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


@dataclass(frozen=True, slots=True)
class ProbingLimit:
    principal_id: int
    database: str
    record_id: int  # 0: a family of DNA variants, no one record
    owner_bureau_id: str  # "" when no record is known
    hits: int
    until: datetime


def _stored(row: ProbingLimitRow) -> StoredLimit:
    return StoredLimit(
        id=row.id,
        principal_id=row.principal_id,
        database=Database(row.database),
        record_id=row.record_id or None,
        owner_bureau_id=row.owner_bureau_id or None,
        hits=row.hits,
        since=row.since,
        until=row.until,
        lifted_at=row.lifted_at,
        lifted_by=row.lifted_by,
        lift_reason=row.lift_reason,
    )


def active(
    session: Session, principal_id: int, database: Database, now: datetime
) -> ProbingLimit | None:
    """The limit in force on a principal's searches of a database, if any."""
    row = session.execute(
        select(ProbingLimitRow)
        .where(
            ProbingLimitRow.principal_id == principal_id,
            ProbingLimitRow.database == database.value,
            ProbingLimitRow.until > now,
            ProbingLimitRow.lifted_at.is_(None),
        )
        .order_by(ProbingLimitRow.until.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return ProbingLimit(
        row.principal_id, row.database, row.record_id, row.owner_bureau_id, row.hits, row.until
    )


def last_lifted(session: Session, principal_id: int, database: Database) -> datetime | None:
    """When a limit on the principal's searches of a database was last lifted, if ever."""
    found = session.execute(
        select(func.max(ProbingLimitRow.lifted_at)).where(
            ProbingLimitRow.principal_id == principal_id,
            ProbingLimitRow.database == database.value,
        )
    ).scalar_one_or_none()
    return found


def listing(session: Session, *, in_force_at: datetime | None, window: Window) -> Page[StoredLimit]:
    """A page of the limits (put ``since``); only those in force at a time when it is given."""
    query = select(ProbingLimitRow)
    if in_force_at is not None:
        query = query.where(
            ProbingLimitRow.until > in_force_at, ProbingLimitRow.lifted_at.is_(None)
        )
    return window_page(
        session,
        query,
        key=ProbingLimitRow.id,
        at=ProbingLimitRow.since,
        window=window,
        convert=lambda rows: [_stored(row) for row in rows],
    )


def get(session: Session, limit_id: int) -> StoredLimit | None:
    row = session.get(ProbingLimitRow, limit_id)
    return None if row is None else _stored(row)


def lift(session: Session, limit_id: int, by: int, reason: str, now: datetime) -> StoredLimit:
    """Mark a limit lifted now (the caller has checked it is in force)."""
    row = session.get_one(ProbingLimitRow, limit_id)
    row.lifted_at = now
    row.lifted_by = by
    row.lift_reason = reason
    session.flush()
    return _stored(row)


def hits_on(
    session: Session, principal_id: int, record_id: int, database: Database, since: datetime
) -> int:
    """How often the principal's checks or searches hit the record since then."""
    found = session.execute(
        select(func.count())
        .select_from(HitRow)
        .where(
            HitRow.checked_by == principal_id,
            HitRow.record_id == record_id,
            HitRow.at >= since,
            HitRow.database == database.value,
        )
    ).scalar_one()
    return int(found)


def add(session: Session, limit: ProbingLimit, since: datetime) -> None:
    session.add(
        ProbingLimitRow(
            principal_id=limit.principal_id,
            database=limit.database,
            record_id=limit.record_id,
            owner_bureau_id=limit.owner_bureau_id,
            hits=limit.hits,
            since=since,
            until=limit.until,
        )
    )
    session.flush()
