"""Working groups: named sets of bureaus and GS units on one crime area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select

from policenet.domain.messages import CrimeArea, WorkingGroup
from policenet.store.db import one_or_none
from policenet.store.tables import WorkingGroupMemberRow, WorkingGroupRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session


def _group(session: Session, row: WorkingGroupRow) -> WorkingGroup:
    members = session.execute(
        select(WorkingGroupMemberRow.bureau_id)
        .where(WorkingGroupMemberRow.group_id == row.id)
        .order_by(WorkingGroupMemberRow.bureau_id)
    ).scalars()
    return WorkingGroup(
        id=row.id,
        name=row.name,
        crime_area=CrimeArea(row.crime_area),
        description=row.description,
        members=tuple(members),
        created_at=row.created_at,
    )


def create(
    session: Session,
    *,
    name: str,
    crime_area: CrimeArea,
    description: str | None,
    members: list[str],
    at: datetime,
    by: int,
) -> WorkingGroup:
    row = WorkingGroupRow(
        name=name,
        crime_area=crime_area.value,
        description=description,
        created_at=at,
        created_by=by,
    )
    session.add(row)
    session.flush()
    add_members(session, row.id, members)
    return _group(session, row)


def add_members(session: Session, group_id: int, members: list[str]) -> None:
    if members:
        session.execute(
            insert(WorkingGroupMemberRow), [{"group_id": group_id, "bureau_id": b} for b in members]
        )


def remove_members(session: Session, group_id: int, members: list[str]) -> None:
    if members:
        session.execute(
            delete(WorkingGroupMemberRow).where(
                WorkingGroupMemberRow.group_id == group_id,
                WorkingGroupMemberRow.bureau_id.in_(members),
            )
        )


def get(session: Session, name: str, *, for_update: bool = False) -> WorkingGroup | None:
    query = select(WorkingGroupRow).where(WorkingGroupRow.name == name)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _group(session, row)


def all_groups(session: Session) -> list[WorkingGroup]:
    rows = session.execute(select(WorkingGroupRow).order_by(WorkingGroupRow.name)).scalars()
    return [_group(session, row) for row in rows]
