"""Finding records: the filters, order and paging of a list of any police database.

A list answers a page at a time. Its pages are keyset pages: the cursor names the last record
of the page before (its sort value and id), so that page 1,000 costs what page 1 costs, and a
record added between two pages is neither shown twice nor makes another be skipped. A list
ranked by a name search pages through the ranking instead (its cursor is a position in it).

A total and the facets are counted exactly up to ``COUNT_CAP`` records; beyond that they are
lower bounds, and the answer says so (``total_exact``), as a search engine's hit count does.

The hub's other lists (hits, messages, notices, diffusions, the audit log) page the same way,
with the same cursor, limit, order, span of time and total (a ``Window``): each is in order of
entry, so its cursor is the id of the last item shown.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

from policenet.domain.errors import InvalidInput
from policenet.domain.ids import MAX_ID

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

# Counted exactly up to this many matches; more is reported as "at least" this many.
COUNT_CAP = 10_000
PAGE_DEFAULT = 50
PAGE_MAX = 500
# A name search ranks at most this many records (the best first).
RANKED_MAX = 1_000


@dataclass(frozen=True, slots=True)
class ReadScope:
    """Which stored records a principal may read, in the terms a list's query is made of:
    ``may_read_record`` for a whole table at once.

    Its own bureau's records in any state (``own_bureau_id``); when ``others``, the records of
    other bureaus that are in force (not withdrawn, within their review date), ``full``, and
    open to ``country`` (None: the General Secretariat, which the owner's country lists never
    name), as ``policenet.access`` builds it (``read_scope``)."""

    own_bureau_id: str | None
    country: str | None
    others: bool


class RecordState(StrEnum):
    """Where a record stands: in force, past its review date, or withdrawn by its owner."""

    IN_FORCE = "in_force"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Sort(StrEnum):
    """The orders of a list (a name search is ranked, best first, whatever is asked)."""

    NEWEST = "newest"
    OLDEST = "oldest"
    REVIEW_DUE = "review_due"


class Facet(StrEnum):
    OWNER = "owner"
    COUNTRY = "country"
    STATE = "state"


class Order(StrEnum):
    """The orders of the lists in order of entry (``Window``)."""

    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a list is narrowed to; every field left out narrows nothing."""

    owner: str | None = None
    country: str | None = None
    crime_area: str | None = None
    states: frozenset[RecordState] = frozenset({RecordState.IN_FORCE})
    entered_from: datetime | None = None
    entered_to: datetime | None = None
    review_before: date | None = None
    has_hits: bool | None = None
    text: str | None = None

    def described(self) -> dict[str, object]:
        """The filter as the audit entry of a list keeps it (no free text: it may be a name)."""
        found: dict[str, object] = {
            "owner": self.owner,
            "country": self.country,
            "crime_area": self.crime_area,
            "states": sorted(self.states),
            "entered_from": None if self.entered_from is None else self.entered_from.isoformat(),
            "entered_to": None if self.entered_to is None else self.entered_to.isoformat(),
            "review_before": None if self.review_before is None else self.review_before.isoformat(),
            "has_hits": self.has_hits,
            "text": None if self.text is None else "given",
        }
        return {k: v for k, v in found.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after the record ``(value, id)`` of a keyset order, or at
    ``position`` of a ranking."""

    value: str | None = None
    id: int | None = None
    position: int | None = None

    def encode(self) -> str:
        raw = json.dumps([self.value, self.id, self.position], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            value, record_id, position = json.loads(raw)
            if not (value is None or isinstance(value, str)):
                raise ValueError
            if not (record_id is None or (isinstance(record_id, int) and 0 <= record_id <= MAX_ID)):
                raise ValueError
            if not (
                position is None or (isinstance(position, int) and 0 <= position <= RANKED_MAX)
            ):
                raise ValueError
            if value is not None:
                date.fromisoformat(value)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(
                "The cursor is not one this hub gave: pass the `after` value of the page "
                "before as it was, or leave it out for the first page.",
                code="bad_cursor",
            ) from exc
        return cls(value, record_id, position)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page, in which order, and what to count besides."""

    sort: Sort = Sort.NEWEST
    limit: int = PAGE_DEFAULT
    after: Cursor | None = None
    total: bool = True
    facets: frozenset[Facet] = frozenset()


@dataclass(frozen=True, slots=True)
class Window:
    """A page of a list in order of entry (hits, messages, notices, diffusions, the audit
    log): newest or oldest first, entered between two instants, after the item a cursor
    names, with the list's total (counted as a record list's is) unless ``total`` is false."""

    order: Order = Order.NEWEST
    limit: int = PAGE_DEFAULT
    after: Cursor | None = None
    total: bool = True
    entered_from: datetime | None = None
    entered_to: datetime | None = None

    @property
    def newest_first(self) -> bool:
        return self.order is Order.NEWEST

    def after_id(self) -> int | None:
        """The id of the last item of the page before (None: the first page)."""
        if self.after is None:
            return None
        if self.after.id is None or self.after.value is not None:
            raise InvalidInput(
                "The cursor is not one this list gave: pass the `after` value of this list's "
                "page before as it was, or leave it out for the first page.",
                code="bad_cursor",
            )
        return self.after.id

    def described(self) -> dict[str, object]:
        """The window as an audit entry keeps it."""
        found: dict[str, object] = {
            "order": self.order.value,
            "limit": self.limit,
            "entered_from": None if self.entered_from is None else self.entered_from.isoformat(),
            "entered_to": None if self.entered_to is None else self.entered_to.isoformat(),
        }
        return {k: v for k, v in found.items() if v is not None}


T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Counted:
    """A total or a facet's counts, exact up to ``COUNT_CAP`` matches."""

    total: int
    exact: bool
    facets: Mapping[Facet, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of a list: its items, where the next starts (None: this was the last), and the
    counts asked for."""

    items: list[T]
    after: Cursor | None
    counted: Counted | None

    def mapped(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page, each item converted."""
        return Page([convert(item) for item in self.items], self.after, self.counted)

    def kept(self, keep: Callable[[T], bool]) -> Page[T]:
        """The same page, with only the items ``keep`` keeps (a check again, item by item,
        of what the query chose)."""
        return Page([item for item in self.items if keep(item)], self.after, self.counted)


E = TypeVar("E", RecordState, Facet)


def _parse(values: list[str], kind: type[E], what: str) -> frozenset[E]:
    found: set[E] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                found.add(kind(part))
            except ValueError as exc:
                known = ", ".join(k.value for k in kind)
                raise InvalidInput(
                    f"Unknown {what} {part!r}: use one or more of {known}.", code="bad_filter"
                ) from exc
    return frozenset(found)


def parse_states(values: list[str]) -> frozenset[RecordState]:
    """``state`` as a query gives it (repeated or comma-separated); in force by default."""
    return _parse(values, RecordState, "state") or frozenset({RecordState.IN_FORCE})


def parse_facets(values: list[str]) -> frozenset[Facet]:
    """``facet`` as a query gives it (repeated or comma-separated)."""
    return _parse(values, Facet, "facet")
