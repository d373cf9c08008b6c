"""A border check never waits for the audit log's head: while another transaction holds it
(the chaining of a large import's entries, a batch at a time), a check or a batch is answered,
its hits kept at once, and its entry, written with them, is chained once the head is free, in
order, with ``journalled_at``. On PostgreSQL the entry is deferred (``audit_deferred``); on
SQLite, where holding the head means holding the one write lock, it goes to the check journal
(test_check_journal covers that path in depth)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.audit_checkpoints import chain_deferred_entries
from policenet.actions.retention import run_retention
from policenet.domain.clock import utcnow
from policenet.domain.principals import Role
from policenet.store.db import Database
from tests.conftest import World
from tests.test_check_journal import chained, chained_blank, hit_while, without_waiting
from tests.test_documents import report
from tests.test_records import answered, enter
from tests.test_retention import review_in

# Far longer than any answer that does not wait; the head is held until the test lets go.
ANSWERED_WITHIN = 20.0


@contextmanager
def head_held(database: Database) -> Iterator[None]:
    """The audit head locked by another connection, as the chaining of deferred entries
    holds it."""
    if database.engine.dialect.name == "postgresql":
        connection = database.engine.connect()
        transaction = connection.begin()
        connection.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))
        try:
            yield
        finally:
            transaction.rollback()
            connection.close()
        return
    path = database.engine.url.database
    assert path is not None
    held = sqlite3.connect(path, isolation_level=None)
    held.execute("BEGIN IMMEDIATE")
    held.execute("UPDATE audit_head SET seq = seq")
    try:
        yield
    finally:
        held.execute("ROLLBACK")
        held.close()


def test_checks_are_answered_while_the_audit_head_is_held_and_chained_once_it_is_free(
    client: TestClient, world: World, database: Database
) -> None:
    france = world.principal(Role.NCB_OFFICER, "FR")
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    stolen = enter(client, france, "documents", report("12AB34567", external_ref="FR-STOLEN-1"))
    one = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    batch = {"checks": [{"document": {"issuing_country": "FR", "number": "ZZ0000001"}}, one]}
    with head_held(database):
        single = without_waiting(
            lambda: client.post("/v1/checks", json=one, headers=kenya.headers), "the check"
        )
        (hit,) = answered(single)["hits"]
        assert hit["record"]["id"] == stolen["id"]
        several = without_waiting(
            lambda: client.post("/v1/checks/batch", json=batch, headers=kenya.headers),
            "the batch",
        )
        assert answered(several)["hits"] == 1
        # Answered, their entries written but not yet chained.
        assert chained(database, "check") == []
        assert chained(database, "check.batch") == []
    chain_deferred_entries(database)
    chain_deferred_entries(database)  # once chained, never again
    (entry,) = chained(database, "check")
    assert entry["reference"] == single.json()["reference"] and "journalled_at" in entry
    (entry,) = chained(database, "check.batch")
    assert len(entry["checks"]) == 2 and "journalled_at" in entry
    # Both hits kept and their owner alerted, each once.
    kept = answered(client.get("/v1/hits", headers=france.headers))["items"]
    assert len(kept) == 2
    verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
    assert verified["intact"] is True


def test_a_check_chains_its_entry_at_once_when_the_head_is_free(
    client: TestClient, world: World, database: Database
) -> None:
    kenya = world.principal(Role.BORDER_OFFICER, "KE")
    body = {"document": {"issuing_country": "FR", "number": "ZZ0000002"}}
    answered(client.post("/v1/checks", json=body, headers=kenya.headers))
    (entry,) = chained(database, "check")
    assert "journalled_at" not in entry
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM audit_deferred")).scalar_one() == 0


def test_a_check_waiting_to_be_chained_whose_record_is_erased_keeps_no_question(
    client: TestClient, world: World, database: Database
) -> None:
    """Chained before the erasure (the erasure blanks it) or after (it is chained blank):
    either way nothing of what was asked is left."""
    stolen = hit_while(client, world, head_held(database))
    review_in(database, "travel_documents", stolen["id"], -1)
    assert run_retention(database, utcnow()).erased == {"travel_documents": 1}
    chained_blank(database)
    verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
    assert verified["intact"] is True


@pytest.mark.parametrize("migrated", ["postgresql"], indirect=True)
def test_on_postgresql_no_writer_waits_for_the_head_and_a_transaction_keeps_its_order(
    database: Database, world: World
) -> None:
    """Any write, not only a check, that finds the head held (the chaining of an import's
    entries) defers its entries; so do the later entries of the same transaction, which are
    chained in their order. (On SQLite the head is held only with the one write lock, which
    every writer waits for: test_check_journal.)"""
    from policenet.store import audit

    fr = world.principal(Role.NCB_OFFICER, "FR")
    finished = threading.Event()

    def write() -> None:
        with database.transaction() as session:
            audit.append_by(session, fr.principal, "first.thing", "thing:1", {})
            audit.append_by(session, fr.principal, "second.thing", "thing:1", {})
        finished.set()

    with head_held(database):
        writer = threading.Thread(target=write)
        writer.start()
        assert finished.wait(ANSWERED_WITHIN), "the writer waited for the audit head"
        writer.join()
    with database.reading() as session:
        waiting = session.execute(
            text("SELECT action, detail FROM audit_deferred ORDER BY id")
        ).all()
    assert [action for action, _ in waiting] == ["first.thing", "second.thing"]
    assert all("journalled_at" in detail for _, detail in waiting)
    chain_deferred_entries(database)
    with database.reading() as session:
        actions = (
            session.execute(
                text("SELECT action FROM audit_log WHERE subject = 'thing:1' ORDER BY seq")
            )
            .scalars()
            .all()
        )
    assert actions == ["first.thing", "second.thing"]
