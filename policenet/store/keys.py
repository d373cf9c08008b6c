"""Bureaus' public keys for sealed messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from policenet.domain.messages import BureauKey
from policenet.store.tables import BureauKeyRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session


def _key(row: BureauKeyRow) -> BureauKey:
    return BureauKey(
        bureau_id=row.bureau_id,
        fingerprint=row.fingerprint,
        encryption_key=row.encryption_key,
        signing_key=row.signing_key,
        registered_at=row.registered_at,
        retired_at=row.retired_at,
    )


def register(
    session: Session,
    *,
    bureau_id: str,
    fingerprint: str,
    encryption_key: str,
    signing_key: str,
    at: datetime,
    by: int,
) -> BureauKey:
    """The bureau's new current key; its previous one is retired (still known, to verify
    what it signed)."""
    session.execute(
        update(BureauKeyRow)
        .where(BureauKeyRow.bureau_id == bureau_id, BureauKeyRow.retired_at.is_(None))
        .values(retired_at=at)
    )
    row = BureauKeyRow(
        bureau_id=bureau_id,
        fingerprint=fingerprint,
        encryption_key=encryption_key,
        signing_key=signing_key,
        registered_at=at,
        registered_by=by,
    )
    session.add(row)
    session.flush()
    return _key(row)


def current(session: Session, bureau_id: str) -> BureauKey | None:
    # The newest unretired key: two registrations racing must not make the bureau unreachable.
    row = session.execute(
        select(BureauKeyRow)
        .where(BureauKeyRow.bureau_id == bureau_id, BureauKeyRow.retired_at.is_(None))
        .order_by(BureauKeyRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if row is None else _key(row)


def by_fingerprint(session: Session, fingerprint: str) -> BureauKey | None:
    row = session.execute(
        select(BureauKeyRow).where(BureauKeyRow.fingerprint == fingerprint)
    ).scalar_one_or_none()
    return None if row is None else _key(row)


def of_bureau(session: Session, bureau_id: str) -> list[BureauKey]:
    query = (
        select(BureauKeyRow)
        .where(BureauKeyRow.bureau_id == bureau_id)
        .order_by(BureauKeyRow.id.desc())
    )
    return [_key(row) for row in session.execute(query).scalars()]
