"""Diffusions: sent at once to chosen bureaus or all, reviewed by the GS after."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from policenet.actions.diffusions import (
    cancel_diffusion,
    list_diffusions,
    read_diffusion,
    review_diffusion,
    send_diffusion,
)
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import DiffusionPagePublic, DiffusionPublic
from policenet.domain.clock import utcnow
from policenet.domain.ids import MAX_ID
from policenet.domain.notices import (
    DiffusionCancel,
    DiffusionCreate,
    DiffusionReview,
    DiffusionReviewed,
)
from policenet.hub import HubDep

router = APIRouter(tags=["diffusions"])

DiffusionId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/v1/diffusions", status_code=201, summary="Send a diffusion (delivered at once)")
def send(data: DiffusionCreate, hub: HubDep, principal: CurrentPrincipal) -> DiffusionPublic:
    sent = hub.act(send_diffusion, principal, data, utcnow())
    return DiffusionPublic.of(sent)


@router.get(
    "/v1/diffusions",
    summary="Diffusions your bureau sent or received; all of them for the GS",
    description="`review=pending` gives the GS review queue, urgent first, then oldest.",
)
def diffusions(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    review: DiffusionReview | None = None,
) -> DiffusionPagePublic:
    found = hub.act(list_diffusions, principal, review=review, window=window)
    items = [DiffusionPublic.of(d) for d in found.items]
    return DiffusionPagePublic(items=items, **envelope(found, request))


@router.get("/v1/diffusions/{diffusion_id}", summary="One diffusion (410 once cancelled)")
def diffusion(
    diffusion_id: DiffusionId, hub: HubDep, principal: CurrentPrincipal
) -> DiffusionPublic:
    found = hub.act(read_diffusion, principal, diffusion_id, utcnow())
    return DiffusionPublic.of(found)


@router.post("/v1/diffusions/{diffusion_id}/review", summary="The GS finds a diffusion compliant")
def review(
    diffusion_id: DiffusionId,
    data: DiffusionReviewed,
    hub: HubDep,
    principal: CurrentPrincipal,
) -> DiffusionPublic:
    found = hub.act(review_diffusion, principal, diffusion_id, data, utcnow())
    return DiffusionPublic.of(found)


@router.post(
    "/v1/diffusions/{diffusion_id}/cancellation",
    summary="Cancel a diffusion: withdrawn from every recipient",
)
def cancel(
    diffusion_id: DiffusionId, data: DiffusionCancel, hub: HubDep, principal: CurrentPrincipal
) -> DiffusionPublic:
    found = hub.act(cancel_diffusion, principal, diffusion_id, data, utcnow())
    return DiffusionPublic.of(found)
