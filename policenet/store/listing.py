"""Lists of records and travel documents: the query a ``ReadScope``, a filter and a page make.

``policenet.access`` says whom a principal may read (``read_scope``); this module only writes
that down as SQL, the same on SQLite and PostgreSQL. The action that asks re-checks every row
it returns with ``may_read_record``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from policenet.domain.databases import Database
from policenet.domain.document_numbers import normalise_number
from policenet.domain.listing import (
    COUNT_CAP,
    Counted,
    Cursor,
    Facet,
    ListFilter,
    PageRequest,
    ReadScope,
    RecordState,
    Sort,
)
from policenet.store.documents import document_of
from policenet.store.records import record_of
from policenet.store.tables import HitRow, RecordRow, TravelDocumentRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.records import Record

    Listed = TravelDocument | Record
    _Rows = type[RecordRow] | type[TravelDocumentRow]

# The free-text fields of each database's records besides names (persons are searched by
# the name engine instead).
TEXT_FIELDS: dict[Database, tuple[str, ...]] = {
    Database.VEHICLES: ("vin", "plate", "make", "model", "colour", "vehicle_type"),
    Database.ART: (
        "title",
        "object_type",
        "artist",
        "period",
        "materials",
        "inscriptions",
        "theft_place",
    ),
    Database.FIREARMS: ("make", "model", "calibre", "serial", "firearm_type"),
    Database.VESSELS: ("name", "imo", "mmsi", "hull_id", "vessel_type"),
    Database.DNA: ("kind",),
    Database.FINGERPRINTS: ("kind", "case_ref"),
    Database.PERSONS: ("name",),
}


@dataclass(frozen=True, slots=True)
class _Table:
    """The columns every list asks, named alike for records and travel documents."""

    row: _Rows
    entered: Any
    where: ColumnElement[bool]


def _table(database: Database) -> _Table:
    if database is Database.TRAVEL_DOCUMENTS:
        return _Table(TravelDocumentRow, TravelDocumentRow.reported_at, true())
    return _Table(RecordRow, RecordRow.entered_at, RecordRow.database == database.value)


def _open_to(row: _Rows, country: str | None) -> ColumnElement[bool]:
    """``country_may_see`` in SQL. The countries are a JSON list of ISO codes, which the
    owner's restriction validated: its text holds ``"FR"`` exactly when FR is listed."""
    if country is None:
        return row.visibility.in_(("all", "all_but_listed"))
    listed = cast(row.visibility_countries, String).like(f'%"{country}"%')
    return or_(
        row.owner_country == country,
        row.visibility == "all",
        and_(row.visibility == "only_listed", listed),
        and_(row.visibility == "all_but_listed", ~listed),
    )


def _readable(table: _Table, scope: ReadScope, today: date) -> ColumnElement[bool]:
    """``may_read_record`` in SQL."""
    row = table.row
    own = row.owner_bureau_id == scope.own_bureau_id if scope.own_bureau_id else false()
    if not scope.others:
        return own
    others = and_(
        row.withdrawn_at.is_(None),
        row.review_date >= today,
        row.disclosure == "full",
        _open_to(row, scope.country),
    )
    return or_(own, others)


def _state(row: _Rows, states: frozenset[RecordState], today: date) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if RecordState.IN_FORCE in states:
        parts.append(and_(row.withdrawn_at.is_(None), row.review_date >= today))
    if RecordState.EXPIRED in states:
        parts.append(and_(row.withdrawn_at.is_(None), row.review_date < today))
    if RecordState.WITHDRAWN in states:
        parts.append(row.withdrawn_at.is_not(None))
    return or_(*parts)


def _words(text: str) -> list[str]:
    # LIKE's own characters are taken literally.
    cleaned = text.replace("\\", " ").replace("%", " ").replace("_", " ")
    return [w for w in cleaned.split() if w][:8]


def _text(
    database: Database, table: _Table, text: str, ranked: Sequence[int] | None
) -> ColumnElement[bool]:
    row = table.row
    if ranked is not None:
        return row.id.in_(list(ranked))
    words = _words(text)
    if not words:
        return true()
    if database is Database.TRAVEL_DOCUMENTS:
        number = normalise_number(text)
        return or_(
            TravelDocumentRow.number_key == number,
            and_(*[TravelDocumentRow.holder_name.ilike(f"%{w}%") for w in words]),
        )
    fields = [RecordRow.data[name].as_string() for name in TEXT_FIELDS[database]]
    return and_(*[or_(*[f.ilike(f"%{w}%") for f in fields]) for w in words])


def _has_hits(database: Database, row: _Rows) -> ColumnElement[bool]:
    return exists(
        select(literal(1)).where(HitRow.database == database.value, HitRow.record_id == row.id)
    )


def _where(
    database: Database,
    scope: ReadScope,
    wanted: ListFilter,
    today: date,
    ranked: Sequence[int] | None,
) -> list[ColumnElement[bool]]:
    table = _table(database)
    row = table.row
    kind = table.where
    if ranked is not None and database is not Database.TRAVEL_DOCUMENTS:
        # The ranked ids lead: asked as they are, SQLite's planner would walk the database's
        # index over every person (200 ms at 1,000,000) instead of fetching a few ids. The
        # database is asked as an expression of its column, which no index serves.
        kind = (RecordRow.database + "") == database.value
    where = [kind, _readable(table, scope, today), _state(row, wanted.states, today)]
    if wanted.owner is not None:
        where.append(row.owner_bureau_id == wanted.owner)
    if wanted.country is not None:
        where.append(row.owner_country == wanted.country)
    if wanted.crime_area is not None and database is not Database.TRAVEL_DOCUMENTS:
        where.append(RecordRow.data["crime_area"].as_string() == wanted.crime_area)
    if wanted.entered_from is not None:
        where.append(table.entered >= wanted.entered_from)
    if wanted.entered_to is not None:
        where.append(table.entered < wanted.entered_to)
    if wanted.review_before is not None:
        where.append(row.review_date < wanted.review_before)
    if wanted.has_hits is not None:
        hit = _has_hits(database, row)
        where.append(hit if wanted.has_hits else ~hit)
    if wanted.text is not None or ranked is not None:
        where.append(_text(database, table, wanted.text or "", ranked))
    return where


def _keyset(row: _Rows, sort: Sort, after: Cursor) -> ColumnElement[bool]:
    if after.id is None:
        return true()
    if sort is Sort.NEWEST:
        return row.id < after.id
    if sort is Sort.OLDEST:
        return row.id > after.id
    due = date.fromisoformat(after.value or "0001-01-01")
    return or_(row.review_date > due, and_(row.review_date == due, row.id > after.id))


def _ordered(query: Select[Any], row: _Rows, sort: Sort) -> Select[Any]:
    if sort is Sort.NEWEST:
        return query.order_by(row.id.desc())
    if sort is Sort.OLDEST:
        return query.order_by(row.id.asc())
    return query.order_by(row.review_date.asc(), row.id.asc())


def page_rows(
    session: Session,
    database: Database,
    scope: ReadScope,
    wanted: ListFilter,
    page: PageRequest,
    today: date,
    ranked: Sequence[int] | None = None,
) -> tuple[list[Listed], Cursor | None]:
    """One page of rows, and the cursor of the next (None after the last page).

    With ``ranked`` (the ids a name search found, best first) the page follows the ranking,
    and the cursor is a position in it."""
    table = _table(database)
    row = table.row
    where = _where(database, scope, wanted, today, ranked)
    if ranked is not None:
        start = (page.after.position or 0) if page.after is not None else 0
        chosen = list(ranked[start:])
        query = select(row).where(*where, row.id.in_(chosen))
        fetched: list[Any] = list(session.execute(query).scalars())
        rows = {r.id: r for r in fetched}
        items = [rows[i] for i in chosen if i in rows]
        # Ids beyond what one page shows are asked again for the next page; a ranking holds
        # at most RANKED_MAX ids, so the cost stays bounded.
        taken = items[: page.limit]
        if len(items) <= page.limit:
            return _domain(database, taken), None
        last = chosen.index(taken[-1].id)
        return _domain(database, taken), Cursor(position=start + last + 1)
    if page.after is not None:
        where.append(_keyset(row, page.sort, page.after))
    query = _ordered(select(row).where(*where), row, page.sort).limit(page.limit + 1)
    found: list[Any] = list(session.execute(query).scalars())
    if len(found) <= page.limit:
        return _domain(database, found), None
    found = found[: page.limit]
    last = found[-1]
    value = last.review_date.isoformat() if page.sort is Sort.REVIEW_DUE else None
    return _domain(database, found), Cursor(value=value, id=last.id)


def _domain(database: Database, rows: list[Any]) -> list[Listed]:
    if database is Database.TRAVEL_DOCUMENTS:
        return [document_of(r) for r in rows]
    return [record_of(r) for r in rows]


def counted(
    session: Session,
    database: Database,
    scope: ReadScope,
    wanted: ListFilter,
    page: PageRequest,
    today: date,
    ranked: Sequence[int] | None = None,
) -> Counted:
    """The list's total and facets, over its first ``COUNT_CAP`` + 1 matches: exact when
    there are no more, lower bounds otherwise."""
    row = _table(database).row
    where = _where(database, scope, wanted, today, ranked)
    state = case(
        (row.withdrawn_at.is_not(None), RecordState.WITHDRAWN.value),
        (row.review_date < today, RecordState.EXPIRED.value),
        else_=RecordState.IN_FORCE.value,
    ).label("state")
    # On SQLite, the first matches in the list's own order: the table read in the order of
    # its ids (or of one owner's index), not through another index the state's terms would
    # let it pick (``uq_travel_documents_active``, whose every entry costs a lookup of its
    # row: 33 ms for 10,001 of 1,000,000 documents, against 6 ms in order). PostgreSQL's
    # planner is left its choice.
    order = [row.id.desc()] if session.get_bind().dialect.name == "sqlite" else []
    sample = (
        select(row.owner_bureau_id.label("owner"), row.owner_country.label("country"), state)
        .where(*where)
        .order_by(*order)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    if not page.facets:
        # The total alone: no column to carry for each of the 10,000 rows.
        bare = (
            select(literal(1))
            .select_from(row)
            .where(*where)
            .order_by(*order)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        total = session.execute(select(func.count()).select_from(bare)).scalar_one()
        return Counted(total=min(total, COUNT_CAP), exact=total <= COUNT_CAP)
    total = session.execute(select(func.count()).select_from(sample)).scalar_one()
    exact = total <= COUNT_CAP
    facets: dict[Facet, dict[str, int]] = {}
    columns = {
        Facet.OWNER: sample.c.owner,
        Facet.COUNTRY: sample.c.country,
        Facet.STATE: sample.c.state,
    }
    for facet in sorted(page.facets):
        column = columns[facet]
        rows = session.execute(select(column, func.count()).group_by(column)).all()
        facets[facet] = {str(value): int(n) for value, n in sorted(rows, key=lambda r: -r[1])}
    return Counted(total=min(total, COUNT_CAP), exact=exact, facets=facets)
