"""A page of a list in order of entry (``Window``): its span of time, its total, its keyset.

Every list but the records' (hits, messages, notices, diffusions, the audit log) is read
through ``window_page``: the same cursor, order, limit and total on each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, select

from policenet.domain.listing import COUNT_CAP, Counted, Cursor, Page

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Select
    from sqlalchemy.orm import InstrumentedAttribute, Session

    from policenet.domain.listing import Window

T = TypeVar("T")


def window_page(
    session: Session,
    query: Select[Any],
    *,
    key: InstrumentedAttribute[int],
    at: InstrumentedAttribute[Any],
    window: Window,
    convert: Callable[[Sequence[Any]], list[T]],
    ordered: Callable[[Select[Any], int | None], Select[Any]] | None = None,
) -> Page[T]:
    """The page of ``query`` (filtered, not ordered) that ``window`` asks for: rows entered
    (``at``) in its span, after its cursor in order of ``key`` (newest or oldest first), at
    most ``limit`` of them, converted; and the total of the whole span, counted up to
    ``COUNT_CAP``. ``ordered`` replaces the order by ``key``: it orders the query and keeps
    the rows after the cursor's id."""
    if window.entered_from is not None:
        query = query.where(at >= window.entered_from)
    if window.entered_to is not None:
        query = query.where(at < window.entered_to)
    counted = _counted(session, query, key) if window.total else None
    after = window.after_id()
    if ordered is not None:
        query = ordered(query, after)
    else:
        if after is not None:
            query = query.where(key < after if window.newest_first else key > after)
        query = query.order_by(key.desc() if window.newest_first else key.asc())
    rows = list(session.execute(query.limit(window.limit + 1)).scalars())
    more = len(rows) > window.limit
    rows = rows[: window.limit]
    cursor = Cursor(id=int(getattr(rows[-1], key.key))) if more and rows else None
    return Page(convert(rows), cursor, counted)


def _counted(session: Session, query: Select[Any], key: InstrumentedAttribute[int]) -> Counted:
    """How many rows ``query`` holds: exact up to ``COUNT_CAP``, a lower bound beyond."""
    sample = query.with_only_columns(key).limit(COUNT_CAP + 1).subquery()
    total = int(session.execute(select(func.count()).select_from(sample)).scalar_one())
    return Counted(total=min(total, COUNT_CAP), exact=total <= COUNT_CAP)
