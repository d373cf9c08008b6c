"""Lists and exports of every police database: ``GET /v1/{database}`` and
``GET /v1/{database}/export``.

(No ``from __future__ import annotations``: FastAPI reads the query parameters' annotations
at run time.)"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from policenet.actions import listing as actions
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import envelope, facets, utc
from policenet.api.schemas import (
    RecordPagePublic,
    RecordPublic,
    TravelDocumentPagePublic,
    TravelDocumentPublic,
)
from policenet.domain.databases import PATHS, Database
from policenet.domain.listing import (
    PAGE_DEFAULT,
    PAGE_MAX,
    Cursor,
    ListFilter,
    Page,
    PageRequest,
    Sort,
    parse_facets,
    parse_states,
)
from policenet.domain.principals import Principal
from policenet.domain.shown import DocumentShown, RecordShown
from policenet.hub import Hub, HubDep

router = APIRouter()


def list_filter(
    owner: Annotated[
        str | None, Query(max_length=20, description="Only this owner bureau's (e.g. NCB-FR).")
    ] = None,
    country: Annotated[
        str | None,
        Query(pattern="^[A-Z]{2}$", description="Only records owned by this country's bureau."),
    ] = None,
    crime_area: Annotated[
        str | None, Query(max_length=40, description="Persons: only this crime area.")
    ] = None,
    state: Annotated[
        list[str] | None,
        Query(
            description="in_force (the default), expired, withdrawn: repeated or "
            "comma-separated. Others' records are listed in force only."
        ),
    ] = None,
    entered_from: Annotated[
        datetime | None, Query(description="Entered at or after (ISO 8601).")
    ] = None,
    entered_to: Annotated[datetime | None, Query(description="Entered before (ISO 8601).")] = None,
    review_before: Annotated[
        date | None, Query(description="Review date before this day: what falls due.")
    ] = None,
    has_hits: Annotated[
        bool | None, Query(description="true: only records a check has hit; false: none.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Free text: names in any script and spelling (persons, through the "
            "name engine, best first), titles, numbers, makes, models, descriptions.",
        ),
    ] = None,
) -> ListFilter:
    return ListFilter(
        owner=owner,
        country=country,
        crime_area=crime_area,
        states=parse_states(state or []),
        entered_from=utc(entered_from),
        entered_to=utc(entered_to),
        review_before=review_before,
        has_hits=has_hits,
        text=q,
    )


def page_request(
    sort: Annotated[
        Sort, Query(description="newest (the default), oldest, or review_due (soonest first).")
    ] = Sort.NEWEST,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX, description="Records a page.")] = PAGE_DEFAULT,
    after: Annotated[
        str | None,
        Query(max_length=400, description="The `after` cursor of the page before."),
    ] = None,
    total: Annotated[
        bool, Query(description="Count the list (up to 10,000 exactly; more as at least).")
    ] = True,
    facet: Annotated[
        list[str] | None,
        Query(description="owner, country, state: counts by each (repeated or comma-separated)."),
    ] = None,
) -> PageRequest:
    return PageRequest(
        sort=sort,
        limit=limit,
        after=None if after is None else Cursor.decode(after),
        total=total,
        facets=parse_facets(facet or []),
    )


Filter = Annotated[ListFilter, Depends(list_filter)]
Paging = Annotated[PageRequest, Depends(page_request)]


def _listed(
    hub: Hub,
    principal: Principal,
    database: Database,
    wanted: ListFilter,
    page: PageRequest,
) -> Page[RecordShown | DocumentShown]:
    listed = hub.look(actions.read_list, principal, database, wanted, page, hub.screening)
    # Audited as a check is (lazily, where the hub lets checks commit so).
    hub.check(actions.account_for_list, principal, listed)
    return listed.page


def _counts(page: Page[Any], request: Request) -> dict[str, Any]:
    return {**envelope(page, request), "facets": facets(page)}


def _export(
    hub: Hub,
    principal: Principal,
    database: Database,
    wanted: ListFilter,
    file_format: actions.ExportFormat,
) -> StreamingResponse:
    export = hub.act(actions.begin_export, principal, database, wanted, file_format, hub.screening)

    # The first batch is read before the answer starts, so that a query that fails is
    # answered as an error, not as a file cut short.
    try:
        first, after = hub.look(actions.export_batch, principal, export, None)
    except Exception:
        hub.act(actions.end_export, principal, export, 0)
        raise

    def lines() -> Iterator[str]:
        count = len(first)
        batch_after = after
        try:
            yield export.header() + export.lines(first)
            while batch_after is not None:
                batch, batch_after = hub.look(actions.export_batch, principal, export, batch_after)
                count += len(batch)
                yield export.lines(batch)
        finally:
            hub.act(actions.end_export, principal, export, count)

    name = f"{PATHS[database]}.{file_format.value}"
    return StreamingResponse(
        lines(),
        media_type=file_format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


Format = Annotated[
    actions.ExportFormat, Query(alias="format", description="jsonl (the default), csv or ftm.")
]


def _routes(database: Database, path: str) -> None:
    tags: list[Any] = [str(database)]
    documents = database is Database.TRAVEL_DOCUMENTS

    if documents:

        def list_documents(
            request: Request, hub: HubDep, principal: CurrentPrincipal, wanted: Filter, page: Paging
        ) -> TravelDocumentPagePublic:
            found = _listed(hub, principal, database, wanted, page)
            items = [
                TravelDocumentPublic.of(d) for d in found.items if isinstance(d, DocumentShown)
            ]
            return TravelDocumentPagePublic(items=items, **_counts(found, request))

        endpoint: Any = list_documents
    else:

        def list_records(
            request: Request, hub: HubDep, principal: CurrentPrincipal, wanted: Filter, page: Paging
        ) -> RecordPagePublic:
            found = _listed(hub, principal, database, wanted, page)
            items = [RecordPublic.of(r) for r in found.items if isinstance(r, RecordShown)]
            return RecordPagePublic(items=items, **_counts(found, request))

        endpoint = list_records

    def export(
        hub: HubDep,
        principal: CurrentPrincipal,
        wanted: Filter,
        file_format: Format = actions.ExportFormat.JSONL,
    ) -> StreamingResponse:
        return _export(hub, principal, database, wanted, file_format)

    router.add_api_route(
        f"/v1/{path}",
        endpoint,
        methods=["GET"],
        tags=tags,
        summary="List the records you may read: filtered, searched, sorted, paged, counted",
    )
    router.add_api_route(
        f"/v1/{path}/export",
        export,
        methods=["GET"],
        tags=tags,
        summary="Download the list as JSON Lines, CSV or FollowTheMoney, streamed",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
    )


for _database, _path in PATHS.items():
    _routes(_database, _path)
