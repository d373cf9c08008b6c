"""When a commit reaches the disk: a check that found nothing does not wait for it (it gets
there within moments); a hit, an event and every change wait for it before anyone is told."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.exc import PendingRollbackError

from policenet.api.app import create_app
from policenet.domain.principals import Role
from policenet.settings import Settings
from policenet.store import audit
from policenet.store.db import Database, require_durable, sqlite_path
from policenet.store.tables import AuditHeadRow, Base
from tests.test_checks import check, record, zone

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import World


@dataclass
class Commits:
    """What the database saw: for each commit, whether it waited for the disk; on SQLite, the
    syncs of the write-ahead log (os.fsync is the operating system's, watched, not replaced)."""

    database: Database
    waited: list[bool] = field(default_factory=list)
    log_syncs: int = 0
    synced: threading.Condition = field(default_factory=threading.Condition)

    def sync_of_log(self, before: int) -> bool:
        """Whether the log is synced again after ``before`` syncs (waits for the hub's thread)."""
        with self.synced:
            return self.synced.wait_for(lambda: self.log_syncs > before, timeout=30)


def _waits_for_disk(connection: Connection) -> bool:
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SHOW synchronous_commit").scalar() != "off"
    # SQLite: 2 is FULL (the commit syncs the log itself), 1 NORMAL (the hub syncs it).
    return connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


@pytest.fixture
def commits(database: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Commits]:
    seen = Commits(database)

    def on_commit(connection: Connection) -> None:
        if not connection.get_execution_options().get("policenet_read_only"):
            seen.waited.append(_waits_for_disk(connection))

    path = sqlite_path(database.url)
    wal = None if path is None else Path(f"{path}-wal")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if wal is not None and wal.exists() and os.path.samestat(os.fstat(fd), wal.stat()):
            with seen.synced:
                seen.log_syncs += 1
                seen.synced.notify_all()

    # Nothing an earlier test left pending is synced while this one counts.
    database.sync()

    monkeypatch.setattr(os, "fsync", fsync)
    event.listen(database.engine, "commit", on_commit)
    yield seen
    event.remove(database.engine, "commit", on_commit)


def _entry(session: Any) -> None:
    audit.append(
        session, principal_id=None, country=None, action="test", subject="durability", detail={}
    )


def test_a_lazy_transaction_does_not_wait_and_leaves_the_next_one_waiting(
    database: Database, commits: Commits
) -> None:
    with database.transaction(lazy=True) as session:
        _entry(session)
    with database.transaction() as session:
        _entry(session)
    assert commits.waited == [False, True]


def test_a_lazy_commit_reaches_the_disk_by_itself(database: Database, commits: Commits) -> None:
    before = commits.log_syncs
    with database.transaction(lazy=True) as session:
        _entry(session)
        if database.engine.dialect.name == "postgresql":
            # An asynchronous commit, which PostgreSQL's own WAL writer syncs.
            setting = session.connection().exec_driver_sql("SHOW synchronous_commit").scalar()
            assert setting == "off"
    if database.engine.dialect.name == "sqlite":
        assert commits.sync_of_log(before)


def test_what_must_last_makes_a_lazy_transaction_wait(database: Database, commits: Commits) -> None:
    before = commits.log_syncs
    with database.transaction(lazy=True) as session:
        _entry(session)
        require_durable(session)
        if database.engine.dialect.name == "sqlite":
            synced_inside = commits.log_syncs
    if database.engine.dialect.name == "postgresql":
        assert commits.waited == [True]
    else:
        # The commit itself does not sync; the log is synced before the transaction returns.
        assert commits.waited == [False]
        assert synced_inside == before
        assert commits.log_syncs == before + 1


@pytest.fixture
def lazy_client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path, database_url=database.url, escalation_interval=600, lazy_checks=True
    )
    with TestClient(create_app(settings, database)) as client:
        yield client


def test_every_check_waits_for_the_disk_unless_the_hub_says_otherwise(
    client: TestClient, world: World, commits: Commits
) -> None:
    border = world.principal(Role.BORDER_OFFICER, "US")
    commits.waited.clear()
    assert check(client, border, {"mrz": zone("99ZZ00001")})["hit"] is False
    assert commits.waited == [True]


def test_a_lazy_hub_answers_a_check_that_found_nothing_without_waiting_but_a_hit_waits(
    lazy_client: TestClient, world: World, database: Database, commits: Commits
) -> None:
    client = lazy_client
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    commits.waited.clear()
    syncs = commits.log_syncs  # nothing lazy is pending: the hub's own thread is idle
    assert check(client, border, {"mrz": zone("12AB34567")})["hit"] is True
    if database.engine.dialect.name == "postgresql":
        assert commits.waited == [True]
    else:
        # Committed without waiting, then the log synced before the answer left: the hit,
        # and the owner's alert, were on the disk before the officer was told.
        assert commits.waited == [False]
        assert commits.log_syncs == syncs + 1
    assert check(client, border, {"mrz": zone("99ZZ00001")})["hit"] is False
    assert commits.waited[-1] is False
    batch = {"checks": [{"mrz": zone("99ZZ00001")}, {"mrz": zone("88ZZ00001")}]}
    answer = client.post("/v1/checks/batch", json=batch, headers=border.headers)
    assert answer.status_code == 200, answer.text
    assert commits.waited[-1] is False


def test_every_change_waits_for_the_disk(
    client: TestClient, world: World, commits: Commits
) -> None:
    commits.waited.clear()
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    assert commits.waited
    assert all(commits.waited)


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[tuple[Database, Path]]:
    """A SQLite database reached through a link to its file, as a data directory on another
    disk may be: the log lies beside the file itself."""
    real = tmp_path / "disk" / "policenet.db"
    real.parent.mkdir()
    link = tmp_path / "policenet.db"
    database = Database(f"sqlite:///{real}")
    Base.metadata.create_all(database.engine)
    with database.transaction() as session:
        session.execute(AuditHeadRow.__table__.insert().values(id=1, seq=0, hash="0" * 64))
    database.dispose()
    link.symlink_to(real)
    database = Database(f"sqlite:///{link}")
    yield database, real.with_name(real.name + "-wal")
    database.dispose()


def test_the_log_beside_a_linked_database_file_is_synced(
    linked: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, wal = linked
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(wal.exists() and os.path.samestat(os.fstat(fd), wal.stat()))

    monkeypatch.setattr(os, "fsync", fsync)
    with database.transaction(lazy=True) as session:
        _entry(session)
        require_durable(session)
    assert synced == [True]


def test_a_failed_sync_is_tried_again(
    linked: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, _ = linked
    outcomes: list[str] = []
    done = threading.Event()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if not outcomes:
            outcomes.append("failed")
            raise OSError(5, "Input/output error")  # the disk, once
        real_fsync(fd)
        outcomes.append("synced")
        done.set()

    monkeypatch.setattr(os, "fsync", fsync)
    with database.transaction(lazy=True) as session:
        _entry(session)
    assert done.wait(timeout=30)
    assert outcomes[:2] == ["failed", "synced"]


def test_a_broken_lazy_connection_does_not_leak_from_the_pool(
    linked: tuple[Database, Path],
) -> None:
    database, _ = linked
    # More than the pool holds (5, and 10 more): a leak would exhaust it and time out.
    for _ in range(20):
        with pytest.raises(PendingRollbackError), database.transaction(lazy=True) as session:
            _entry(session)
            session.connection().invalidate()  # as a dropped connection is
    with database.transaction() as session:
        _entry(session)
    assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
