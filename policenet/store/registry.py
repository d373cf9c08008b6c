"""Members and bureaus: the shipped registry written to the database, and its current state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from policenet.domain.clock import utcnow
from policenet.domain.members import (
    Bureau,
    BureauKind,
    Country,
    Member,
    MembershipDecisionKind,
    MemberStatus,
    gs_offices,
    member_countries,
    ncb_bureaus,
)
from policenet.store.db import one_or_none
from policenet.store.tables import BureauRow, MemberRow, MembershipDecisionRow

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session


def seed(session: Session) -> int:
    """Write any member or bureau of the shipped registry that is missing; returns how many."""
    known_members = set(session.execute(select(MemberRow.code)).scalars())
    added = 0
    for country in member_countries():
        if country.alpha2 not in known_members:
            session.add(
                MemberRow(
                    code=country.alpha2,
                    alpha3=country.alpha3,
                    name=country.name,
                    status=MemberStatus.ACTIVE,
                )
            )
            added += 1
    session.flush()
    known_bureaus = set(session.execute(select(BureauRow.id)).scalars())
    for bureau in (*gs_offices(), *ncb_bureaus()):
        if bureau.id not in known_bureaus:
            session.add(
                BureauRow(
                    id=bureau.id,
                    kind=bureau.kind,
                    name=bureau.name,
                    city=bureau.city,
                    country=bureau.country,
                    member_code=bureau.country if bureau.kind is BureauKind.NCB else None,
                )
            )
            added += 1
    session.flush()
    return added


def _member(row: MemberRow) -> Member:
    return Member(
        country=Country(alpha2=row.code, alpha3=row.alpha3, name=row.name),
        status=MemberStatus(row.status),
        decided_on=row.decided_on,
        decision_reference=row.decision_reference,
    )


def get_member(session: Session, code: str, *, for_update: bool = False) -> Member | None:
    query = select(MemberRow).where(MemberRow.code == code)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _member(row)


def list_members(session: Session) -> list[Member]:
    return [
        _member(row)
        for row in session.execute(select(MemberRow).order_by(MemberRow.code)).scalars()
    ]


def set_status(
    session: Session,
    code: str,
    *,
    kind: MembershipDecisionKind,
    decided_on: date,
    reference: str,
    recorded_by: int | None,
) -> Member:
    row = session.execute(select(MemberRow).where(MemberRow.code == code)).scalar_one()
    row.status = (
        MemberStatus.SUSPENDED if kind is MembershipDecisionKind.SUSPENSION else MemberStatus.ACTIVE
    )
    row.decided_on, row.decision_reference = decided_on, reference
    session.add(
        MembershipDecisionRow(
            member_code=code,
            kind=kind,
            decided_on=decided_on,
            reference=reference,
            recorded_at=utcnow(),
            recorded_by=recorded_by,
        )
    )
    session.flush()
    return _member(row)


def _bureau(row: BureauRow) -> Bureau:
    return Bureau(
        id=row.id, kind=BureauKind(row.kind), name=row.name, city=row.city, country=row.country
    )


def list_bureaus(session: Session) -> list[Bureau]:
    return [
        _bureau(row) for row in session.execute(select(BureauRow).order_by(BureauRow.id)).scalars()
    ]


def get_bureau(session: Session, bureau_id: str) -> Bureau | None:
    row = session.get(BureauRow, bureau_id)
    return None if row is None else _bureau(row)


def familial_search_allowed(session: Session, bureau_id: str) -> bool:
    row = session.get(BureauRow, bureau_id)
    return row is not None and row.familial_search


def set_familial_search(session: Session, bureau_id: str, allowed: bool) -> None:
    row = session.get(BureauRow, bureau_id, with_for_update=True)
    if row is not None:
        row.familial_search = allowed
        session.flush()
