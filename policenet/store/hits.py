"""Hits: checks that found a record, kept for the checking bureau and for the owner, with the
owner's answer and its deadline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, insert, or_, select, update

from policenet.domain.hits import HitStatus, StoredHit, Urgency
from policenet.domain.records import Database
from policenet.domain.terms import Disclosure
from policenet.store.db import one_or_none, require_durable
from policenet.store.paging import window_page
from policenet.store.tables import HitRow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session
    from sqlalchemy.sql import Select

    from policenet.domain.listing import Page, Window


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
        checker_agency_id=row.checker_agency_id,
        place=row.place,
        asked=json.loads(row.asked),
        notices=[] if row.notices is None else json.loads(row.notices),
        status=HitStatus(row.status),
        urgency=Urgency(row.urgency),
        urgency_reason=row.urgency_reason,
        due_at=row.due_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
        escalated_at=row.escalated_at,
    )


def add_many(session: Session, hits: list[dict[str, Any]]) -> None:
    """Store hits (``asked`` as a dict) in the caller's transaction, which then waits for the
    disk when it commits: the checking officer is told of them."""
    if hits:
        require_durable(session)
        rows = [
            {
                **h,
                "asked": json.dumps(h["asked"], sort_keys=True),
                "notices": json.dumps(h["notices"]) if h.get("notices") else None,
            }
            for h in hits
        ]
        session.execute(insert(HitRow), rows)


def existing(session: Session, references: list[str]) -> set[str]:
    """Those of these hit references already stored."""
    if not references:
        return set()
    query = select(HitRow.reference).where(HitRow.reference.in_(references))
    return set(session.execute(query).scalars())


def get(session: Session, reference: str, *, for_update: bool = False) -> StoredHit | None:
    query = select(HitRow).where(HitRow.reference == reference)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _hit(row)


def _filtered(query: Select[Any], status: str | None, now: datetime) -> Select[Any]:
    if status == "overdue":
        return query.where(HitRow.status == HitStatus.OPEN.value, HitRow.due_at < now)
    if status is not None:
        return query.where(HitRow.status == status)
    return query


def on_records_of(
    session: Session, bureau_id: str, *, record_id: int | None, window: Window
) -> Page[StoredHit]:
    """The hits on one bureau's records (one record's), a page of them."""
    query = select(HitRow).where(HitRow.owner_bureau_id == bureau_id)
    if record_id is not None:
        query = query.where(HitRow.record_id == record_id)
    return window_page(session, query, key=HitRow.id, at=HitRow.at, window=window, convert=_hits)


def of_bureau(
    session: Session,
    bureau_id: str | None,
    *,
    window: Window,
    status: str | None = None,
    database: Database | None = None,
    now: datetime,
) -> Page[StoredHit]:
    """Hits on the bureau's records and hits its own checks made (every hit for None: the GS
    command centre's view), a page of them; ``status`` is a HitStatus or ``overdue``."""
    query = select(HitRow)
    if bureau_id is not None:
        query = query.where(
            or_(HitRow.owner_bureau_id == bureau_id, HitRow.checker_bureau_id == bureau_id)
        )
    query = _filtered(query, status, now)
    if database is not None:
        query = query.where(HitRow.database == database.value)
    return window_page(session, query, key=HitRow.id, at=HitRow.at, window=window, convert=_hits)


def _hits(rows: Sequence[HitRow]) -> list[StoredHit]:
    return [_hit(row) for row in rows]


def decide(
    session: Session,
    hit_id: int,
    *,
    status: HitStatus,
    at: datetime,
    by: int,
    reason: str,
) -> None:
    session.execute(
        update(HitRow)
        .where(HitRow.id == hit_id)
        .values(status=status.value, decided_at=at, decided_by=by, decision_reason=reason)
    )


def claim_overdue(session: Session, now: datetime, limit: int) -> list[StoredHit]:
    """Open hits past their deadline and not yet escalated, locked for this transaction (a
    second hub process running the same sweep skips them) and marked escalated."""
    query = (
        select(HitRow)
        .where(
            and_(
                HitRow.status == HitStatus.OPEN.value,
                HitRow.due_at < now,
                HitRow.escalated_at.is_(None),
            )
        )
        .order_by(HitRow.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.execute(query).scalars())
    if rows:
        session.execute(
            update(HitRow).where(HitRow.id.in_([r.id for r in rows])).values(escalated_at=now)
        )
    return [_hit(row) for row in rows]
