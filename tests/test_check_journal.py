"""A border check is answered while an import holds a SQLite hub's one write lock: from a
read, its audit entry committed to the check journal and chained into the audit log once the
lock is free, exactly once; a check that hit journals its hits with its entry, stored and
told to the record's owner then.

SQLite only: PostgreSQL has no single write lock (its checks never wait for an import's
records, see test_import_jobs)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from policenet.actions.audit_checkpoints import chain_deferred_entries
from policenet.actions.hub import initialise
from policenet.actions.retention import run_retention
from policenet.api.app import create_app
from policenet.domain.clock import utcnow
from policenet.domain.principals import Role
from policenet.domain.probing import LIMITS
from policenet.domain.records import Database as Records
from policenet.settings import Settings
from policenet.store import migrate
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_dna import hidden_person
from tests.test_documents import report
from tests.test_network import events_of
from tests.test_records import answered, check, enter, refused
from tests.test_retention import review_in

# Long enough for any answer that does not wait for the lock; the lock is held far longer.
ANSWERED_WITHIN = 20.0


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate.upgrade(database)
    first = initialise(database, admin_name="GS admin", ttl_days=30).first_admin
    assert first is not None
    settings = Settings(data_dir=tmp_path, database_url=database.url, escalation_interval=600)
    with TestClient(create_app(settings, database)) as client:
        yield client, World(database, Actor(first[0], first[1].secret))
    database.dispose()


@contextmanager
def another_process_writing(database: Database) -> Iterator[None]:
    """The write lock held by another connection, as ``policenet import`` holds it."""
    path = database.engine.url.database
    assert path is not None
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE audit_head SET seq = seq")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextmanager
def an_import_of_this_hub(database: Database) -> Iterator[None]:
    """The write lock held by a transaction of the hub's own process, as its import runner
    holds it for a file sent over the network."""
    begun, done = threading.Event(), threading.Event()

    def hold() -> None:
        with database.transaction() as session:
            session.execute(text("UPDATE audit_head SET seq = seq"))
            begun.set()
            done.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    assert begun.wait(30)
    try:
        yield
    finally:
        done.set()
        holder.join(60)


Holder = Callable[[Database], AbstractContextManager[None]]
HOLDERS = pytest.mark.parametrize("holding", [another_process_writing, an_import_of_this_hub])


def without_waiting(ask: Callable[[], Response], what: str) -> Response:
    """The answer to ``ask``, asked in a thread, which must come well before the lock frees."""
    answers: list[Response] = []
    thread = threading.Thread(target=lambda: answers.append(ask()))
    thread.start()
    thread.join(ANSWERED_WITHIN)
    assert not thread.is_alive(), f"{what} waited for the import"
    (answer,) = answers
    return answer


def chained(database: Database, action: str) -> list[dict[str, Any]]:
    with database.reading() as session:
        rows = session.execute(
            text("SELECT detail FROM audit_log WHERE action = :a ORDER BY seq"), {"a": action}
        ).all()
    return [json.loads(detail) for (detail,) in rows]


@HOLDERS
def test_a_check_that_finds_nothing_is_answered_while_an_import_holds_the_lock(
    hub: tuple[TestClient, World], holding: Holder
) -> None:
    client, world = hub
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    body = {"document": {"issuing_country": "FR", "number": "ZZ0000001"}}
    with holding(world.database):
        answer = without_waiting(
            lambda: client.post("/v1/checks", json=body, headers=kenya.headers), "the check"
        )
        assert answered(answer)["hit"] is False
        # Answered, and its entry on the disk, in the journal: not yet in the chain.
        assert chained(world.database, "check") == []
    chain_deferred_entries(world.database)
    (entry,) = chained(world.database, "check")
    assert entry["reference"] == answer.json()["reference"]
    assert "journalled_at" in entry
    verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
    assert verified["intact"] is True


@HOLDERS
def test_a_check_that_hits_is_answered_while_an_import_holds_the_lock_and_keeps_its_hit(
    hub: tuple[TestClient, World], holding: Holder
) -> None:
    """The border officer has the hit at once; the hit is stored, and the owner alerted,
    when the lock is free: journalled with the check's entry, never lost, filed once."""
    client, world = hub
    france = world.principal(Role.NCB_OFFICER, "FR")
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    stolen = enter(client, france, "documents", report("12AB34567", external_ref="FR-STOLEN-1"))
    body = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    with holding(world.database):
        answer = without_waiting(
            lambda: client.post("/v1/checks", json=body, headers=kenya.headers),
            "the check that hit",
        )
        (hit,) = answered(answer)["hits"]
        assert hit["record"]["id"] == stolen["id"]
        assert chained(world.database, "check") == []
    assert answered(client.get("/v1/hits", headers=france.headers))["items"] == []
    chain_deferred_entries(world.database)
    chain_deferred_entries(world.database)  # once chained, never filed again
    (entry,) = chained(world.database, "check")
    assert entry["reference"] == answer.json()["reference"] and "journalled_at" in entry
    (kept,) = answered(client.get("/v1/hits", headers=france.headers))["items"]
    assert kept["reference"] == hit["reference"]
    alerts = [e for e in events_of(client, france) if e["kind"] == "hit.alert"]
    assert [a["payload"]["external_ref"] for a in alerts] == ["FR-STOLEN-1"]
    verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
    assert verified["intact"] is True


def test_a_batch_that_hits_is_answered_while_an_import_holds_the_lock(
    hub: tuple[TestClient, World],
) -> None:
    client, world = hub
    france = world.principal(Role.NCB_OFFICER, "FR")
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    enter(client, france, "documents", report("12AB34567"))
    checks = [{"document": {"issuing_country": "FR", "number": f"ZZ{i:07d}"}} for i in range(9)]
    checks.append({"document": {"issuing_country": "FR", "number": "12AB34567"}})
    with another_process_writing(world.database):
        answer = without_waiting(
            lambda: client.post("/v1/checks/batch", json={"checks": checks}, headers=kenya.headers),
            "the batch",
        )
    found = answered(answer)
    assert found["checked"] == 10 and found["hits"] == 1
    chain_deferred_entries(world.database)
    (entry,) = chained(world.database, "check.batch")
    assert len(entry["checks"]) == 10
    assert len(answered(client.get("/v1/hits", headers=france.headers))["items"]) == 1


def test_a_batch_that_finds_nothing_is_answered_while_an_import_holds_the_lock(
    hub: tuple[TestClient, World],
) -> None:
    client, world = hub
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    checks = [{"document": {"issuing_country": "FR", "number": f"ZZ{i:07d}"}} for i in range(20)]
    with another_process_writing(world.database):
        answer = without_waiting(
            lambda: client.post("/v1/checks/batch", json={"checks": checks}, headers=kenya.headers),
            "the batch",
        )
    found = answered(answer)
    assert found["checked"] == 20 and found["hits"] == 0
    chain_deferred_entries(world.database)
    (entry,) = chained(world.database, "check.batch")
    assert len(entry["checks"]) == 20


def test_a_journal_entry_is_chained_once_whatever_stops_the_hub_between_two_files(
    hub: tuple[TestClient, World],
) -> None:
    """The hub chains the journal's entries and marks how far in one transaction, then
    forgets them from the journal: if it stops between the two, the entries are still in
    the journal when it starts again, and chaining them again changes nothing."""
    client, world = hub
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    with another_process_writing(world.database):
        for i in range(3):
            check(client, kenya, {"document": {"issuing_country": "FR", "number": f"ZY{i:07d}"}})
    journal = world.database.journal
    assert journal is not None
    kept = journal.oldest(100)
    assert len(kept) == 3
    chain_deferred_entries(world.database)
    # As if the hub had stopped before forgetting them: the same entries, the same ids.
    connection = sqlite3.connect(journal.path, isolation_level=None)
    connection.executemany(
        "INSERT INTO entries (id, principal_id, country, action, subject, detail, filing) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        kept,
    )
    connection.close()
    chain_deferred_entries(world.database)
    assert len(chained(world.database, "check")) == 3
    assert journal.oldest(100) == []
    check(client, kenya, {"document": {"issuing_country": "FR", "number": "ZY0000009"}})
    assert len(chained(world.database, "check")) == 4


def test_a_write_that_cannot_wait_for_an_import_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """A write other than a check waits for the lock at most the hub's bound (30 s; 1 s
    here), then is refused 503 database_busy with Retry-After, and nothing was written."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}", connect_args={"timeout": 1})
    migrate.upgrade(database)
    first = initialise(database, admin_name="GS admin", ttl_days=30).first_admin
    assert first is not None
    settings = Settings(data_dir=tmp_path, database_url=database.url, escalation_interval=600)
    with TestClient(create_app(settings, database)) as client:
        world = World(database, Actor(first[0], first[1].secret))
        france = world.principal(Role.NCB_OFFICER, "FR")
        with another_process_writing(database):
            refused = client.post("/v1/documents", json=report("77FR00001"), headers=france.headers)
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "database_busy"
        assert refused.headers["retry-after"] == "60"
        listed = answered(client.get("/v1/documents", headers=france.headers))
        assert listed["items"] == []
        assert enter(client, france, "documents", report("77FR00001"))["id"]
    database.dispose()


def test_hits_waiting_in_the_journal_count_towards_the_probing_limit(
    hub: tuple[TestClient, World],
) -> None:
    """An import must not open a window for probing: the hits a principal's checks left in
    the journal count towards its limit on one hit_only record as stored hits do, and the
    limit is put, and told, once they are filed."""
    client, world = hub
    france = world.principal(Role.NCB_OFFICER, "FR")
    italy = world.principal(Role.NCB_OFFICER, "IT")
    hidden = hidden_person(client, france)
    asked = {"person": {"name": "Marc Leblanc", "birth_date": "1980-02-02"}}
    with another_process_writing(world.database):
        for _ in range(LIMITS[Records.PERSONS]):
            assert check(client, italy, asked)["hit"] is True
        refused(
            client.post("/v1/checks", json=asked, headers=italy.headers), 429, "probing_limited"
        )
    chain_deferred_entries(world.database)
    other = {"person": {"name": "Somebody Else", "birth_date": "1970-01-01"}}
    refused(client.post("/v1/checks", json=other, headers=italy.headers), 429, "probing_limited")
    (told,) = [e for e in events_of(client, france) if e["kind"] == "probing.suspected"]
    assert told["payload"]["record"] == hidden["id"]
    hits = answered(client.get("/v1/hits", headers=france.headers))["items"]
    assert len(hits) == LIMITS[Records.PERSONS]


def hit_while(
    client: TestClient, world: World, holding: AbstractContextManager[None]
) -> dict[str, Any]:
    """France's stolen passport, checked by a Kenyan border officer while ``holding`` keeps
    the check's entry from the chain: the hit is answered without waiting. The record."""
    france = world.principal(Role.NCB_OFFICER, "FR")
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    stolen = enter(client, france, "documents", report("12AB34567", external_ref="FR-STOLEN-1"))
    body = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    with holding:
        answer = without_waiting(
            lambda: client.post("/v1/checks", json=body, headers=kenya.headers), "the check"
        )
        assert answered(answer)["hit"] is True
    return stolen


def chained_blank(database: Database) -> None:
    """Once what waits is chained, the check of ``hit_while`` is in the chain, blank."""
    chain_deferred_entries(database)
    (entry,) = chained(database, "check")
    assert entry["asked"] == {} and entry["erased"] is True
    assert "12AB34567" not in json.dumps(chained(database, "check"))


def test_a_journalled_check_of_a_record_erased_before_it_is_chained_keeps_no_question(
    hub: tuple[TestClient, World],
) -> None:
    client, world = hub
    database = world.database
    assert database.journal is not None
    france = world.principal(Role.NCB_OFFICER, "FR")
    stolen = hit_while(client, world, another_process_writing(database))
    # The document is erased before the journal is drained (the hub's drain waits)...
    with database.journal.draining:
        review_in(database, "travel_documents", stolen["id"], -1)
        assert run_retention(database, utcnow()).erased == {"travel_documents": 1}
    # ...so the check reaches the chain, and its hit the hits, without what it asked.
    chained_blank(database)
    (kept,) = answered(client.get("/v1/hits", headers=france.headers))["items"]
    assert kept["database"] == "travel_documents"
    with database.reading() as session:
        assert session.execute(text("SELECT asked FROM hits")).scalars().all() == ["{}"]
    verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
    assert verified["intact"] is True
