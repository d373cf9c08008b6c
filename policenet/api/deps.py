"""Dependencies shared by the routers: the bearer token (with the connection's client
certificate, over mutual TLS) and the principal it names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from policenet.actions.authentication import authenticate
from policenet.api.tls import certificate_of
from policenet.domain.errors import NotAuthenticated
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Credentials, Principal
from policenet.hub import HubDep

_bearer = HTTPBearer(auto_error=False, description="An API token issued by the hub.")


async def get_token(
    request: Request,
    hub: HubDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Credentials:
    """The bearer token and the connection's client certificate, not yet checked (endpoints
    on the hot path check them in their own transaction). Over mutual TLS, a request whose
    connection brought no certificate is refused: the check never fails open."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(
            "This request needs an API token: send the header 'Authorization: Bearer <token>'.",
            code="token_missing",
        )
    certificate = certificate_of(request.scope)
    if certificate is None and hub.settings.client_certificates:
        raise NotAuthenticated(
            "This hub accepts tokens only over a connection made with a bureau's client "
            "certificate, and none reached it: connect with your bureau's certificate.",
            code="certificate_required",
        )
    return Credentials(credentials.credentials, certificate)


Token = Annotated[Credentials, Depends(get_token)]


def get_principal(hub: HubDep, token: Token) -> Principal:
    return hub.look(authenticate, token)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive identifier.")]
