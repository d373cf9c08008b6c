"""Dependencies shared by the routers: the hub's database and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from policenet.actions.principals import authenticate
from policenet.domain.errors import NotAuthenticated
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Principal
from policenet.screening.service import Screening
from policenet.settings import Settings
from policenet.store.db import Database


@dataclass(frozen=True, slots=True)
class Hub:
    """What every request works with: the settings, the database and the screening indexes."""

    settings: Settings
    database: Database
    screening: Screening


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]

_bearer = HTTPBearer(auto_error=False, description="An API token issued by the hub.")


def get_principal(
    hub: HubDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(
            "This request needs an API token: send the header 'Authorization: Bearer <token>'.",
            code="token_missing",
        )
    with hub.database.reading() as session:
        return authenticate(session, credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive identifier.")]
