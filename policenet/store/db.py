"""The database engine, and every difference between SQLite and PostgreSQL.

SQLite (the embedded default) runs in WAL mode with one writer at a time: write transactions
start with ``BEGIN IMMEDIATE`` so that two writers never deadlock on a lock upgrade, while
readers go on concurrently. PostgreSQL is the production engine.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Engine, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterator, Sequence

    from sqlalchemy.sql.dml import Insert


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on both engines (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: use policenet.domain.clock")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sqlite_url(data_dir: Path) -> str:
    """The URL of the embedded database file in a data directory."""
    return f"sqlite:///{(data_dir / 'policenet.db').as_posix()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, *, connect_args: dict[str, Any] | None = None) -> Engine:
    """An engine for either backend, with the settings each needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, **(connect_args or {})},
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args or {})


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN, so that it can be BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit acknowledged to a user survives a power loss, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


_READ_ONLY = "policenet_read_only"


_PUBLISHED = "policenet.published"


def mark_published(session: Session) -> None:
    """Note that this transaction appended events, so listeners are woken once it commits."""
    session.info[_PUBLISHED] = True


class Database:
    """An engine and its session factory: one session is one transaction."""

    def __init__(self, url: str, *, connect_args: dict[str, Any] | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, connect_args=connect_args)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        self._writer: AbstractContextManager[object] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else nullcontext()
        )
        # Called after a transaction that appended events commits: wakes the live streams.
        self.on_publish: list[Callable[[], None]] = []

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on exit, or rolled back on any error.

        On SQLite, writers of this process queue on a lock before ``BEGIN IMMEDIATE``: they
        then wait their turn in order, instead of in SQLite's busy handler, which sleeps up
        to 100 ms between tries and turns a short queue into a long tail."""
        with self._writer, self._sessions() as session:
            with session.begin():
                yield session
            if session.info.pop(_PUBLISHED, False):
                for listener in self.on_publish:
                    listener()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: on SQLite it does not wait for, or hold, the write lock."""
        with self._readers() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


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


def bulk_upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    where: str,
    update: Sequence[str],
) -> None:
    """``upsert`` for many rows at the speed of the driver: on SQLite one prepared statement
    run by ``executemany`` with values converted by the columns' own types (a bulk import's
    bottleneck is otherwise building statements); on PostgreSQL SQLAlchemy's batched insert."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name != "sqlite":
        session.execute(
            upsert(session, table, conflict=conflict, where=where, update=update), list(rows)
        )
        return
    quote = dialect.identifier_preparer.quote
    columns = list(rows[0])
    processors = [table.c[name].type.bind_processor(dialect) for name in columns]
    # Names come from the table's own columns, quoted; values go as parameters.
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    target = ", ".join(quote(c) for c in conflict)
    changes = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks}) "  # noqa: S608
    sql += f"ON CONFLICT ({target}) WHERE {where} DO UPDATE SET {changes}"
    values = _bound(rows, columns, processors)
    session.connection().exec_driver_sql(sql, values)


def _bound(
    rows: Sequence[dict[str, Any]], columns: list[str], processors: list[Any]
) -> list[tuple[Any, ...]]:
    """Rows as driver values. Most columns of a bulk load repeat one value (the owner, the
    time of the import): a value seen on the row before is converted once."""
    converted: list[list[Any]] = []
    for name, process in zip(columns, processors, strict=True):
        raw = [row[name] for row in rows]
        if process is None:
            converted.append(raw)
            continue
        out: list[Any] = []
        previous: Any = object()
        done: Any = None
        for value in raw:
            if value is not previous:
                previous, done = value, process(value)
            out.append(done)
        converted.append(out)
    return list(zip(*converted, strict=True))


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
