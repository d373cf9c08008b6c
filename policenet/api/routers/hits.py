"""Hits: the owner's alert, its answer before the deadline, and the overdue list."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from policenet.actions.hits import decide_hit, get_hit, list_hits
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import HitPagePublic, StoredHitPublic
from policenet.domain.clock import utcnow
from policenet.domain.hits import HitDecision
from policenet.domain.records import Database
from policenet.hub import HubDep

router = APIRouter(tags=["hits"])

HitReference = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A hit's reference.")]


@router.get("/v1/hits", summary="Hits on your bureau's records, and hits its checks made")
def hits(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    state: Annotated[
        Literal["open", "confirmed", "rejected", "overdue"] | None,
        Query(description="overdue: open past the deadline (every bureau's, for the GS)."),
    ] = None,
    database: Annotated[Database | None, Query(description="Only hits on this database.")] = None,
) -> HitPagePublic:
    now = utcnow()
    found = hub.act(list_hits, principal, window=window, status=state, on=database, now=now)
    items = [StoredHitPublic.of(h, now) for h in found.items]
    return HitPagePublic(items=items, **envelope(found, request))


@router.get("/v1/hits/{reference}", summary="One hit on your records or from your checks")
def hit(reference: HitReference, hub: HubDep, principal: CurrentPrincipal) -> StoredHitPublic:
    found = hub.act(get_hit, principal, reference)
    return StoredHitPublic.of(found, utcnow())


@router.post(
    "/v1/hits/{reference}/decision",
    summary="The owner confirms or rejects a hit (same person or object, or not)",
)
def decide(
    reference: HitReference, decision: HitDecision, hub: HubDep, principal: CurrentPrincipal
) -> StoredHitPublic:
    now = utcnow()
    decided = hub.act(decide_hit, principal, reference, decision, now)
    return StoredHitPublic.of(decided, now)
