"""A recipient's durable event log: polled, or followed live as server-sent events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from policenet.access import readable_kinds
from policenet.actions.events import open_stream, read_events
from policenet.actions.principals import authenticate
from policenet.api.deps import CurrentPrincipal, HubDep, Token
from policenet.api.schemas import EventPublic, EventsPublic
from policenet.domain.errors import InvalidInput, PolicenetError
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Principal
from policenet.events.stream import stream

router = APIRouter(tags=["events"])


@router.get("/v1/events", summary="Your events after a number, oldest first (for polling)")
def events(
    hub: HubDep,
    principal: CurrentPrincipal,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventsPublic:
    with hub.database.transaction() as session:
        found = read_events(session, principal, after=after, limit=limit)
    return EventsPublic(
        events=[EventPublic.of(e) for e in found], last_id=found[-1].id if found else after
    )


def _resume_point(header: str | None, after: int | None) -> int:
    if header is None:
        return after or 0
    if not (header.isascii() and header.isdigit() and len(header) <= 12) or int(header) > MAX_ID:
        raise InvalidInput(
            f"Last-Event-ID must be the id of an event you received, not {header!r}.",
            code="invalid_last_event_id",
            field="Last-Event-ID",
        )
    return int(header)


@router.get(
    "/v1/events/stream",
    summary="Your events live, as server-sent events; resume with Last-Event-ID",
    response_class=StreamingResponse,
)
async def live(
    hub: HubDep,
    token: Token,
    last_event_id: Annotated[str | None, Header(description="The last id you received.")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> StreamingResponse:
    cursor = _resume_point(last_event_id, after)

    def start() -> tuple[Principal, str]:
        with hub.database.transaction() as session:
            principal = authenticate(session, token)
            return principal, open_stream(session, principal, after=cursor)

    principal, mailbox = await run_in_threadpool(start)

    def token_holds() -> bool:
        try:
            with hub.database.reading() as session:
                authenticate(session, token)
        except PolicenetError:
            return False
        return True

    async def still_allowed() -> bool:
        return await run_in_threadpool(token_holds)

    return StreamingResponse(
        stream(
            hub.events,
            mailbox,
            principal.clearance.readable(),
            readable_kinds(principal),
            cursor,
            still_allowed=still_allowed,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
