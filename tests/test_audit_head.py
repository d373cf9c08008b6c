"""A border check never waits for the audit log's head: while another transaction holds it
(the chaining of a large import's entries, a batch at a time), a check or a batch is answered,
its hits kept at once, and its entry, written with them, is chained once the head is free, in
order, with ``journalled_at``. On PostgreSQL the entry is deferred (``audit_deferred``); on
SQLite, where holding the head means holding the one write lock, it goes to the check journal
(test_check_journal covers that path in depth)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from policenet.actions.audit_checkpoints import chain_deferred_entries
from policenet.domain.principals import Role
from policenet.store.db import Database
from tests.conftest import World
from tests.test_documents import report
from tests.test_records import answered, enter

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


def without_waiting(ask: Callable[[], Response], what: str) -> Response:
    answers: list[Response] = []
    thread = threading.Thread(target=lambda: answers.append(ask()))
    thread.start()
    thread.join(ANSWERED_WITHIN)
    assert not thread.is_alive(), f"{what} waited for the audit head"
    (answer,) = answers
    return answer


def chained(database: Database, action: str) -> list[dict[str, Any]]:
    with database.reading() as session:
        rows = session.execute(
            text("SELECT detail FROM audit_log WHERE action = :a ORDER BY seq"), {"a": action}
        ).all()
    return [json.loads(detail) for (detail,) in rows]


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
