"""The secure network: hit alerts, the owner's answer before its deadline, escalation, event
logs (polled and live), messages with classification, attachments and read receipts, sealed
messages the hub cannot read, working groups."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.checks import check
from policenet.actions.hits import ESCALATION_BATCH, escalate_overdue
from policenet.actions.sweeps import sweep
from policenet.domain.checks import CheckRequest
from policenet.domain.clock import utcnow
from policenet.domain.principals import AgencyKind, PrincipalCreate, Right, Role
from policenet.screening.service import Screening
from policenet.sealing import KeyPair, PublicKeys, SealError, header, open_sealed, seal
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_exchange import succeeded
from tests.test_records import CHECK_DUVAL, answered, enter, person, vehicle

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def events_of(client: TestClient, actor: Actor, after: int = 0) -> list[dict[str, Any]]:
    answer = client.get("/v1/events", params={"after": after}, headers=actor.headers)
    found: list[dict[str, Any]] = answered(answer)["events"]
    return found


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["kind"] for e in events]


def hit_of(client: TestClient, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/v1/checks", json=body, headers=actor.headers)
    assert answer.status_code == 200, answer.text
    (hit,) = answer.json()["hits"]
    result: dict[str, Any] = hit
    return result


def border_officer(world: World, country: str) -> Actor:
    """A border post allowed by its NCB to check persons and vehicles as well as documents."""
    agency = world.agency(country, AgencyKind.BORDER, [Right.CHECK_DOCUMENTS, Right.CHECK_RECORDS])
    return world._create(
        world.ncb_admin(country),
        PrincipalCreate(
            name=f"{country} border post officer", role=Role.BORDER_OFFICER, agency_id=agency
        ),
    )


def gs_unit(world: World, bureau_id: str, role: Role = Role.GS_REVIEWER) -> Actor:
    return world._create(
        world.gs_admin, PrincipalCreate(name=bureau_id, role=role, bureau_id=bureau_id)
    )


# --- hits -------------------------------------------------------------------------------------


def test_a_hit_alerts_the_owner_and_tells_the_checking_bureau_whom_to_contact(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    border = border_officer(world, "DE")
    de_ncb = world.principal(Role.NCB_OFFICER, "DE")
    record = enter(client, owner, "persons", person())
    hit = hit_of(client, border, {**CHECK_DUVAL, "place": "Frankfurt airport, gate B"})

    (alert,) = events_of(client, owner)
    assert alert["kind"] == "hit.alert"
    payload = alert["payload"]
    assert payload["hit"] == hit["reference"]
    assert payload["record_id"] == record["id"]
    assert payload["urgency"] == "urgent"
    assert payload["urgency_reason"] == "person flagged armed"
    assert payload["checked_by"]["bureau"] == "NCB-DE"
    assert payload["checked_by"]["place"] == "Frankfurt airport, gate B"
    assert payload["checked_by"]["officer"] == border.principal.name
    assert payload["asked"]["person"]["name"] == "Jean-Pierre Duval"
    # Deadline: 10 minutes for a person flagged armed.
    stored = client.get(f"/v1/hits/{hit['reference']}", headers=owner.headers).json()
    assert stored["status"] == "open" and stored["urgency"] == "urgent"
    minutes = (_parse(stored["due_at"]) - _parse(alert["at"])).total_seconds() / 60
    assert minutes == pytest.approx(10)

    (told,) = events_of(client, de_ncb)
    assert told["kind"] == "hit.recorded"
    assert told["payload"]["owner_bureau"] == "NCB-FR"
    assert "NCB-FR" in told["payload"]["contact"]
    # The border agency sees its own notice too.
    assert kinds(events_of(client, border)) == ["hit.recorded"]


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_a_routine_hit_gets_an_hour(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    border = border_officer(world, "DE")
    enter(client, owner, "persons", person(cautions=[]))
    hit = hit_of(client, border, CHECK_DUVAL)
    stored = client.get(f"/v1/hits/{hit['reference']}", headers=owner.headers).json()
    assert stored["urgency"] == "routine"
    assert (_parse(stored["due_at"]) - _parse(stored["at"])) == timedelta(hours=1)


def test_hit_only_record_tells_the_checking_side_whom_to_ask_and_nothing_else(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    de_ncb = world.principal(Role.NCB_OFFICER, "DE")
    enter(client, owner, "persons", person(disclosure="hit_only"))
    hit_of(client, de_ncb, CHECK_DUVAL)
    (told,) = events_of(client, de_ncb)
    payload = told["payload"]
    assert payload["owner_bureau"] == "NCB-FR"
    for withheld in ("record_id", "urgency", "urgency_reason", "due_at", "match", "external_ref"):
        assert withheld not in payload
    stored = client.get(f"/v1/hits/{payload['hit']}", headers=de_ncb.headers).json()
    assert stored["record_id"] is None and stored["urgency"] is None and stored["due_at"] is None


def test_an_event_of_a_restricted_record_never_reaches_an_excluded_bureau(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    excluded = world.principal(Role.NCB_OFFICER, "DE")
    allowed = world.principal(Role.NCB_OFFICER, "ES")
    enter(
        client,
        owner,
        "vehicles",
        vehicle(visibility={"scope": "only_listed", "countries": ["ES"]}),
    )
    asked = {"vehicle": {"vin": vehicle()["vin"]}}
    assert client.post("/v1/checks", json=asked, headers=excluded.headers).json()["hits"] == []
    hit_of(client, allowed, asked)
    assert kinds(events_of(client, owner)) == ["hit.alert"]
    assert kinds(events_of(client, allowed)) == ["hit.recorded"]
    assert events_of(client, excluded) == []


def test_the_owner_confirms_once_and_both_sides_are_told(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    de_ncb = world.principal(Role.NCB_OFFICER, "DE")
    enter(client, owner, "persons", person())
    hit = hit_of(client, de_ncb, CHECK_DUVAL)
    url = f"/v1/hits/{hit['reference']}/decision"
    decision = {"decision": "confirmed", "reason": "photo and fingerprints match"}

    by_checker = client.post(url, json=decision, headers=de_ncb.headers)
    assert by_checker.status_code == 403
    assert by_checker.json()["error"]["code"] == "not_owner"
    stranger = world.principal(Role.NCB_OFFICER, "IT")
    assert client.post(url, json=decision, headers=stranger.headers).status_code == 404

    confirmed = client.post(url, json=decision, headers=owner.headers)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert kinds(events_of(client, de_ncb)) == ["hit.recorded", "hit.confirmed"]
    assert kinds(events_of(client, owner)) == ["hit.alert", "hit.confirmed"]

    again = client.post(
        url, json={"decision": "rejected", "reason": "changed my mind"}, headers=owner.headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "hit_already_decided"
    assert client.get(f"/v1/hits/{hit['reference']}", headers=owner.headers).json()["status"] == (
        "confirmed"
    )
    bad = client.post(url, json={"decision": "maybe", "reason": "x"}, headers=owner.headers)
    assert bad.status_code == 422


def test_a_sweep_works_off_a_backlog_of_overdue_hits_in_batches(
    client: TestClient, world: World, database: Database
) -> None:
    """After an outage more hits are overdue than one transaction escalates: one sweep
    escalates them all, each once, a batch at a time."""
    owner = world.principal(Role.NCB_OFFICER, "FR")
    border = border_officer(world, "DE")
    enter(client, owner, "vehicles", vehicle())
    asked = CheckRequest.model_validate({"vehicle": {"vin": vehicle()["vin"]}})
    screening = Screening()
    t0 = utcnow() - timedelta(hours=3)
    backlog = 2 * ESCALATION_BATCH + 1
    with database.transaction() as session:
        made = [
            check(session, border.principal, asked, screening, now=t0).hits[0].reference
            for _ in range(backlog)
        ]
    assert sweep(database) == backlog
    assert sweep(database) == 0
    received: list[dict[str, Any]] = []
    while page := events_of(client, owner, after=received[-1]["id"] if received else 0):
        received += page
    overdue = [e["payload"]["hit"] for e in received if e["kind"] == "hit.overdue"]
    assert sorted(overdue) == sorted(made)


def test_overdue_hits_are_escalated_once_to_the_owner_and_the_command_centre(
    client: TestClient, world: World, database: Database
) -> None:
    """A controllable clock: the check is made at t0 and the sweep runs at chosen instants."""
    owner = world.principal(Role.NCB_OFFICER, "FR")
    border = border_officer(world, "DE")
    command = gs_unit(world, "GS-CCC")
    enter(client, owner, "persons", person())  # armed: 10 minutes
    enter(client, owner, "vehicles", vehicle())  # routine: 1 hour
    t0 = utcnow() - timedelta(hours=3)
    screening = Screening()
    with database.transaction() as session:
        urgent = check(
            session, border.principal, CheckRequest.model_validate(CHECK_DUVAL), screening, now=t0
        )
        routine = check(
            session,
            border.principal,
            CheckRequest.model_validate({"vehicle": {"vin": vehicle()["vin"]}}),
            screening,
            now=t0,
        )
    urgent_ref, routine_ref = urgent.hits[0].reference, routine.hits[0].reference

    def sweep_at(after: timedelta) -> list[str]:
        with database.transaction() as session:
            return [h.reference for h in escalate_overdue(session, t0 + after)]

    assert sweep_at(timedelta(minutes=9, seconds=59)) == []
    assert sweep_at(timedelta(minutes=10, seconds=1)) == [urgent_ref]
    assert sweep_at(timedelta(minutes=30)) == []  # escalated once only
    assert sweep_at(timedelta(minutes=61)) == [routine_ref]

    overdue = [e for e in events_of(client, owner) if e["kind"] == "hit.overdue"]
    assert [e["payload"]["hit"] for e in overdue] == [urgent_ref, routine_ref]
    centre = events_of(client, command)
    assert [e["payload"]["hit"] for e in centre] == [urgent_ref, routine_ref]
    assert "urgency_reason" not in centre[0]["payload"]  # the record's content stays home

    listed = client.get("/v1/hits", params={"state": "overdue"}, headers=owner.headers).json()[
        "items"
    ]
    assert {h["reference"] for h in listed} == {urgent_ref, routine_ref}
    assert all(h["overdue"] for h in listed)
    everyone = client.get("/v1/hits", params={"state": "overdue"}, headers=command.headers)
    assert {h["reference"] for h in everyone.json()["items"]} == {urgent_ref, routine_ref}
    assert all(h["asked"] is None for h in everyone.json()["items"])

    late = client.post(
        f"/v1/hits/{urgent_ref}/decision",
        json={"decision": "rejected", "reason": "different birth date on the card"},
        headers=owner.headers,
    )
    assert late.status_code == 200
    assert events_of(client, command)[-1]["kind"] == "hit.rejected"
    assert events_of(client, command)[-1]["payload"]["late"] is True
    listed = client.get("/v1/hits", params={"state": "overdue"}, headers=owner.headers).json()[
        "items"
    ]
    assert [h["reference"] for h in listed] == [routine_ref]


# --- messages ---------------------------------------------------------------------------------


def send(client: TestClient, actor: Actor, body: dict[str, Any]) -> httpx.Response:
    return client.post("/v1/messages", json=body, headers=actor.headers)


def test_follow_up_messages_are_threaded_on_the_hit_with_read_receipts(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    de_ncb = world.principal(Role.NCB_OFFICER, "DE")
    enter(client, owner, "persons", person())
    hit = hit_of(client, de_ncb, CHECK_DUVAL)
    url = f"/v1/hits/{hit['reference']}/messages"
    question = client.post(
        url,
        json={
            "subject": "Subject held at Frankfurt",
            "body": "Please confirm identity.",
            "priority": "urgent",
        },
        headers=de_ncb.headers,
    )
    assert question.status_code == 201, question.text
    assert [r["bureau"] for r in question.json()["to"]] == ["NCB-FR"]
    reference = question.json()["reference"]
    alert = events_of(client, owner)[-1]
    assert alert["kind"] == "message" and alert["payload"]["hit"] == hit["reference"]

    opened = client.get(f"/v1/messages/{reference}", headers=owner.headers).json()
    assert opened["body"] == "Please confirm identity."
    assert opened["to"][0]["read_at"] is not None
    receipt = events_of(client, de_ncb)[-1]
    assert receipt["kind"] == "message.read" and receipt["payload"]["bureau"] == "NCB-FR"
    client.get(f"/v1/messages/{reference}", headers=owner.headers)  # a second reading
    assert events_of(client, de_ncb)[-1]["id"] == receipt["id"]  # sends no second receipt

    answer = client.post(
        url,
        json={"subject": "Re", "body": "Confirmed, warrant follows.", "in_reply_to": reference},
        headers=owner.headers,
    )
    assert answer.status_code == 201
    thread = client.get(url, headers=de_ncb.headers).json()
    assert [m["body"] for m in thread] == [
        "Please confirm identity.",
        "Confirmed, warrant follows.",
    ]
    elsewhere = client.post(
        url, json={"to": ["NCB-IT"], "subject": "x", "body": "y"}, headers=owner.headers
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["code"] == "hit_thread_recipients"
    stranger = world.principal(Role.NCB_OFFICER, "IT")
    assert client.get(url, headers=stranger.headers).status_code == 404


def test_classification_limits_who_reads(client: TestClient, world: World) -> None:
    fr_admin = world.ncb_admin("FR")  # confidential
    fr_officer = world.principal(Role.NCB_OFFICER, "FR")  # restricted
    de_admin = world.ncb_admin("DE")
    de_officer = world.principal(Role.NCB_OFFICER, "DE")
    secret = send(
        client,
        fr_admin,
        {
            "to": ["NCB-DE"],
            "subject": "Informant",
            "body": "Name of the source",
            "classification": "confidential",
        },
    )
    assert secret.status_code == 201, secret.text
    reference = secret.json()["reference"]
    plain = send(client, fr_officer, {"to": ["NCB-DE"], "subject": "Hello", "body": "Routine"})
    assert plain.status_code == 201

    assert kinds(events_of(client, de_admin)) == ["message", "message"]
    officer_events = events_of(client, de_officer)
    assert [e["payload"]["subject"] for e in officer_events] == ["Hello"]
    assert client.get(f"/v1/messages/{reference}", headers=de_officer.headers).status_code == 404
    inbox = client.get("/v1/messages", headers=de_officer.headers).json()["items"]
    assert [m["subject"] for m in inbox] == ["Hello"]
    assert client.get(f"/v1/messages/{reference}", headers=de_admin.headers).status_code == 200

    above = send(
        client,
        fr_officer,
        {"to": ["NCB-DE"], "subject": "x", "body": "y", "classification": "confidential"},
    )
    assert above.status_code == 403
    assert above.json()["error"]["code"] == "classification_above_clearance"
    lower = client.post(
        "/v1/principals",
        json={"name": "clerk", "role": "ncb_officer", "clearance": "unclassified"},
        headers=fr_admin.headers,
    )
    assert lower.status_code == 201, lower.text
    assert lower.json()["principal"]["clearance"] == "unclassified"


def test_attachments_are_checked_against_their_declared_type(
    client: TestClient, world: World, database: Database
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")

    def attach(name: str, content_type: str, data: bytes) -> dict[str, Any]:
        return {
            "to": ["NCB-DE"],
            "subject": "Files",
            "body": "Attached.",
            "attachments": [
                {
                    "name": name,
                    "content_type": content_type,
                    "data": base64.b64encode(data).decode(),
                }
            ],
        }

    lying = send(client, fr, attach("warrant.pdf", "application/pdf", PNG))
    assert lying.status_code == 422
    assert lying.json()["error"]["code"] == "attachment_content_mismatch"
    assert "image/png" in lying.json()["error"]["message"]
    exe = send(client, fr, attach("tool.exe", "application/x-msdownload", b"MZ\x90\x00"))
    assert exe.json()["error"]["code"] == "attachment_type_not_allowed"
    bad_json = send(client, fr, attach("data.json", "application/json", b"{not json"))
    assert bad_json.json()["error"]["code"] == "attachment_content_mismatch"
    big = send(client, fr, attach("scan.txt", "text/plain", b"a" * (10 * 1024 * 1024 + 1)))
    assert big.status_code == 422
    assert big.json()["error"]["code"] == "attachments_too_large"
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM messages")).scalar_one() == 0

    good = send(client, fr, attach("photo.png", "image/png", PNG))
    assert good.status_code == 201, good.text
    (meta,) = good.json()["attachments"]
    assert meta["size"] == len(PNG) and meta["content_type"] == "image/png"
    got = client.get(f"/v1/messages/{good.json()['reference']}/attachments/0", headers=de.headers)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"


def test_working_groups_deliver_to_every_member(client: TestClient, world: World) -> None:
    created = client.post(
        "/v1/groups",
        json={
            "name": "Project Stolen Art",
            "crime_area": "organized_crime",
            "members": ["NCB-FR", "NCB-IT", "GS-HQ"],
        },
        headers=world.gs_admin.headers,
    )
    assert created.status_code == 201, created.text
    fr = world.principal(Role.NCB_OFFICER, "FR")
    it = world.principal(Role.NCB_OFFICER, "IT")
    de = world.principal(Role.NCB_OFFICER, "DE")
    refused = client.post(
        "/v1/groups",
        json={"name": "Mine", "crime_area": "other", "members": ["NCB-FR"]},
        headers=fr.headers,
    )
    assert refused.status_code == 403

    sent = send(
        client, fr, {"groups": ["Project Stolen Art"], "subject": "Auction", "body": "Lot 42"}
    )
    assert sent.status_code == 201, sent.text
    assert [r["bureau"] for r in sent.json()["to"]] == ["GS-HQ", "NCB-IT"]
    assert kinds(events_of(client, it)) == ["message"]
    assert kinds(events_of(client, world.gs_admin)) == ["message"]
    assert events_of(client, de) == []
    outsider = send(client, de, {"groups": ["Project Stolen Art"], "subject": "x", "body": "y"})
    assert outsider.json()["error"]["code"] == "unknown_group"
    assert [g["name"] for g in client.get("/v1/groups", headers=de.headers).json()] == []
    changed = client.patch(
        "/v1/groups/Project Stolen Art/members",
        json={"add": ["NCB-DE"], "remove": ["NCB-IT"]},
        headers=world.gs_admin.headers,
    )
    assert changed.json()["members"] == ["GS-HQ", "NCB-DE", "NCB-FR"]
    unknown = send(client, fr, {"to": ["NCB-XX"], "subject": "x", "body": "y"})
    assert unknown.json()["error"]["code"] == "unknown_bureau"


# --- sealed messages --------------------------------------------------------------------------

SECRET = "Informant Zebra meets the courier at pier 7"


def register(client: TestClient, admin: Actor) -> KeyPair:
    keys = KeyPair.generate()
    answer = client.post(
        "/v1/keys",
        json={
            "encryption_key": base64.b64encode(keys.encryption_public).decode(),
            "signing_key": base64.b64encode(keys.signing_public).decode(),
        },
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["fingerprint"] == keys.fingerprint
    return keys


def public_keys(client: TestClient, actor: Actor, bureau: str) -> PublicKeys:
    current = client.get(f"/v1/keys/{bureau}", headers=actor.headers).json()[0]
    return PublicKeys(
        bureau,
        base64.b64decode(current["encryption_key"]),
        base64.b64decode(current["signing_key"]),
    )


def sealed_body(
    client: TestClient, sender: Actor, keys: KeyPair, content: dict[str, Any]
) -> dict[str, Any]:
    envelope = seal(
        content,
        sender="NCB-FR",
        sender_keys=keys,
        recipient=public_keys(client, sender, "NCB-DE"),
        priority="flash",
        classification="restricted",
    )
    return {"to": ["NCB-DE"], "priority": "flash", "sealed": envelope}


def test_sealed_message_round_trip_the_hub_never_holds_the_plaintext(
    client: TestClient, world: World, database: Database
) -> None:
    fr_keys = register(client, world.ncb_admin("FR"))
    de_keys = register(client, world.ncb_admin("DE"))
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    attachment = base64.b64encode(PNG).decode()
    content = {
        "subject": "Operation Pier",
        "body": SECRET,
        "attachments": [{"name": "map.png", "content_type": "image/png", "data": attachment}],
    }
    sent = send(client, fr, sealed_body(client, fr, fr_keys, content))
    assert sent.status_code == 201, sent.text
    reference = sent.json()["reference"]

    # The hub's rows hold the envelope only: no subject, no body, not a byte of the secret.
    with database.reading() as session:
        row = session.execute(
            text("SELECT subject, body, sealed, seal FROM messages WHERE reference = :r"),
            {"r": reference},
        ).one()
        every_event = " ".join(session.execute(text("SELECT payload FROM events")).scalars())
        every_audit = " ".join(session.execute(text("SELECT detail FROM audit_log")).scalars())
    assert row.subject is None and row.body is None and row.sealed
    stored = json.dumps(row.seal if isinstance(row.seal, dict) else json.loads(row.seal))
    for text_ in (stored, every_event, every_audit):
        assert "Zebra" not in text_ and "Operation Pier" not in text_
    assert base64.b64decode(json.loads(stored)["ciphertext"]).find(b"Zebra") == -1

    # The recipient's client verifies and opens it.
    got = client.get(f"/v1/messages/{reference}", headers=de.headers).json()
    assert got["subject"] is None and got["body"] is None
    head = header(
        sender=got["from_bureau"],
        recipient="NCB-DE",
        sender_key=got["sealed"]["sender_key"],
        recipient_key=got["sealed"]["recipient_key"],
        priority=got["priority"],
        kind=got["classification"],
    )
    sender_signing = public_keys(client, de, "NCB-FR").signing_key
    opened = open_sealed(got["sealed"], head, sender_signing_key=sender_signing, keys=de_keys)
    assert opened == content

    # Re-labelled by the hub, or opened with someone else's key: refused.
    relabelled = header(
        sender="NCB-FR",
        recipient="NCB-DE",
        sender_key=got["sealed"]["sender_key"],
        recipient_key=got["sealed"]["recipient_key"],
        priority="routine",
        kind="restricted",
    )
    with pytest.raises(SealError) as error:
        open_sealed(got["sealed"], relabelled, sender_signing_key=sender_signing, keys=de_keys)
    assert error.value.code == "seal_signature_invalid"
    with pytest.raises(SealError) as error:
        open_sealed(got["sealed"], head, sender_signing_key=sender_signing, keys=KeyPair.generate())
    assert error.value.code == "seal_wrong_key"


def _flip(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("part", ["ciphertext", "signature", "nonce", "ephemeral_key"])
def test_tampered_sealed_message_is_rejected_and_nothing_is_stored(
    client: TestClient, world: World, database: Database, part: str
) -> None:
    fr_keys = register(client, world.ncb_admin("FR"))
    de_keys = register(client, world.ncb_admin("DE"))
    fr = world.principal(Role.NCB_OFFICER, "FR")
    body = sealed_body(client, fr, fr_keys, {"subject": "s", "body": SECRET, "attachments": []})
    body["sealed"][part] = _flip(body["sealed"][part])
    answer = send(client, fr, body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "seal_signature_invalid"
    assert "changed after sealing" in answer.json()["error"]["message"]
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM messages")).scalar_one() == 0
        assert session.execute(text("SELECT count(*) FROM events")).scalar_one() == 0
    # And the recipient's client refuses it too, had a hub let it through.
    head = header(
        sender="NCB-FR",
        recipient="NCB-DE",
        sender_key=fr_keys.fingerprint,
        recipient_key=de_keys.fingerprint,
        priority="flash",
        kind="restricted",
    )
    with pytest.raises(SealError):
        open_sealed(body["sealed"], head, sender_signing_key=fr_keys.signing_public, keys=de_keys)


def test_sealing_for_a_retired_key_is_refused_with_what_to_do(
    client: TestClient, world: World
) -> None:
    fr_keys = register(client, world.ncb_admin("FR"))
    register(client, world.ncb_admin("DE"))
    fr = world.principal(Role.NCB_OFFICER, "FR")
    body = sealed_body(client, fr, fr_keys, {"subject": "s", "body": "b", "attachments": []})
    register(client, world.ncb_admin("DE"))  # DE rotates its keys meanwhile
    answer = send(client, fr, body)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "seal_recipient_key_stale"
    mixed = send(client, fr, {**body, "subject": "clear"})
    assert mixed.status_code == 422


# --- the event log: polled and live -----------------------------------------------------------


def test_polling_resumes_after_the_last_id_without_loss_or_duplicate(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    for n in range(5):
        assert (
            send(client, fr, {"to": ["NCB-DE"], "subject": f"m{n}", "body": "b"}).status_code == 201
        )
    first = client.get("/v1/events", params={"limit": 2}, headers=de.headers).json()
    assert [e["payload"]["subject"] for e in first["events"]] == ["m0", "m1"]
    rest = client.get("/v1/events", params={"after": first["last_id"]}, headers=de.headers).json()
    assert [e["payload"]["subject"] for e in rest["events"]] == ["m2", "m3", "m4"]
    empty = client.get("/v1/events", params={"after": rest["last_id"]}, headers=de.headers).json()
    assert empty == {"events": [], "last_id": rest["last_id"]}


def read_stream(
    base: str, actor: Actor, count: int, last_event_id: int | None = None
) -> list[tuple[int, str, dict[str, Any]]]:
    """Read ``count`` events from the live stream, then hang up."""
    headers = dict(actor.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    found: list[tuple[int, str, dict[str, Any]]] = []
    with httpx.stream("GET", f"{base}/v1/events/stream", headers=headers, timeout=20) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in answer.iter_lines():
            if line == "":
                if "data" in fields:
                    found.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
                    if len(found) == count:
                        return found
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
    return found


def test_live_stream_resumes_after_a_disconnect_with_no_loss_and_no_duplicate(
    live: str, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")

    def post(n: int) -> None:
        answer = httpx.post(
            f"{live}/v1/messages",
            json={"to": ["NCB-DE"], "subject": f"m{n}", "body": "b"},
            headers=fr.headers,
        )
        assert answer.status_code == 201

    for n in range(3):
        post(n)
    first = read_stream(live, de, 2)  # sees m0, m1, then the line drops
    assert [e[2]["payload"]["subject"] for e in first] == ["m0", "m1"]
    for n in range(3, 6):
        post(n)  # sent while DE is away
    # Live delivery after the replay: a reader thread waits while m6 is sent.
    results: list[list[tuple[int, str, dict[str, Any]]]] = []
    reader = threading.Thread(target=lambda: results.append(read_stream(live, de, 5, first[-1][0])))
    reader.start()
    threading.Event().wait(0.5)
    post(6)
    reader.join(timeout=30)
    (resumed,) = results
    assert [e[2]["payload"]["subject"] for e in resumed] == ["m2", "m3", "m4", "m5", "m6"]
    ids = [e[0] for e in first + resumed]
    assert ids == sorted(set(ids))  # in order, exactly once


def test_live_stream_carries_nothing_of_a_record_hidden_from_the_bureau(
    live: str, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    excluded = world.principal(Role.NCB_OFFICER, "DE")
    allowed = world.principal(Role.NCB_OFFICER, "ES")
    answer = httpx.post(
        f"{live}/v1/vehicles",
        json=vehicle(visibility={"scope": "only_listed", "countries": ["ES"]}),
        headers=owner.headers,
    )
    assert answer.status_code == 201
    results: list[list[tuple[int, str, dict[str, Any]]]] = []
    reader = threading.Thread(target=lambda: results.append(read_stream(live, excluded, 1)))
    reader.start()
    threading.Event().wait(0.5)
    asked = {"vehicle": {"vin": vehicle()["vin"]}}
    for actor in (excluded, allowed, owner):
        assert httpx.post(f"{live}/v1/checks", json=asked, headers=actor.headers).status_code == 200
    # A sentinel DE may see: the first and only event on its stream.
    httpx.post(
        f"{live}/v1/messages",
        json={"to": ["NCB-DE"], "subject": "sentinel", "body": "b"},
        headers=owner.headers,
    )
    reader.join(timeout=30)
    assert [(kind, event["payload"].get("subject")) for _, kind, event in results[0]] == [
        ("message", "sentinel")
    ]


def test_stream_refuses_a_bad_resume_point(live: str, world: World) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    answer = httpx.get(f"{live}/v1/events/stream", headers={**de.headers, "Last-Event-ID": "abc"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_last_event_id"
    assert httpx.get(f"{live}/v1/events/stream").status_code == 401


# --- the command line of a bureau -------------------------------------------------------------


def cli(
    args: list[str], hub: str, token: str, cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICENET_HUB_URL": hub, "POLICENET_TOKEN": token, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "policenet.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_keys_send_sealed_and_listen_from_the_command_line(
    live: str, world: World, tmp_path: Path
) -> None:
    fr_admin, de_admin = world.ncb_admin("FR"), world.ncb_admin("DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")

    def succeeds(args: list[str], actor: Actor) -> str:
        """What a command that must succeed printed."""
        return succeeded(cli(args, live, actor.token, tmp_path))

    for admin, name in ((fr_admin, "fr.json"), (de_admin, "de.json")):
        made = succeeds(["keys", "generate", "--out", name, "--register"], admin)
        assert "Registered" in made
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    again = cli(["keys", "generate", "--out", "fr.json"], live, fr_admin.token, tmp_path)
    assert again.returncode == 1 and "never overwritten" in again.stdout

    sent = succeeds(
        [
            "send",
            "--to",
            "NCB-DE",
            "--subject",
            "Operation Pier",
            "--body",
            SECRET,
            "--priority",
            "flash",
            "--sealed",
            "--keys",
            "fr.json",
        ],
        fr,
    )
    assert "sealed to NCB-DE" in sent
    succeeds(["send", "--to", "NCB-DE", "--subject", "Plain [b]text[/b]", "--body", "hello"], fr)

    heard = succeeds(["listen", "--keys", "de.json", "--count", "2", "--state", "de.last"], de)
    assert "flash restricted message from NCB-FR: (sealed)" in heard
    assert "seal verified, opened: 'Operation Pier'" in heard
    assert SECRET in heard
    assert "Plain [b]text[/b]" in heard
    last = int((tmp_path / "de.last").read_text())

    # The sender hears the read receipt; a restarted listener resumes after what it saw.
    receipt = cli(["listen", "--count", "1"], live, fr.token, tmp_path)
    assert "NCB-DE read message" in receipt.stdout
    cli(["send", "--to", "NCB-DE", "--subject", "third", "--body", "x"], live, fr.token, tmp_path)
    resumed = cli(["listen", "--count", "1", "--state", "de.last"], live, de.token, tmp_path)
    assert "'third'" in resumed.stdout and "Operation Pier" not in resumed.stdout
    assert int((tmp_path / "de.last").read_text()) > last

    refused = cli(
        ["send", "--to", "NCB-XX", "--subject", "s", "--body", "b"], live, fr.token, tmp_path
    )
    assert refused.returncode == 1 and "error [unknown_bureau]" in refused.stderr


def test_the_hub_sweeps_overdue_hits_by_itself(live: str, world: World, database: Database) -> None:
    """The serving hub escalates on its own: the owner's stream receives the escalation."""
    owner = world.principal(Role.NCB_OFFICER, "FR")
    border = border_officer(world, "DE")
    assert httpx.post(f"{live}/v1/persons", json=person(), headers=owner.headers).status_code == 201
    with database.transaction() as session:
        answer = check(
            session,
            border.principal,
            CheckRequest.model_validate(CHECK_DUVAL),
            Screening(),
            now=utcnow() - timedelta(minutes=11),
        )
    events = read_stream(live, owner, 2)
    assert [kind for _, kind, _ in events] == ["hit.alert", "hit.overdue"]
    assert events[1][2]["payload"]["hit"] == answer.hits[0].reference


def test_a_revoked_token_ends_its_stream(
    live: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("policenet.events.stream.KEEP_ALIVE_SECONDS", 0.3)
    admin = world.ncb_admin("DE")
    officer = world.principal(Role.NCB_OFFICER, "DE")
    results: list[list[tuple[int, str, dict[str, Any]]]] = []
    reader = threading.Thread(target=lambda: results.append(read_stream(live, officer, 10)))
    reader.start()
    threading.Event().wait(0.5)
    tokens = httpx.get(
        f"{live}/v1/principals/{officer.principal.id}/tokens", headers=admin.headers
    ).json()
    revoked = httpx.post(f"{live}/v1/tokens/{tokens[0]['id']}/revoke", headers=admin.headers)
    assert revoked.status_code == 200, revoked.text
    reader.join(timeout=30)
    assert not reader.is_alive()  # the hub closed the stream
    assert results == [[]]


def test_no_principal_is_cleared_above_its_creator_even_by_default(
    client: TestClient, world: World
) -> None:
    # NCB administrators are created by the GS (no administrator makes its own peers).
    restricted_admin = world._create(
        world.gs_admin,
        PrincipalCreate(name="GS admin", role=Role.GS_ADMIN, clearance="restricted"),
    )
    made = client.post(
        "/v1/principals",
        json={"name": "FR admin", "role": "ncb_admin", "country": "FR"},
        headers=restricted_admin.headers,
    )
    assert made.status_code == 403
    assert made.json()["error"]["code"] == "clearance_above_yours"
    capped = client.post(
        "/v1/principals",
        json={"name": "FR admin", "role": "ncb_admin", "country": "FR", "clearance": "restricted"},
        headers=restricted_admin.headers,
    )
    assert capped.status_code == 201 and capped.json()["principal"]["clearance"] == "restricted"


@pytest.mark.parametrize("value", ["0" * 5000, "\u00b2", "-1"])
def test_stream_refuses_odd_resume_points(live: str, world: World, value: str) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    answer = httpx.get(
        f"{live}/v1/events/stream",
        headers={**de.headers, "Last-Event-ID": value.encode("latin-1")},
    )
    assert answer.status_code == 422
