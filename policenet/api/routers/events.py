"""A recipient's durable event log: polled, or followed live as server-sent events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from policenet.actions.authentication import authenticate
from policenet.actions.events import live_events, open_stream, read_events
from policenet.api.deps import CurrentPrincipal, Token
from policenet.api.schemas import EventPublic, EventsPublic
from policenet.domain.errors import InvalidInput, PolicenetError
from policenet.domain.ids import MAX_ID
from policenet.hub import HubDep

router = APIRouter(tags=["events"])


@router.get("/v1/events", summary="Your events after a number, oldest first (for polling)")
def events(
    hub: HubDep,
    principal: CurrentPrincipal,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventsPublic:
    found = hub.act(read_events, principal, after=after, limit=limit)
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
    presented: Token,
    last_event_id: Annotated[str | None, Header(description="The last id you received.")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> StreamingResponse:
    cursor = _resume_point(last_event_id, after)
    _principal, view = await run_in_threadpool(hub.act, open_stream, presented, after=cursor)

    def token_holds() -> bool:
        try:
            hub.look(authenticate, presented)
        except PolicenetError:
            return False
        return True

    async def still_allowed() -> bool:
        return await run_in_threadpool(token_holds)

    return StreamingResponse(
        live_events(hub.events, view, cursor, still_allowed=still_allowed),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
