"""Hits: checks that found a record, kept for the checking bureau and for the owner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, or_, select

from policenet.domain.records import Database
from policenet.domain.terms import Disclosure
from policenet.store.tables import HitRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class StoredHit:
    id: int
    reference: str
    check_reference: str
    database: Database
    record_id: int
    owner_bureau_id: str
    disclosure: Disclosure
    match: str
    score: float | None
    at: datetime
    checked_by: int
    checker_bureau_id: str | None
    checker_country: str | None
    place: str | None
    asked: dict[str, Any]


def _hit(row: HitRow) -> StoredHit:
    return StoredHit(
        id=row.id,
        reference=row.reference,
        check_reference=row.check_reference,
        database=Database(row.database),
        record_id=row.record_id,
        owner_bureau_id=row.owner_bureau_id,
        disclosure=Disclosure(row.disclosure),
        match=row.match,
        score=row.score,
        at=row.at,
        checked_by=row.checked_by,
        checker_bureau_id=row.checker_bureau_id,
        checker_country=row.checker_country,
        place=row.place,
        asked=json.loads(row.asked),
    )


def add_many(session: Session, hits: list[dict[str, Any]]) -> None:
    """Store hits (``asked`` as a dict) in the caller's transaction."""
    if hits:
        rows = [{**h, "asked": json.dumps(h["asked"], sort_keys=True)} for h in hits]
        session.execute(insert(HitRow), rows)


def of_bureau(
    session: Session, bureau_id: str, *, limit: int, before: int | None
) -> list[StoredHit]:
    """Hits on the bureau's records and hits its own checks made, newest first."""
    query = select(HitRow).where(
        or_(HitRow.owner_bureau_id == bureau_id, HitRow.checker_bureau_id == bureau_id)
    )
    if before is not None:
        query = query.where(HitRow.id < before)
    rows = session.execute(query.order_by(HitRow.id.desc()).limit(limit)).scalars()
    return [_hit(row) for row in rows]
