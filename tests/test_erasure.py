"""What an erasure reaches beyond the record: the audit entries of the checks that hit it, the
alerts kept in the mailboxes, and the notices and diffusions about the person; and the audit
chain, which still verifies, except where a detail was changed that no erasure names."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text, update

from policenet.actions.hub import verify_audit
from policenet.actions.retention import run_retention
from policenet.domain.audit import (
    ERASED,
    GENESIS_HASH,
    AuditEntry,
    entry_hash,
    redact,
    verify_chain,
)
from policenet.domain.clock import utcnow
from policenet.domain.notices import NoticeType
from policenet.domain.principals import Role
from policenet.store.db import Database
from policenet.store.tables import AuditRow
from tests.conftest import Actor, World
from tests.test_documents import report
from tests.test_network import events_of
from tests.test_notices import content, diffuse, draft, move, task_force_reviewer
from tests.test_records import answered, check, enter, person
from tests.test_retention import review_in

NAME = "Jean-Pierre DUVAL"
ASKED = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}}
STRANGER = {"person": {"name": "Karl Müller", "birth_date": "1960-01-01"}}


def _texts(database: Database, query: str) -> list[str]:
    with database.reading() as session:
        return [
            value if isinstance(value, str) else json.dumps(value)
            for value in session.execute(text(query)).scalars()
        ]


def _quotes(texts: list[str]) -> list[str]:
    """Those that still quote the person: their name, as asked or recorded, or the owner's
    reference and the document number."""
    marks = ("uval", "UVAL", "FR-DUV-1", "18FR00077")
    return [t for t in texts if any(mark in t for mark in marks)]


def _file_a_person_seen_everywhere(
    client: TestClient, world: World
) -> tuple[Actor, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A French person and document, hit by a German check and a German batch, with a red
    notice published and a diffusion sent about the person."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    duval = enter(client, fr, "persons", person(external_ref="FR-DUV-1"))
    document = client.post("/v1/documents", json=report("18FR00077"), headers=fr.headers).json()
    assert check(client, de, ASKED)["hit"] is True
    batch = {"checks": [ASKED, STRANGER]}
    answered(client.post("/v1/checks/batch", json=batch, headers=de.headers))
    reviewer = task_force_reviewer(world)
    notice = draft(
        client, fr, content(NoticeType.RED, duval["id"], title=f"Wanted: {NAME}, murder")
    )
    for actor, to in ((fr, "submitted"), (reviewer, "under_review"), (reviewer, "published")):
        move(client, actor, notice["id"], to)
    sent = diffuse(
        client,
        fr,
        "wanted_person",
        f"Arrest {NAME}",
        f"{NAME}, born 12 August 1974, is sought for murder.",
        subject_person_id=duval["id"],
    )
    return fr, duval, document, notice, sent


def _erase_on_request(client: TestClient, world: World, references: list[str]) -> dict[str, Any]:
    dpo = world.principal(Role.DATA_PROTECTION)
    url = "/v1/data-protection/requests"
    body = {
        "kind": "deletion",
        "subject": {"name": NAME, "birth_date": "1974-08-12"},
        "received_on": utcnow().date().isoformat(),
        "requester": "Maître Martin, counsel",
        "details": "Delete everything held on my client.",
    }
    request = answered(client.post(url, json=body, headers=dpo.headers), 201)
    decision = {
        "outcome": "granted",
        "reason": "No purpose of police cooperation justifies keeping these data.",
        "erase": references,
    }
    return answered(
        client.post(f"{url}/{request['id']}/decision", json=decision, headers=dpo.headers)
    )


def test_an_erasure_blanks_the_questions_alerts_notices_and_diffusions_and_the_chain_holds(
    client: TestClient, world: World, database: Database
) -> None:
    fr, duval, document, notice, sent = _file_a_person_seen_everywhere(client, world)
    screening = client.app.state.hub.screening  # type: ignore[attr-defined]
    assert screening.document_candidates("FR", "18FR00077") == [document["id"]]
    # Before: the log, the mailboxes, the notice and the diffusion all quote the person.
    assert len(_quotes(_texts(database, "SELECT detail FROM audit_log"))) >= 4
    assert _quotes(_texts(database, "SELECT payload FROM events"))
    decided = _erase_on_request(
        client, world, [f"persons/{duval['id']}", f"travel_documents/{document['id']}"]
    )
    assert len(decided["erased"]) == 2
    # After: nothing in the log outside the request's own file quotes them...
    details = _texts(
        database, "SELECT detail FROM audit_log WHERE action NOT LIKE 'subject_request%'"
    )
    assert _quotes(details) == []
    # ...yet the log keeps who checked and what answered: the batch's other check keeps what
    # it asked, of a person who was not erased.
    with database.reading() as session:
        batch_detail = session.execute(
            text("SELECT detail FROM audit_log WHERE action = 'check.batch'")
        ).scalar_one()
    first, other = json.loads(batch_detail)["checks"]
    assert first["asked"] == {} and first["erased"] is True and first["answered"]["hit"] is True
    assert other["asked"]["person"]["name"] == "Karl Müller"
    # The erasure names every entry it blanked, and the chain verifies.
    erased = {
        json.loads(d)["database"]: json.loads(d)
        for d in _texts(database, "SELECT detail FROM audit_log WHERE action = 'record.erased'")
    }
    assert len(erased["persons"]["redacted"]) == 3  # the check, the batch, the entry
    # The hub's key index keeps nothing of the document, not even a hash of its number.
    assert check(client, world.principal(Role.NCB_OFFICER, "IT"), STRANGER)["hit"] is False
    assert screening.document_candidates("FR", "18FR00077") == []
    assert erased["travel_documents"]["redacted"]  # the document's own entry (its number)
    assert verify_audit(database, None).problem is None
    # The alerts kept in the mailboxes no longer quote the person.
    assert _quotes(_texts(database, "SELECT payload FROM events")) == []
    alert = next(e for e in events_of(client, fr) if e["kind"] == "hit.alert")
    assert alert["payload"]["asked"] == {} and alert["payload"]["erased"] is True
    # The notice is cancelled, every member told, and its copy of the person gone.
    reviewer = task_force_reviewer(world)
    shown = answered(client.get(f"/v1/notices/{notice['id']}", headers=reviewer.headers))
    assert shown["state"] == "cancelled"
    assert _quotes([json.dumps(shown)]) == []
    assert client.get("/public/notices").text.count(notice["reference"] or "-") == 0
    jp = world.principal(Role.NCB_OFFICER, "JP")
    assert any(e["kind"] == "notice.cancelled" for e in events_of(client, jp))
    # So is the diffusion, with its text: its recipients are told to remove it.
    de = world.principal(Role.NCB_OFFICER, "DE")
    gone = client.get(f"/v1/diffusions/{sent['id']}", headers=de.headers)
    assert gone.status_code == 410 and _quotes([gone.text]) == []
    assert any(e["kind"] == "diffusion.cancelled" for e in events_of(client, de))
    for table, column in (("notices", "content"), ("notices", "subject"), ("diffusions", "text")):
        assert _quotes(_texts(database, f"SELECT {column} FROM {table}")) == []  # noqa: S608


def test_a_detail_changed_that_no_erasure_names_breaks_the_chain(
    client: TestClient, world: World, database: Database
) -> None:
    _, duval, _, _, _ = _file_a_person_seen_everywhere(client, world)
    _erase_on_request(client, world, [f"persons/{duval['id']}"])
    assert verify_audit(database, None).problem is None
    with database.reading() as session:
        rows = session.execute(text("SELECT seq, action, detail FROM audit_log ORDER BY seq")).all()
    named = {s for _, a, d in rows if a == "record.erased" for s in json.loads(d)["redacted"]}
    # Blanking an entry the erasure does not name is an alteration, like any other edit...
    other = next(seq for seq, action, d in rows if action == "diffusion.send" and seq not in named)
    with database.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == other).values(detail="{}"))
    broken = verify_audit(database, None).problem
    assert broken is not None and broken.seq == other and "altered" in broken.reason
    with database.transaction() as session:
        original = next(d for seq, _, d in rows if seq == other)
        session.execute(update(AuditRow).where(AuditRow.seq == other).values(detail=original))
    assert verify_audit(database, None).problem is None
    # ...and so is an erasure's own list, changed to cover such an edit.
    erasure = next(seq for seq, action, _ in rows if action == "record.erased")
    with database.transaction() as session:
        session.execute(
            update(AuditRow)
            .where(AuditRow.seq == erasure)
            .values(detail=json.dumps({"redacted": [other]}))
        )
    broken = verify_audit(database, None).problem
    assert broken is not None and "altered" in broken.reason


def test_retention_blanks_the_questions_of_the_checks_that_hit_the_record(
    client: TestClient, world: World, database: Database
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    duval = enter(client, fr, "persons", person(external_ref="FR-DUV-1"))
    assert check(client, de, ASKED)["hit"] is True
    review_in(database, "records", duval["id"], -1)
    assert run_retention(database, utcnow()).erased == {"persons": 1}
    assert _quotes(_texts(database, "SELECT detail FROM audit_log")) == []
    # The owner is told which of its records were erased, by its own reference.
    kept = _texts(database, "SELECT payload FROM events WHERE kind <> 'records.erased'")
    assert _quotes(kept) == []
    assert verify_audit(database, None).problem is None


def _legacy_chain(details: list[tuple[str, str, str]]) -> list[AuditEntry]:
    """Entries as a hub before digests wrote them: each hash over its detail itself."""
    entries, prev = [], GENESIS_HASH
    for seq, (action, subject, detail) in enumerate(details, start=1):
        at = utcnow()
        digest = entry_hash(
            seq=seq,
            at=at,
            principal_id=None,
            country=None,
            action=action,
            subject=subject,
            detail=detail,
            prev_hash=prev,
        )
        entries.append(AuditEntry(seq, at, None, None, action, subject, detail, prev, digest))
        prev = digest
    return entries


def test_an_entry_from_before_digests_blanked_by_an_erasure_keeps_its_place_in_the_chain() -> None:
    asked = '{"answered":{"hit":true,"hits":[{"database":"persons","record":7}]},"asked":{"x":1}}'
    erasure = '{"redacted":[1]}'
    entries = _legacy_chain([("check", "checks", asked), (ERASED, "record:7", erasure)])
    blank = redact("check", "checks", asked, {"record:7"})
    assert '"asked":{}' in blank
    entries[0] = replace(entries[0], detail=blank)
    head = entries[-1]
    assert verify_chain(entries, head.seq, head.hash) == (2, None)
    # Not named by the erasure, the same change is an alteration.
    unnamed = _legacy_chain([("check", "checks", asked), (ERASED, "record:7", "{}")])
    unnamed[0] = replace(unnamed[0], detail=blank)
    checked, broken = verify_chain(unnamed, 2, unnamed[-1].hash)
    assert broken is not None and broken.seq == 1 and checked == 0
