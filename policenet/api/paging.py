"""The paging every list of the API shares: its query parameters and its envelope.

(No ``from __future__ import annotations``: FastAPI reads the query parameters' annotations
at run time.)"""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from policenet.domain.listing import PAGE_DEFAULT, PAGE_MAX, Cursor, Order, Page, Window


def utc(value: datetime | None) -> datetime | None:
    """An instant as the store keeps it (UTC); one without an offset is read as UTC, and one
    beyond the calendar's ends once in UTC is held at that end."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        first, last = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
        return first if value.year == first.year else last


Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Items a page.")]
After = Annotated[
    str | None, Query(max_length=400, description="The `after` cursor of the page before.")
]
Total = Annotated[
    bool, Query(description="Count the list (up to 10,000 exactly; more as at least).")
]
EnteredFrom = Annotated[datetime | None, Query(description="Entered at or after (ISO 8601).")]
EnteredTo = Annotated[datetime | None, Query(description="Entered before (ISO 8601).")]
Sorted = Annotated[Order, Query(description="newest (the default) or oldest first.")]


def untimed_window(
    sort: Sorted = Order.NEWEST,
    limit: Limit = PAGE_DEFAULT,
    after: After = None,
    total: Total = True,
) -> Window:
    """A list's order, page and total, for a list whose span of time its own filter holds."""
    return Window(
        order=sort,
        limit=limit,
        after=None if after is None else Cursor.decode(after),
        total=total,
    )


def window(
    untimed: Annotated[Window, Depends(untimed_window)],
    entered_from: EnteredFrom = None,
    entered_to: EnteredTo = None,
) -> Window:
    """A list's order, page, total and span of time (``entered_from``, ``entered_to``)."""
    return Window(
        order=untimed.order,
        limit=untimed.limit,
        after=untimed.after,
        total=untimed.total,
        entered_from=utc(entered_from),
        entered_to=utc(entered_to),
    )


Paged = Annotated[Window, Depends(window)]
PagedUntimed = Annotated[Window, Depends(untimed_window)]


def envelope(page: Page[Any], request: Request) -> dict[str, Any]:
    """A page's total, cursor and next link, as every list answers them (with ``facets``
    where the list counts some)."""
    after = None if page.after is None else page.after.encode()
    link = None
    if after is not None:
        link = str(request.url.include_query_params(after=after).replace(scheme="", netloc=""))
        link = link.removeprefix("//")
    counted = page.counted
    return {
        "total": None if counted is None else counted.total,
        "total_exact": None if counted is None else counted.exact,
        "after": after,
        "next": link,
    }


def facets(page: Page[Any]) -> dict[str, dict[str, int]]:
    """The counts by facet a record list's page carries."""
    counted = page.counted
    return {} if counted is None else {str(k): dict(v) for k, v in counted.facets.items()}
