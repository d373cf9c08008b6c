"""The audit chain: every change and check is in it, and tampering is found and named."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from policenet.actions.hub import verify_audit
from policenet.domain.audit import verify_chain
from policenet.domain.principals import Role
from policenet.store import audit
from policenet.store.db import Database
from policenet.store.tables import AuditHeadRow, AuditRow
from tests.conftest import World
from tests.test_documents import report


def fill(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    for number in ("AA1000001", "AA1000002", "AA1000003"):
        client.post("/v1/documents", json=report(number), headers=owner.headers)
    client.post(
        "/v1/checks",
        json={"document": {"issuing_country": "FR", "number": "AA1000001"}},
        headers=owner.headers,
    )


def test_intact_chain_verifies(client: TestClient, world: World, database: Database) -> None:
    fill(client, world)
    result = verify_audit(database, None)
    assert result.problem is None
    assert result.checked == result.written >= 6
    answer = client.get("/v1/audit/verify", headers=world.gs_admin.headers).json()
    assert answer["intact"] is True


def test_edited_entry_is_named(client: TestClient, world: World, database: Database) -> None:
    fill(client, world)
    with database.transaction() as session:
        session.execute(
            update(AuditRow).where(AuditRow.seq == 4).values(detail='{"number":"XX0000000"}')
        )
    result = verify_audit(database, None)
    assert result.problem is not None
    assert result.problem.seq == 4
    assert "altered" in result.problem.reason
    assert result.checked == 3


def test_deleted_entry_is_named(client: TestClient, world: World, database: Database) -> None:
    fill(client, world)
    with database.transaction() as session:
        session.execute(delete(AuditRow).where(AuditRow.seq == 3))
    result = verify_audit(database, None)
    assert result.problem is not None
    assert result.problem.seq == 3
    assert "entry 3 is missing" in result.problem.reason


def test_deleted_last_entry_is_found(client: TestClient, world: World, database: Database) -> None:
    fill(client, world)
    last = verify_audit(database, None).written
    with database.transaction() as session:
        session.execute(delete(AuditRow).where(AuditRow.seq == last))
    result = verify_audit(database, None)
    assert result.problem is not None
    assert result.problem.seq == last


def test_audit_is_readable_by_data_protection_not_by_officers(
    client: TestClient, world: World
) -> None:
    dpo = world.principal(Role.DATA_PROTECTION)
    fill(client, world)
    entries = client.get("/v1/audit?limit=2", headers=dpo.headers).json()
    assert [e["action"] for e in entries] == ["check", "document.record"]
    officer = world.principal(Role.NCB_OFFICER, "DE")
    assert client.get("/v1/audit", headers=officer.headers).status_code == 403


def test_reading_the_audit_log_is_itself_audited(client: TestClient, world: World) -> None:
    dpo = world.principal(Role.DATA_PROTECTION)
    client.get("/v1/audit?limit=5", headers=dpo.headers)
    newest = client.get("/v1/audit?limit=1", headers=dpo.headers).json()[0]
    assert newest["action"] == "audit.read"
    assert newest["principal_id"] == dpo.principal.id
    assert newest["detail"]["limit"] == 5


def test_entries_written_during_a_walk_are_not_taken_for_tampering(
    client: TestClient, world: World, database: Database
) -> None:
    fill(client, world)
    with database.reading() as session:
        found = audit.head(session)
        assert found is not None
        seq, digest = found
        with database.transaction() as writer:
            audit.append(
                writer,
                principal_id=None,
                country=None,
                action="test",
                subject="concurrent",
                detail={},
            )
        checked, problem = verify_chain(audit.entries(session, upto=seq), seq, digest)
    assert problem is None
    assert checked == seq


def test_missing_head_is_reported(client: TestClient, world: World, database: Database) -> None:
    fill(client, world)
    with database.transaction() as session:
        session.execute(delete(AuditHeadRow))
    result = verify_audit(database, None)
    assert result.problem is not None
    assert "head" in result.problem.reason
