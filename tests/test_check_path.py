"""Where a single check is answered: on SQLite, on the event loop when the write lock is
free and in a thread when another writer holds it; on PostgreSQL, always in a thread. A check
waiting its turn never stops the hub answering everyone else."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, text

from policenet.actions.exchange import import_file
from policenet.api.app import create_app
from policenet.domain.principals import Role
from policenet.domain.records import Database as RecordDatabase
from policenet.settings import Settings
from policenet.store.db import Database, sqlite_path
from policenet.store.feed import hold_commit_order
from tests.conftest import PG_SCHEMA
from tests.test_checks import check, record, zone

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

    from tests.conftest import World

# A waiting check gives up after this (SQLite's busy timeout). A hub that blocked its loop
# on the lock would answer nothing else for as long: the health request would come back
# only after it, where a free loop answers it at once.
BUSY_TIMEOUT_S = 20
# What store/feed.py takes on PostgreSQL: policenet's advisory lock of the schema.
_COMMIT_ORDER = text("SELECT pg_advisory_xact_lock(1886283124, hashtext(current_schema()))")


def _own(database: Database, wait_s: int = BUSY_TIMEOUT_S) -> Database:
    """A database of its own on the test's database: connections outside its pool, which
    give up waiting for a lock after ``wait_s``."""
    if sqlite_path(database.url) is None:
        return Database(
            database.url,
            connect_args={"options": f"-csearch_path={PG_SCHEMA} -clock_timeout={wait_s}s"},
        )
    return Database(database.url, connect_args={"timeout": wait_s})


@pytest.fixture
def hub(database: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    """A hub whose database gives up waiting for a lock after BUSY_TIMEOUT_S."""
    own = _own(database)
    settings = Settings(data_dir=tmp_path, database_url=database.url, escalation_interval=600)
    with TestClient(create_app(settings, own)) as client:
        yield client, own
    own.dispose()


@pytest.fixture
def on_loop(hub: tuple[TestClient, Database]) -> Iterator[list[bool]]:
    """For each write committed in the hub's database: whether it ran on the event loop's
    thread (reads, such as the live streams', are left out)."""
    seen: list[bool] = []

    def on_commit(connection: Connection) -> None:
        if connection.get_execution_options().get("policenet_read_only"):
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            seen.append(False)
        else:
            seen.append(True)

    engine = hub[1].engine
    event.listen(engine, "commit", on_commit)
    yield seen
    event.remove(engine, "commit", on_commit)


def _another_process_writing(database: Database) -> AbstractContextManager[Any]:
    """The lock a check needs, held as another process would: on SQLite the write lock, from
    a connection outside the hub's pool and its in-process lock; on PostgreSQL the commit
    order (store/feed.py), which every check takes before it audits (the head of the audit
    log alone it does not wait for: tests/test_audit_head.py)."""
    path = sqlite_path(database.url)
    if path is None:
        connection = database.engine.connect()
        connection.execute(_COMMIT_ORDER)
        return _Release(lambda: (connection.rollback(), connection.close()))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    return _Release(lambda: (raw.rollback(), raw.close()))


class _Release:
    def __init__(self, release: Callable[[], object]) -> None:
        self._release = release

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        self._release()


def _this_process_writing(database: Database) -> AbstractContextManager[Any]:
    """The write lock, held by another thread of the hub's own process (a long change)."""
    held, done = threading.Event(), threading.Event()

    def write() -> None:
        with database.transaction() as session:
            hold_commit_order(session)  # on PostgreSQL, writers wait only on locks
            held.set()
            done.wait(30)

    writer = threading.Thread(target=write)
    writer.start()
    assert held.wait(10)
    return _Release(lambda: (done.set(), writer.join()))


def test_a_check_is_answered_on_the_event_loop_when_the_lock_is_free(
    hub: tuple[TestClient, Database], world: World, on_loop: list[bool]
) -> None:
    client, _ = hub
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    on_loop.clear()
    assert check(client, border, {"mrz": zone("12AB34567")})["hit"] is True
    assert check(client, border, {"mrz": zone("99ZZ00001")})["hit"] is False
    on_sqlite = sqlite_path(hub[1].url) is not None
    assert on_loop == [on_sqlite, on_sqlite]
    # A batch, which may be long, is always answered in a thread.
    answer = client.post(
        "/v1/checks/batch", json={"checks": [{"mrz": zone("99ZZ00001")}]}, headers=border.headers
    )
    assert answer.status_code == 200, answer.text
    assert on_loop == [on_sqlite, on_sqlite, False]


@pytest.mark.parametrize("holder", ["another process", "another thread"])
def test_a_check_waiting_for_the_lock_does_not_stop_the_hub(
    hub: tuple[TestClient, Database], world: World, on_loop: list[bool], holder: str
) -> None:
    """A check that waits for the lock waits in a thread while the hub goes on answering.
    On PostgreSQL a check waits for a writer that holds the commit order (an import takes it
    only to commit); on SQLite no check waits at all, not even one that hits:
    it is answered beside the writer, its entry and hits journalled
    (tests/test_check_journal.py)."""
    client, database = hub
    on_sqlite = sqlite_path(database.url) is not None
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    answers: list[dict[str, Any]] = []
    on_loop.clear()
    writing = (
        _another_process_writing(database)
        if holder == "another process"
        else _this_process_writing(database)
    )
    with writing:
        waiting = threading.Thread(
            target=lambda: answers.append(check(client, border, {"mrz": zone("12AB34567")}))
        )
        asked = time.monotonic()
        waiting.start()
        if on_sqlite:
            waiting.join(BUSY_TIMEOUT_S / 2)
            assert not waiting.is_alive(), "the check that hit waited for the writer"
            assert [a["hit"] for a in answers] == [True]
            assert check(client, border, {"mrz": zone("99ZZ00001")})["hit"] is False
        else:
            time.sleep(0.3)  # the check reaches the lock and waits for it
            assert waiting.is_alive()
        # The hub goes on answering meanwhile.
        assert client.get("/v1/health").status_code == 200
        assert client.get("/v1/me", headers=border.headers).status_code == 200
        assert time.monotonic() - asked < BUSY_TIMEOUT_S / 2, "the loop waited for the lock"
        if not on_sqlite:
            assert waiting.is_alive()
            assert answers == []
    waiting.join(BUSY_TIMEOUT_S + 10)
    assert not waiting.is_alive()
    assert [a["hit"] for a in answers] == [True]
    # The checks, and the writer of this process (when it was one), ran in threads.
    assert True not in on_loop


def test_a_check_far_behind_the_change_feed_is_answered_in_a_thread(
    hub: tuple[TestClient, Database], world: World, on_loop: list[bool]
) -> None:
    """An import by another process leaves thousands of rows to file into the indexes: the
    next check files them in a thread, not on the loop, and finds what was imported."""
    client, database = hub
    owner = world.principal(Role.NCB_OFFICER, "FR")
    header = (
        "external_ref,issuing_country,document_type,number,status,event_date,holder_name,"
        "holder_birth_date,disclosure,visibility,visibility_countries,review_date\n"
    )
    rows = "".join(
        f"FR-T-{n},FR,passport,77FR{n:05d},stolen,2026-03-02,,,full,all,,\n" for n in range(500)
    )
    elsewhere = _own(database)  # as another process would: its own connections
    try:
        import_file(
            elsewhere, owner.principal, RecordDatabase.TRAVEL_DOCUMENTS, header + rows, "csv"
        )
    finally:
        elsewhere.dispose()
    border = world.principal(Role.BORDER_OFFICER, "US")
    on_loop.clear()
    assert check(client, border, {"document": {"issuing_country": "FR", "number": "77FR00499"}})[
        "hit"
    ]
    assert check(client, border, {"document": {"issuing_country": "FR", "number": "77FR00001"}})[
        "hit"
    ]
    on_sqlite = sqlite_path(database.url) is not None
    # The first filed the import in a thread; the second, with nothing left, on the loop.
    assert on_loop == [False, on_sqlite]


def test_a_refused_check_leaves_the_lock_free_for_the_next(
    hub: tuple[TestClient, Database], world: World, on_loop: list[bool]
) -> None:
    client, database = hub
    refused = client.post(
        "/v1/checks",
        json={"document": {"issuing_country": "FR", "number": "12AB34567"}},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_invalid"
    border = world.principal(Role.BORDER_OFFICER, "US")
    on_loop.clear()
    assert check(client, border, {"mrz": zone("99ZZ00001")})["hit"] is False
    assert on_loop == [sqlite_path(database.url) is not None]


def test_a_begin_refused_at_once_leaves_the_connection_waiting_as_before(
    database: Database,
) -> None:
    if sqlite_path(database.url) is None:
        # PostgreSQL's transactions run side by side in threads: never one on the loop.
        with database.at_once() as session:
            assert session is None
        return
    fresh = _own(database, wait_s=7)
    try:
        with _another_process_writing(database), fresh.at_once() as session:
            assert session is None
        # The pool's one connection, the one refused: it waits 7 s for a lock again.
        with fresh.transaction() as session:
            waits = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert waits == 7000
    finally:
        fresh.dispose()
