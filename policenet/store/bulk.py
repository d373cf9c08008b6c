"""Writing many rows at once: an insert-or-update in the backend's own dialect, rows made
ready in the driver's own values, and a session set for a bulk load."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Table, bindparam, func, text
from sqlalchemy.dialects import postgresql, sqlite

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from sqlalchemy.orm import Session
    from sqlalchemy.sql.dml import Insert
    from sqlalchemy.sql.selectable import Select, TableValuedAlias


def ids_by_refs(
    session: Session,
    refs: Sequence[str],
    params: dict[str, str],
    *,
    listed: Select[str | None, int],
    joined: Select[str | None, int],
) -> dict[str, int]:
    """The ids under these external references, asked 5,000 at a time: ``listed`` (an
    expanding ``refs`` parameter) on SQLite, ``joined`` (``refs_table``) on PostgreSQL, whose
    planner, given thousands of literals on rows without statistics yet (an import's own),
    may read every row of the owner instead of looking each one up."""
    found: dict[str, int] = {}
    connection = session.connection()
    query = joined if connection.dialect.name == "postgresql" else listed
    for start in range(0, len(refs), 5000):
        rows = connection.execute(query, params | {"refs": list(refs[start : start + 5000])})
        found.update({ref: record_id for ref, record_id in rows if ref})
    return found


def refs_table() -> TableValuedAlias:
    """The parameter ``refs`` (a list of strings) as a one-column table ``refs(ref)``, for
    PostgreSQL: ``unnest(:refs)``, one array however many references it holds."""
    refs = bindparam("refs", type_=postgresql.ARRAY(String))
    return func.unnest(refs).table_valued("ref").render_derived(name="refs")


def upsert(
    session: Session,
    table: Table,
    *,
    conflict: Sequence[str],
    where: str,
    update: Sequence[str],
) -> Insert:
    """INSERT … ON CONFLICT (conflict) WHERE where DO UPDATE SET update, on either backend
    (the conflict target is a partial unique index, hence ``where``)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = (postgresql.insert if postgres else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=list(conflict),
        index_where=text(where),
        set_={name: statement.excluded[name] for name in update},
    )


@dataclass(frozen=True, slots=True)
class BulkRows:
    """Rows of one table made ready to write, in this process or another: on SQLite the
    driver's own values (each converted by its column's type), elsewhere the columns' values
    for SQLAlchemy. Plain tuples, so that they cross a process boundary cheaply."""

    table: str
    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]
    driver: bool  # converted for the SQLite driver

    def __len__(self) -> int:
        return len(self.values)

    def column(self, name: str) -> list[Any]:
        at = self.columns.index(name)
        return [row[at] for row in self.values]


def bulk_rows(
    table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]], backend: str
) -> BulkRows:
    """Rows (tuples of the columns' values) made ready for ``write_bulk`` on a backend
    ("sqlite" or "postgresql"); needs no connection."""
    if backend != "sqlite":
        return BulkRows(table.name, columns, rows, driver=False)
    # The dialect's own conversions (a date becomes SQLite's text): the generic type's would
    # leave dates to the driver's default adapters, slower and deprecated since Python 3.12.
    dialect = _SQLITE
    processors = [
        (at, process)
        for at, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    return BulkRows(table.name, columns, _bound(rows, processors), driver=True)


_SQLITE = sqlite.dialect()


def write_bulk(
    session: Session,
    table: Table,
    rows: BulkRows,
    *,
    conflict: Sequence[str],
    where: str,
    update: Sequence[str],
) -> None:
    """``upsert`` for many rows at the speed of the driver: on SQLite one prepared statement
    run by ``executemany`` (a bulk import's bottleneck is otherwise building statements); on
    PostgreSQL SQLAlchemy's batched insert."""
    if not rows.values:
        return
    if rows.table != table.name:
        raise ValueError(f"rows for {rows.table} cannot be written to {table.name}")
    dialect = session.get_bind().dialect
    if not rows.driver:
        values = [dict(zip(rows.columns, row, strict=True)) for row in rows.values]
        session.execute(
            upsert(session, table, conflict=conflict, where=where, update=update), values
        )
        return
    if dialect.name != "sqlite":
        raise ValueError("rows converted for SQLite cannot be written to another database")
    quote = dialect.identifier_preparer.quote
    # Names come from the table's own columns, quoted; values go as parameters.
    names = ", ".join(quote(c) for c in rows.columns)
    marks = ", ".join("?" for _ in rows.columns)
    target = ", ".join(quote(c) for c in conflict)
    changes = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks}) "  # noqa: S608
    sql += f"ON CONFLICT ({target}) WHERE {where} DO UPDATE SET {changes}"
    session.connection().exec_driver_sql(sql, rows.values)


def backend_of(session: Session) -> str:
    return session.get_bind().dialect.name


def _bound(
    rows: list[tuple[Any, ...]], processors: Sequence[tuple[int, Callable[[Any], Any]]]
) -> list[tuple[Any, ...]]:
    """Rows as driver values, converted column by column. The columns to convert in a bulk load
    repeat a few values (the time of the import, the dates of the file, one restriction): each
    distinct value is converted once."""
    if not processors or not rows:
        return rows
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for at, process in processors:
        column = columns[at]
        try:
            done = {value: process(value) for value in set(column)}
            columns[at] = [done[value] for value in column]
        except TypeError:  # lists (JSON): not hashable, but often the same object
            distinct = {id(value): value for value in column}
            by_id = {key: process(value) for key, value in distinct.items()}
            columns[at] = [by_id[id(value)] for value in column]
    return list(zip(*columns, strict=True))


@contextmanager
def bulk_loading(session: Session) -> Iterator[None]:
    """Settings for writing many rows in one transaction: on SQLite a page cache large enough
    that index pages are not read again for every row (set on this connection only, and put
    back after)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -524288")  # 512 MiB
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
