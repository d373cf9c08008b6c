"""Dependencies shared by the routers: the bearer token and the principal it names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from policenet.actions.principals import authenticate
from policenet.domain.errors import NotAuthenticated
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Principal
from policenet.hub import HubDep

_bearer = HTTPBearer(auto_error=False, description="An API token issued by the hub.")


async def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The bearer token, not yet checked (endpoints on the hot path check it in their own
    transaction)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(
            "This request needs an API token: send the header 'Authorization: Bearer <token>'.",
            code="token_missing",
        )
    return credentials.credentials


Token = Annotated[str, Depends(get_token)]


def get_principal(hub: HubDep, token: Token) -> Principal:
    return hub.look(authenticate, token)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive identifier.")]
