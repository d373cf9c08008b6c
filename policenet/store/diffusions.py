"""Diffusions and their recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, false, insert, or_, select, update

from policenet.domain.notices import Diffusion, DiffusionKind, DiffusionReview, DiffusionState
from policenet.store.db import one_or_none
from policenet.store.paging import window_page
from policenet.store.tables import DiffusionRecipientRow, DiffusionRow

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _recipients(session: Session, diffusion_id: int) -> tuple[str, ...]:
    return tuple(
        session.execute(
            select(DiffusionRecipientRow.bureau_id)
            .where(DiffusionRecipientRow.diffusion_id == diffusion_id)
            .order_by(DiffusionRecipientRow.bureau_id)
        ).scalars()
    )


def _diffusion(session: Session, row: DiffusionRow) -> Diffusion:
    return Diffusion(
        id=row.id,
        reference=row.reference,
        kind=DiffusionKind(row.kind),
        title=row.title,
        text=row.text,
        sender_bureau_id=row.sender_bureau_id,
        sender_country=row.sender_country,
        to_all=row.to_all,
        recipients=() if row.to_all else _recipients(session, row.id),
        subject_person_id=row.subject_person_id,
        urgent=row.urgent,
        state=DiffusionState(row.state),
        review=DiffusionReview(row.review),
        sent_at=row.sent_at,
        sent_by=row.sent_by,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        review_note=row.review_note,
    )


def add(session: Session, values: dict[str, Any], recipients: list[str]) -> Diffusion:
    row = DiffusionRow(**values, reference="pending")
    session.add(row)
    session.flush()
    row.reference = f"DIF-{row.id:06d}/{row.sent_at.year}"
    if recipients:
        session.execute(
            insert(DiffusionRecipientRow),
            [{"diffusion_id": row.id, "bureau_id": b} for b in recipients],
        )
    session.flush()
    return _diffusion(session, row)


def get(session: Session, diffusion_id: int, *, for_update: bool = False) -> Diffusion | None:
    query = select(DiffusionRow).where(DiffusionRow.id == diffusion_id)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _diffusion(session, row)


def change(session: Session, diffusion_id: int, **values: Any) -> Diffusion:  # noqa: ANN401
    session.execute(update(DiffusionRow).where(DiffusionRow.id == diffusion_id).values(**values))
    found = get(session, diffusion_id)
    assert found is not None  # noqa: S101 - diffusions are never deleted
    return found


def about_persons(session: Session, person_ids: list[int]) -> list[Diffusion]:
    """Every diffusion about these persons, whatever its state."""
    found: list[Diffusion] = []
    for start in range(0, len(person_ids), 500):
        rows = session.scalars(
            select(DiffusionRow)
            .where(DiffusionRow.subject_person_id.in_(person_ids[start : start + 500]))
            .order_by(DiffusionRow.id)
        )
        found.extend(_diffusion(session, row) for row in rows)
    return found


def listing(
    session: Session,
    *,
    bureau_id: str | None,
    ncb: bool,
    everything: bool,
    sent: bool,
    review: DiffusionReview | None,
    window: Window,
) -> Page[Diffusion]:
    """A page of what a bureau sent (``sent``: its principal may read them) or received
    (active ones), or everything for the GS. ``ncb``: the bureau is a member's NCB, which
    diffusions to all reach."""
    query = select(DiffusionRow)
    if not everything:
        received = exists().where(
            DiffusionRecipientRow.diffusion_id == DiffusionRow.id,
            DiffusionRecipientRow.bureau_id == bureau_id,
        )
        # "To all" reaches every member's NCB, not the GS nor national agencies.
        addressed = (DiffusionRow.to_all.is_(True) | received) if ncb else received
        own = (DiffusionRow.sender_bureau_id == bureau_id) if sent else false()
        query = query.where(
            or_(own, (DiffusionRow.state == DiffusionState.ACTIVE.value) & addressed)
        )
    if review is not None:
        query = query.where(DiffusionRow.review == review.value)
    return window_page(
        session,
        query,
        key=DiffusionRow.id,
        at=DiffusionRow.sent_at,
        window=window,
        convert=lambda rows: [_diffusion(session, r) for r in rows],
        ordered=_review_order if review is DiffusionReview.PENDING else None,
    )


def _review_order(query: Select[Any], after: int | None) -> Select[Any]:
    """The GS review queue's order: urgent first, then the oldest first; after the cursor's
    diffusion in that order (its urgency is read from it: a diffusion's never changes)."""
    if after is not None:
        urgent = select(DiffusionRow.urgent).where(DiffusionRow.id == after).scalar_subquery()
        query = query.where(
            or_(
                DiffusionRow.urgent < urgent,
                and_(DiffusionRow.urgent == urgent, DiffusionRow.id > after),
            )
        )
    return query.order_by(DiffusionRow.urgent.desc(), DiffusionRow.id)
