"""Liveness and the caller's own identity."""

from __future__ import annotations

from fastapi import APIRouter

from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import PrincipalPublic
from policenet.hub import HubDep

router = APIRouter(tags=["hub"])


@router.get("/v1/health", summary="Whether the hub and its database answer")
def health(hub: HubDep) -> dict[str, str]:
    hub.ping()
    return {"status": "ok"}


@router.get("/v1/me", summary="The principal behind the token")
def me(principal: CurrentPrincipal) -> PrincipalPublic:
    return PrincipalPublic.of(principal)
