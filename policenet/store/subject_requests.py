"""Requests from the people in the files, as kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select

from policenet.domain.subject_requests import (
    Outcome,
    RequestKind,
    RequestState,
    SubjectRequest,
)
from policenet.store.paging import window_page
from policenet.store.tables import SubjectRequestRow

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _request(row: SubjectRequestRow) -> SubjectRequest:
    return SubjectRequest(
        id=row.id,
        reference=row.reference,
        kind=RequestKind(row.kind),
        subject=dict(row.subject),
        requester=row.requester,
        details=row.details,
        received_on=row.received_on,
        due_on=row.due_on,
        state=RequestState(row.state),
        assigned_to=row.assigned_to,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        reason=row.reason,
        decided_at=row.decided_at,
        erased=list(row.erased),
    )


def add(
    session: Session,
    *,
    kind: RequestKind,
    subject: dict[str, Any],
    requester: str,
    details: str,
    received_on: date,
    due_on: date,
    created_by: int,
    at: datetime,
) -> SubjectRequest:
    number = int(session.execute(select(func.count()).select_from(SubjectRequestRow)).scalar_one())
    row = SubjectRequestRow(
        reference=f"CCF/{received_on.year}/{number + 1:05d}",
        kind=kind.value,
        subject=subject,
        requester=requester,
        details=details,
        received_on=received_on,
        due_on=due_on,
        state=RequestState.RECEIVED.value,
        erased=[],
        created_at=at,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return _request(row)


def get(session: Session, request_id: int, *, for_update: bool = False) -> SubjectRequest | None:
    row = session.get(SubjectRequestRow, request_id, with_for_update=for_update)
    return None if row is None else _request(row)


def listing(session: Session, *, overdue_on: date | None, window: Window) -> Page[SubjectRequest]:
    """A page of the requests (recorded in the window's span), soonest deadline first; with
    ``overdue_on``, those past it undecided."""
    query = select(SubjectRequestRow)
    if overdue_on is not None:
        query = query.where(
            SubjectRequestRow.state != RequestState.DECIDED.value,
            SubjectRequestRow.due_on < overdue_on,
        )
    return window_page(
        session,
        query,
        key=SubjectRequestRow.id,
        at=SubjectRequestRow.created_at,
        window=window,
        convert=lambda rows: [_request(row) for row in rows],
        ordered=_deadline_order,
    )


def _deadline_order(query: Select[Any], after: int | None) -> Select[Any]:
    """Soonest deadline first, then in order of entry; after the cursor's request in that
    order (its deadline is read from it: a request's never changes)."""
    if after is not None:
        due = select(SubjectRequestRow.due_on).where(SubjectRequestRow.id == after)
        due_on = due.scalar_subquery()
        query = query.where(
            or_(
                SubjectRequestRow.due_on > due_on,
                and_(SubjectRequestRow.due_on == due_on, SubjectRequestRow.id > after),
            )
        )
    return query.order_by(SubjectRequestRow.due_on, SubjectRequestRow.id)


def update(session: Session, request_id: int, **values: Any) -> SubjectRequest:  # noqa: ANN401
    row = session.get(SubjectRequestRow, request_id)
    if row is None:
        raise LookupError(request_id)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return _request(row)
