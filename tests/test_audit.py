"""The audit chain: every change and check is in it, and tampering is found and named."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from policenet.actions.audit_checkpoints import published_checkpoints, sign_due, signing_key
from policenet.actions.hub import verify_audit
from policenet.api.app import create_app
from policenet.domain.audit import digest_of, entry_hash, verify_chain
from policenet.domain.principals import Role
from policenet.settings import Settings
from policenet.store import audit
from policenet.store.db import Database
from policenet.store.tables import AuditCheckpointRow, AuditHeadRow, AuditRow
from tests.conftest import World
from tests.test_cli import CLI
from tests.test_cli import environment as cli_environment
from tests.test_documents import report
from tests.test_network import events_of
from tests.test_records import enter, person


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
    entries = client.get("/v1/audit?limit=2", headers=dpo.headers).json()["items"]
    assert [e["action"] for e in entries] == ["check", "document.record"]
    officer = world.principal(Role.NCB_OFFICER, "DE")
    assert client.get("/v1/audit", headers=officer.headers).status_code == 403


def test_reading_the_audit_log_is_itself_audited(client: TestClient, world: World) -> None:
    dpo = world.principal(Role.DATA_PROTECTION)
    client.get("/v1/audit?limit=5", headers=dpo.headers)
    newest = client.get("/v1/audit?limit=1", headers=dpo.headers).json()["items"][0]
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


# --- signed checkpoints -------------------------------------------------------------------


def rewrite_and_rehash(database: Database, seq: int, detail: str) -> None:
    """What whoever can write the database does: edit an entry, then recompute every hash
    after it and the head, so that the chain alone verifies."""
    with database.transaction() as session:
        entries = list(audit.entries(session, upto=audit.head(session)[0]))  # type: ignore[index]
        prev = entries[seq - 2].hash if seq > 1 else "0" * 64
        for entry in entries[seq - 1 :]:
            text = detail if entry.seq == seq else entry.detail
            detail_digest = digest_of(text)
            digest = entry_hash(
                seq=entry.seq,
                at=entry.at,
                principal_id=entry.principal_id,
                country=entry.country,
                action=entry.action,
                subject=entry.subject,
                detail=text,
                prev_hash=prev,
                detail_digest=detail_digest,
            )
            session.execute(
                update(AuditRow)
                .where(AuditRow.seq == entry.seq)
                .values(detail=text, detail_digest=detail_digest, prev_hash=prev, hash=digest)
            )
            prev = digest
        session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(hash=prev))


def test_a_rewritten_and_rehashed_chain_fails_against_the_signed_checkpoints(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    fill(client, world)
    key = signing_key(tmp_path / "hub.key", create=True)
    assert key is not None
    published = tmp_path / "published.jsonl"
    made = sign_due(database, key, 3, head=True, publish=published)
    assert [c.seq for c in made][:2] == [3, 6]
    public = key.public_key()
    intact = verify_audit(database, None, public=public, every=3)
    assert intact.problem is None and intact.checkpoints == len(made)
    rewrite_and_rehash(database, 4, '{"number":"XX0000000"}')
    # The chain alone says nothing is wrong: that is the hole the checkpoints close.
    with database.reading() as session:
        head_seq, head_hash = audit.head(session)  # type: ignore[misc]
        assert verify_chain(audit.entries(session, upto=head_seq), head_seq, head_hash)[1] is None
    broken = verify_audit(database, None, public=public, every=3)
    assert broken.problem is not None and broken.problem.seq == 6
    assert "rewritten" in broken.problem.reason
    # Removing the checkpoints held does not hide it: they are due, and published elsewhere.
    with database.transaction() as session:
        session.execute(delete(AuditCheckpointRow))
    missing = verify_audit(database, None, public=public, every=3)
    assert missing.problem is not None and "checkpoint due at entry 3 is missing" in (
        missing.problem.reason
    )
    against = verify_audit(
        database, None, public=public, every=100, published=published_checkpoints(published)
    )
    assert against.problem is not None and "rewritten" in against.problem.reason
    # Nor does signing new checkpoints without the hub's key.
    forged = sign_due(database, Ed25519PrivateKey.generate(), 3, head=True)
    assert forged
    refused = verify_audit(database, None, public=public, every=3)
    assert refused.problem is not None and "not signed by this hub's key" in refused.problem.reason
    answer = client.get("/v1/audit/verify", headers=world.gs_admin.headers).json()
    assert answer["intact"] is False


def test_the_hub_signs_its_head_when_it_stops_and_the_command_line_verifies_it(
    world: World, database: Database, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database.url, escalation_interval=600)
    with TestClient(create_app(settings, database)) as client:
        fill(client, world)
        answer = client.get("/v1/audit/verify", headers=world.gs_admin.headers).json()
        assert answer["intact"] is True and answer["checkpoints"] == 0
    with database.reading() as session:
        (last,) = audit.checkpoints(session)
        assert last.seq == audit.head(session)[0]  # type: ignore[index]
    assert (tmp_path / "audit-signing.key").stat().st_mode & 0o077 == 0
    env = cli_environment(database, tmp_path)
    verified = subprocess.run(
        [*CLI, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 signed checkpoints verified" in verified.stdout
    rewrite_and_rehash(database, 2, '{"rewritten":true}')
    broken = subprocess.run(
        [*CLI, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert broken.returncode == 1 and "rewritten" in broken.stdout


# --- accountability -------------------------------------------------------------------------


def test_owners_see_the_queries_on_their_records_and_the_dpo_filters_and_exports_the_log(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    it = world.principal(Role.NCB_OFFICER, "IT")
    shared = enter(client, fr, "persons", person())
    hidden = enter(
        client,
        fr,
        "persons",
        person(name="Marc LEBLANC", birth_date="1980-02-02", disclosure="hit_only"),
    )
    asked = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}, "place": "Kehl"}
    assert client.post("/v1/checks", json=asked, headers=de.headers).json()["hit"]
    other = {"person": {"name": "Marc Leblanc", "birth_date": "1980-02-02"}}
    assert client.post("/v1/checks", json=other, headers=it.headers).json()["hit"]
    url = "/v1/audit/queries-on-my-records"
    seen = client.get(url, headers=fr.headers).json()["items"]
    assert [(q["record_id"], q["checker_bureau_id"], q["answer"]) for q in seen] == [
        (hidden["id"], "NCB-IT", "hit_only"),
        (shared["id"], "NCB-DE", "record"),
    ]
    assert seen[1]["place"] == "Kehl" and seen[1]["checked_by"] == de.principal.id
    assert seen[1]["asked"]["person"]["name"] == "Jean-Pierre Duval"
    one = client.get(url, params={"record_id": hidden["id"]}, headers=fr.headers).json()["items"]
    assert [q["checker_bureau_id"] for q in one] == ["NCB-IT"]
    # Another bureau learns nothing of FR's records this way.
    assert client.get(url, headers=de.headers).json()["items"] == []
    # The data protection officer filters the whole log and takes it away.
    dpo = world.principal(Role.DATA_PROTECTION)
    by_de = client.get("/v1/audit", params={"bureau": "NCB-DE"}, headers=dpo.headers).json()[
        "items"
    ]
    assert "check" in {e["action"] for e in by_de}
    assert {e["country"] for e in by_de} == {"DE"}
    about = client.get(
        "/v1/audit", params={"subject": f"record:{shared['id']}"}, headers=dpo.headers
    ).json()["items"]
    assert [e["action"] for e in about] == ["record.enter"]
    future = client.get(
        "/v1/audit", params={"entered_from": "2999-01-01T00:00:00"}, headers=dpo.headers
    ).json()
    assert future["items"] == [] and future["total"] == 0
    exported = client.get("/v1/audit/export", params={"action": "check"}, headers=dpo.headers)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [e["principal_id"] for e in lines] == [de.principal.id, it.principal.id]
    assert client.get("/v1/audit/export", headers=fr.headers).status_code == 403
    last = client.get(
        "/v1/audit", params={"limit": 1, "action": "audit.export"}, headers=dpo.headers
    )
    assert last.json()["items"][0]["detail"] == {"action": "check"}


def test_an_owner_watching_its_record_is_told_of_every_read_by_another_bureau(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    record = enter(client, fr, "persons", person(external_ref="FR-WATCH-1"))
    url = f"/v1/persons/{record['id']}/watch"
    # Only its owner asks.
    assert client.put(url, headers=de.headers).json()["error"]["code"] == "not_owner"
    assert client.put(url, headers=fr.headers).json() == {"watched": True}
    assert client.get(f"/v1/persons/{record['id']}", headers=de.headers).status_code == 200
    assert client.get(f"/v1/persons/{record['id']}", headers=fr.headers).status_code == 200
    (told,) = [e for e in events_of(client, fr) if e["kind"] == "record.queried"]
    assert told["payload"]["bureau"] == "NCB-DE" and told["payload"]["how"] == "read"
    assert told["payload"]["external_ref"] == "FR-WATCH-1"
    assert client.delete(url, headers=fr.headers).json() == {"watched": False}
    client.get(f"/v1/persons/{record['id']}", headers=de.headers)
    assert len([e for e in events_of(client, fr) if e["kind"] == "record.queried"]) == 1
    document = client.post("/v1/documents", json=report("WA1000001"), headers=fr.headers).json()
    durl = f"/v1/documents/{document['id']}/watch"
    assert client.put(durl, headers=fr.headers).json() == {"watched": True}
    client.get(f"/v1/documents/{document['id']}", headers=de.headers)
    kinds = [
        e["payload"]["database"] for e in events_of(client, fr) if e["kind"] == "record.queried"
    ]
    assert kinds == ["persons", "travel_documents"]
