"""Principals, national agencies and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from policenet.actions import principals as actions
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import (
    AgencyPagePublic,
    AgencyPublic,
    IssuedTokenPublic,
    PrincipalCreated,
    PrincipalPagePublic,
    PrincipalPublic,
    TokenPublic,
)
from policenet.domain.principals import (
    AgencyCreate,
    PrincipalCreate,
    PrincipalDisable,
    TokenRequest,
)
from policenet.hub import HubDep

router = APIRouter(tags=["principals"])


@router.post(
    "/v1/agencies",
    status_code=status.HTTP_201_CREATED,
    summary="Authorise a national agency with part of the NCB's rights",
)
def create_agency(data: AgencyCreate, hub: HubDep, principal: CurrentPrincipal) -> AgencyPublic:
    return AgencyPublic.of(hub.act(actions.create_agency, principal, data))


@router.get("/v1/agencies", summary="The agencies you manage")
def list_agencies(
    request: Request, hub: HubDep, principal: CurrentPrincipal, window: Paged
) -> AgencyPagePublic:
    found = hub.look(actions.list_agencies, principal, window)
    return AgencyPagePublic(
        items=[AgencyPublic.of(a) for a in found.items], **envelope(found, request)
    )


@router.post(
    "/v1/principals",
    status_code=status.HTTP_201_CREATED,
    summary="Create a principal; its token is shown in this answer only",
)
def create_principal(
    data: PrincipalCreate, hub: HubDep, principal: CurrentPrincipal
) -> PrincipalCreated:
    created, issued = hub.act(
        actions.create_principal, principal, data, default_ttl_days=hub.settings.token_ttl_days
    )
    return PrincipalCreated(
        principal=PrincipalPublic.of(created), token=IssuedTokenPublic.issued(issued)
    )


@router.get("/v1/principals", summary="The principals you manage")
def list_principals(
    request: Request, hub: HubDep, principal: CurrentPrincipal, window: Paged
) -> PrincipalPagePublic:
    found = hub.look(actions.list_principals, principal, window)
    return PrincipalPagePublic(
        items=[PrincipalPublic.of(p) for p in found.items], **envelope(found, request)
    )


@router.post(
    "/v1/principals/{principal_id}/disable",
    summary="Disable a principal: refused at once, whatever tokens it holds; with "
    "undo_since, what it issued and created since then too",
)
def disable_principal(
    principal_id: RowId, data: PrincipalDisable, hub: HubDep, principal: CurrentPrincipal
) -> PrincipalPublic:
    return PrincipalPublic.of(
        hub.act(actions.disable_principal, principal, principal_id, data.reason, data.undo_since)
    )


@router.post("/v1/principals/{principal_id}/enable", summary="Enable a disabled principal")
def enable_principal(
    principal_id: RowId, hub: HubDep, principal: CurrentPrincipal
) -> PrincipalPublic:
    return PrincipalPublic.of(hub.act(actions.enable_principal, principal, principal_id))


@router.get("/v1/principals/{principal_id}/tokens", summary="A principal's tokens (never secrets)")
def list_tokens(principal_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> list[TokenPublic]:
    return [TokenPublic.of(t) for t in hub.look(actions.list_tokens, principal, principal_id)]


@router.post(
    "/v1/principals/{principal_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a new token; it is shown in this answer only",
)
def issue_token(
    principal_id: RowId, data: TokenRequest, hub: HubDep, principal: CurrentPrincipal
) -> IssuedTokenPublic:
    issued = hub.act(
        actions.issue_token,
        principal,
        principal_id,
        data.expires_in_days,
        max_days=hub.settings.token_ttl_days,
    )
    return IssuedTokenPublic.issued(issued)


@router.post("/v1/tokens/{token_id}/revoke", summary="Revoke a token at once")
def revoke_token(token_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> TokenPublic:
    return TokenPublic.of(hub.act(actions.revoke_token, principal, token_id))
