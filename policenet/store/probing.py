"""Probing limits and the counts they are drawn from (domain/probing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from policenet.store.tables import HitRow, ProbingLimitRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.databases import Database


@dataclass(frozen=True, slots=True)
class ProbingLimit:
    principal_id: int
    database: str
    record_id: int
    owner_bureau_id: str
    hits: int
    until: datetime


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
        )
        .order_by(ProbingLimitRow.until.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return ProbingLimit(
        row.principal_id, row.database, row.record_id, row.owner_bureau_id, row.hits, row.until
    )


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
