"""Dependencies shared by the routers: the hub's database and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from policenet.actions.principals import authenticate
from policenet.domain.errors import NotAuthenticated
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Principal
from policenet.events.stream import Broadcaster
from policenet.screening.service import Behind, Screening
from policenet.settings import Settings
from policenet.store.db import Database

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Hub:
    """What every request works with: the settings, the database, the screening indexes and
    the live event streams."""

    settings: Settings
    database: Database
    screening: Screening
    events: Broadcaster


async def get_hub(request: Request) -> Hub:
    # async: no I/O here, so no hop through the thread pool.
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]

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
    with hub.database.reading() as session:
        return authenticate(session, token)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive identifier.")]


async def in_transaction(hub: Hub, work: Callable[[Session, bool], T], *, lazy: bool = False) -> T:
    """``work(session, on_loop)`` done in a write transaction, from an ``async`` endpoint on
    the hot path.

    When the write lock is free, the work is done here, on the event loop (``on_loop``
    true): a border check then skips the hop to a worker thread and back (about 0.2 ms, an
    eighth of its time over HTTP). When another writer holds the lock, in this process or
    another, the work goes to a thread, which waits its turn while the loop goes on serving
    everyone else. Work that finds, on the loop, that it would be long (the screening
    indexes far behind after an import: ``Behind``) raises; it is rolled back and done again
    in a thread, which first files the backlog in a read. Keep the rest of ``work`` short:
    while it runs here, nothing else is served."""
    behind = False
    try:
        with hub.database.at_once(lazy=lazy) as session:
            if session is not None:
                return work(session, True)
    except Behind:
        behind = True
    return await run_in_threadpool(_in_thread, hub, work, lazy, behind)


def _in_thread(hub: Hub, work: Callable[[Session, bool], T], lazy: bool, behind: bool) -> T:
    if behind:
        # The backlog is filed outside the write lock: other writers go on meanwhile.
        with hub.database.reading() as session:
            hub.screening.refresh(session)
    with hub.database.transaction(lazy=lazy) as session:
        return work(session, False)
