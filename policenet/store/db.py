"""The database engine, and every difference between SQLite and PostgreSQL.

SQLite (the embedded default) runs in WAL mode with one writer at a time: write transactions
start with ``BEGIN IMMEDIATE`` so that two writers never deadlock on a lock upgrade, while
readers go on concurrently. PostgreSQL is the production engine.

Every commit waits for the disk (an fsync), except a *lazy* transaction's, which a hub asks
for its checks with ``POLICENET_LAZY_CHECKS``: a check that found nothing writes only its
audit entry, and waiting for the disk is a large part of its answer. A lazy commit survives
a crash of the hub at once and reaches the disk within ``LAZY_SYNC_SECONDS``; only a power
cut or a crash of the machine in that time can lose it, and then the whole tail of the log,
never a middle entry, so the audit chain stays whole. Anything that must not be lost (a
hit, an event, every change a user makes) makes the transaction durable again
(``require_durable``). PostgreSQL's ``synchronous_commit = off`` is the same thing; on
SQLite it is ``synchronous=NORMAL`` for that transaction, and the write-ahead log synced by
the hub.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

from policenet.domain.errors import Unavailable
from policenet.store.journal import CheckJournal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.pool import ConnectionPoolEntry
    from sqlalchemy.sql import Select


logger = logging.getLogger(__name__)

_Row = TypeVar("_Row")


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


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


# How long a write waits for SQLite's one write lock (another process's: SQLite's own busy
# timeout, the same) before it is refused ``503 database_busy``.
WRITE_WAIT_S = 30

# A transaction that has held the write lock this long is a long writer (an import): at_once
# (briefly=True) does not wait for it, nor, for as long, for another process seen writing.
LONG_WRITER_S = 0.2

# How long at_once(briefly=True) waits for the write lock: a short write of another is waited
# for, a bulk import is not.
BRIEF_WAIT_MS = 10

# A SQLite file's connection pool (SQLAlchemy's defaults, named: at_once reads them).
SQLITE_POOL_SIZE = 5
SQLITE_POOL_OVERFLOW = 10


def make_engine(url: str, *, connect_args: dict[str, Any] | None = None) -> Engine:
    """An engine for either backend, with the settings each needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pool: dict[str, Any] = {}
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_OVERFLOW}
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": WRITE_WAIT_S,
                **(connect_args or {}),
            },
            # A failed statement's error names no value: they are personal data.
            hide_parameters=True,
            **pool,
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(
        url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args or {}
    )
    _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN, so that it can be BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit acknowledged to a user survives a power loss, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        record.info[_BUSY_TIMEOUT] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_LAZY, False):
            # Only between transactions: SQLite refuses to change it inside one.
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.info[_RELAXED] = True
        if options.get(_AT_ONCE, False):
            # Another process's write is not waited for (or only for the milliseconds the
            # option gives): BEGIN IMMEDIATE fails with SQLITE_BUSY, and the caller goes the
            # way that waits (see at_once).
            # (The PRAGMAs go to the driver itself: SQLAlchemy's execution costs 20 µs each.)
            driver = connection.connection.driver_connection
            assert driver is not None  # noqa: S101 - a connection being begun is open
            waits = options[_AT_ONCE]
            driver.execute(f"PRAGMA busy_timeout = {0 if waits is True else int(waits)}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                driver.execute(f"PRAGMA busy_timeout = {connection.info[_BUSY_TIMEOUT]}")
            return
        connection.exec_driver_sql("BEGIN" if options.get(_READ_ONLY, False) else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _on_checkin(
        dbapi_connection: sqlite3.Connection | None, record: ConnectionPoolEntry
    ) -> None:
        # Every connection waiting in the pool is back to waiting for the disk.
        # (None when the connection was invalidated: it is closed, not pooled.)
        if record.info.pop(_RELAXED, False) and dbapi_connection is not None:
            dbapi_connection.execute("PRAGMA synchronous=FULL")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_LAZY, False):
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")


_READ_ONLY = "policenet_read_only"
_LAZY = "policenet_lazy"
_RELAXED = "policenet.relaxed"
_AT_ONCE = "policenet_at_once"
_BUSY_TIMEOUT = "policenet.busy_timeout"
_DURABLE = "policenet.durable"

LAZY_SYNC_SECONDS = 0.2
"""How long a lazy commit may wait for the disk (PostgreSQL's own WAL writer: 3 x 200 ms)."""


def _database_busy() -> Unavailable:
    return Unavailable(
        f"Another writer, a bulk import most likely, has held the database for over "
        f"{WRITE_WAIT_S} s: nothing was changed. Send the same request again in a minute "
        "(checks are answered meanwhile).",
        code="database_busy",
        details={"retry_after": 60},
    )


def _busy(error: OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock (SQLITE_BUSY)."""
    orig = error.orig
    # The extended code's low byte is the primary one (SQLITE_BUSY_RECOVERY is busy too).
    return (
        isinstance(orig, sqlite3.OperationalError)
        and orig.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    )


def require_durable(session: Session) -> None:
    """This transaction's commit must reach the disk before anyone is told of it: it keeps a
    hit, an event or a change (a no-op in a transaction that is not lazy)."""
    if session.info.get(_DURABLE) or not session.info.get(_LAZY):
        return
    session.info[_DURABLE] = True
    if session.get_bind().dialect.name == "postgresql":
        # The server's own setting (on, or stronger: remote_apply), not merely "on".
        session.execute(text("SET LOCAL synchronous_commit TO DEFAULT"))


_PUBLISHED = "policenet.published"


def mark_published(session: Session) -> None:
    """Note that this transaction appended events, so listeners are woken once it commits
    (and the commit reaches the disk before the sender is told the event was sent)."""
    session.info[_PUBLISHED] = True
    require_durable(session)


class _LogSync:
    """Syncs a SQLite database's write-ahead log to the disk: at once, or within
    ``LAZY_SYNC_SECONDS`` of a lazy commit, from a thread of its own."""

    def __init__(self, wal: Path) -> None:
        self._wal = wal
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._closing = False
        self._pending = False
        self._thread: threading.Thread | None = None

    def now(self) -> None:
        """Every commit so far is on the disk when this returns (or this raises)."""
        with self._lock:
            self._pending = False
        self._fsync()

    def soon(self) -> None:
        """Every commit so far reaches the disk within ``LAZY_SYNC_SECONDS``."""
        with self._lock:
            closing = self._closing
            if not closing:
                if self._pending and self._thread is not None and self._thread.is_alive():
                    return
                self._pending = True
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._run, name="policenet-log-sync", daemon=True
                    )
                    self._thread.start()
        if closing:
            self._fsync()
            return
        self._due.set()

    def close(self) -> None:
        with self._lock:
            self._closing = True
            pending, self._pending = self._pending, False
            thread = self._thread
        self._due.set()
        if thread is not None:
            thread.join()
        if pending:
            self._fsync()

    def _run(self) -> None:
        while True:
            self._due.wait()
            self._due.clear()
            # Commits of the next LAZY_SYNC_SECONDS share this one sync.
            time.sleep(LAZY_SYNC_SECONDS)
            with self._lock:
                if self._closing:
                    return  # close() syncs what is pending
                if not self._pending:
                    continue
                self._pending = False
            try:
                self._fsync()
            except OSError:
                logger.exception("syncing %s failed: trying again", self._wal)
                with self._lock:
                    self._pending = True
                self._due.set()

    def _fsync(self) -> None:
        try:
            fd = os.open(self._wal, os.O_RDONLY)
        except FileNotFoundError:
            # SQLite removes the log only after copying it into the database and syncing it.
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Database:
    """An engine and its session factory: one session is one transaction."""

    def __init__(self, url: str, *, connect_args: dict[str, Any] | None = None) -> None:
        self.url = url
        self.connect_args = connect_args  # another process opens the same store with both
        self.engine = make_engine(url, connect_args=connect_args)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        self._lazy = sessionmaker(
            self.engine.execution_options(**{_LAZY: True}), expire_on_commit=False
        )
        self._at_once = sessionmaker(
            self.engine.execution_options(**{_AT_ONCE: True}), expire_on_commit=False
        )
        self._lazy_at_once = sessionmaker(
            self.engine.execution_options(**{_LAZY: True, _AT_ONCE: True}),
            expire_on_commit=False,
        )
        self._briefly = {
            lazy: sessionmaker(
                self.engine.execution_options(**{_LAZY: lazy, _AT_ONCE: BRIEF_WAIT_MS}),
                expire_on_commit=False,
            )
            for lazy in (False, True)
        }
        path = sqlite_path(url)
        # Only this process can open it.
        self.in_memory = self.engine.dialect.name == "sqlite" and path is None
        # SQLite keeps the log beside the database file itself, wherever a link points.
        real = None if path is None else Path(os.path.realpath(path))
        self._log_sync = None if real is None else _LogSync(real.with_name(real.name + "-wal"))
        # Audit entries of checks answered while another writer held the write lock.
        self.journal = None if real is None else CheckJournal(real.with_name(real.name + "-checks"))
        # On SQLite, the writers of this process take turns on this lock (see transaction).
        self._write_lock = threading.RLock() if self.engine.dialect.name == "sqlite" else None
        # Since when a transaction of this process has held the lock (None: none holds it),
        # and until when another process was last seen holding it: a long writer (an import)
        # is not waited for by at_once(briefly=True) at all.
        self._held_since: float | None = None
        self._depth = 0
        self._busy_until = 0.0
        # Called after a transaction that appended events commits: wakes the live streams.
        self.on_publish: list[Callable[[], None]] = []

    @contextmanager
    def transaction(self, *, lazy: bool = False) -> Iterator[Session]:
        """A session whose work is committed on exit, or rolled back on any error.

        On SQLite, writers of this process queue on a lock before ``BEGIN IMMEDIATE``: they
        then wait their turn in order, instead of in SQLite's busy handler, which sleeps up
        to 100 ms between tries and turns a short queue into a long tail.

        ``lazy``: the commit need not wait for the disk, unless the work calls
        ``require_durable`` (see the module's docstring)."""
        try:
            with self._turn(), (self._lazy if lazy else self._sessions)() as session:
                session.info[_LAZY] = lazy
                session.begin()
                with self._committed(session):
                    yield session
        except OperationalError as error:
            if _busy(error):
                raise _database_busy() from None
            raise

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write (SQLite), waited for at most ``WRITE_WAIT_S``."""
        lock = self._write_lock
        if lock is None:
            yield
            return
        if not lock.acquire(timeout=WRITE_WAIT_S):
            raise _database_busy()
        self._depth += 1
        if self._depth == 1:
            self._held_since = time.monotonic()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._held_since = None
            lock.release()

    @contextmanager
    def at_once(self, *, lazy: bool = False, briefly: bool = False) -> Iterator[Session | None]:
        """A write transaction like ``transaction``'s, begun only if it need not wait for the
        write lock, which another thread of this process or another process may hold; else
        None, and nothing was done.

        For an event loop that would rather answer a request itself than hand it to a
        thread, but must not stop for another writer. Only on a SQLite file (on PostgreSQL,
        and in memory, always None): there writers wait for one lock anyway, and a thread
        would only add its hop; PostgreSQL's transactions run side by side in threads.

        ``briefly``: wait up to ``BRIEF_WAIT_MS`` for the lock, for a thread that would rather
        do something else than wait behind a long writer (a check's journal entry); not at
        all while a long writer is known to hold it (``LONG_WRITER_S``)."""
        lock = self._write_lock
        held = self._held_since
        if (
            self._log_sync is None
            or lock is None
            # A long writer holds the lock (an import), here or in another process: waiting
            # even briefly would only add to the answer's time.
            or (
                briefly
                and (
                    (held is not None and time.monotonic() - held > LONG_WRITER_S)
                    or time.monotonic() < self._busy_until
                )
            )
            # Every connection taken (by readers in threads): taking one would wait for it.
            or (
                isinstance(pool := self.engine.pool, QueuePool)
                and pool.checkedout() >= SQLITE_POOL_SIZE + SQLITE_POOL_OVERFLOW
            )
            or not (
                lock.acquire(timeout=BRIEF_WAIT_MS / 1000)
                if briefly
                else lock.acquire(blocking=False)
            )
        ):
            yield None
            return
        try:
            begun = (
                self._briefly[lazy] if briefly else (self._lazy_at_once if lazy else self._at_once)
            )
            with begun() as session:
                session.info[_LAZY] = lazy
                session.begin()
                try:
                    session.connection()  # BEGIN IMMEDIATE, refused at once if it would wait
                except OperationalError as error:
                    if not _busy(error):
                        raise
                    if briefly:  # another process writes: do not wait for it again soon
                        self._busy_until = time.monotonic() + LONG_WRITER_S
                else:
                    with self._committed(session):
                        yield session
                    return
        finally:
            lock.release()
        yield None  # refused: the session is closed and the lock released

    @contextmanager
    def _committed(self, session: Session) -> Iterator[None]:
        """Commit the session's transaction on exit, or roll it back on an error; then sync
        a lazy commit and wake the listeners of events it appended."""
        try:
            yield
        except BaseException:
            session.rollback()
            raise
        session.commit()
        if session.info.get(_LAZY) and self._log_sync is not None:
            if session.info.get(_DURABLE):
                self._log_sync.now()
            else:
                self._log_sync.soon()
        if session.info.pop(_PUBLISHED, False):
            for listener in self.on_publish:
                listener()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: on SQLite it does not wait for, or hold, the write lock."""
        with self._readers() as session, session.begin():
            yield session

    def ping(self) -> None:
        # A read: on SQLite it answers while another process writes (an import, say).
        with self.reading() as session:
            session.execute(text("SELECT 1"))

    def sync(self) -> None:
        """Every lazy commit made so far is on the disk when this returns."""
        if self._log_sync is not None:
            self._log_sync.now()

    def dispose(self) -> None:
        if self._log_sync is not None:
            self._log_sync.close()
        if self.journal is not None:
            self.journal.close()
        self.engine.dispose()


def one_or_none(session: Session, query: Select[_Row], *, for_update: bool) -> _Row | None:
    """The one row ``query`` selects, or None; with ``for_update``, locked until the
    transaction ends."""
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()
