"""Diffusions and their recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, false, insert, or_, select, update

from policenet.domain.notices import Diffusion, DiffusionKind, DiffusionReview, DiffusionState
from policenet.store.db import one_or_none
from policenet.store.tables import DiffusionRecipientRow, DiffusionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def listing(
    session: Session,
    *,
    bureau_id: str | None,
    ncb: bool,
    everything: bool,
    sent: bool,
    review: DiffusionReview | None,
    limit: int,
    before: int | None,
) -> list[Diffusion]:
    """Newest first: what a bureau sent (``sent``: its principal may read them) or received
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
    if before is not None:
        query = query.where(DiffusionRow.id < before)
    if review is DiffusionReview.PENDING:
        query = query.order_by(DiffusionRow.urgent.desc(), DiffusionRow.id).limit(limit)
    else:
        query = query.order_by(DiffusionRow.id.desc()).limit(limit)
    return [_diffusion(session, r) for r in session.execute(query).scalars()]
