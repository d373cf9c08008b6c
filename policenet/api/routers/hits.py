"""Hits: the owner's alert, its answer before the deadline, and the overdue list."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from policenet.actions.hits import decide_hit, get_hit, list_hits
from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import StoredHitPublic
from policenet.domain.clock import utcnow
from policenet.domain.hits import HitDecision
from policenet.domain.ids import MAX_ID
from policenet.hub import HubDep

router = APIRouter(tags=["hits"])

HitReference = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A hit's reference.")]


@router.get("/v1/hits", summary="Hits on your bureau's records, and hits its checks made")
def hits(
    hub: HubDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[
        Literal["open", "confirmed", "rejected", "overdue"] | None,
        Query(description="overdue: open past the deadline (every bureau's, for the GS)."),
    ] = None,
) -> list[StoredHitPublic]:
    now = utcnow()
    found = hub.act(list_hits, principal, limit=limit, before=before, status=status, now=now)
    return [StoredHitPublic.of(h, now) for h in found]


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
