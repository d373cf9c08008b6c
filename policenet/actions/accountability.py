"""Owners see the queries on their data: who checked or searched what that hit or matched
their records, when, and what the answer told them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import require
from policenet.domain.errors import Forbidden
from policenet.domain.principals import Right
from policenet.store import audit, hits

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.hits import StoredHit
    from policenet.domain.listing import Page, Window
    from policenet.domain.principals import Principal


def queries_on_my_records(
    session: Session,
    actor: Principal,
    *,
    record_id: int | None,
    window: Window,
) -> Page[StoredHit]:
    """Every check or search that hit the actor's bureau's records (one record's, with
    ``record_id``), newest first, as the bureau's officers who answer hits see them. The
    reading is audited like any other."""
    require(actor, Right.ANSWER_HITS)
    if actor.bureau_id is None:
        raise Forbidden(
            "Queries on a bureau's records are read by its own officers: use a principal of "
            "the bureau that owns them.",
            code="no_bureau",
        )
    found = hits.on_records_of(session, actor.bureau_id, record_id=record_id, window=window)
    audit.append_by(
        session,
        actor,
        "audit.queries_on_my_records",
        f"bureau:{actor.bureau_id}",
        {"record_id": record_id, "count": len(found.items), **window.described()},
    )
    return found
