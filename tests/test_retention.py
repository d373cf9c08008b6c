"""Retention: owners are reminded 90 days before a record's review date, and the content of
a record past it that was not renewed is erased, everywhere the hub held it."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.retention import run_retention
from policenet.demo.dna import DONOR
from policenet.domain.clock import utcnow
from policenet.domain.principals import Role
from policenet.store.db import Database
from tests.conftest import World
from tests.test_cli import CLI
from tests.test_cli import environment as cli_environment
from tests.test_documents import report
from tests.test_fingerprints import OTHER, SUSPECT, mark, needs_fvc, tenprint
from tests.test_network import events_of
from tests.test_records import CHECK_DUVAL, answered, enter, person, refused


def review_in(database: Database, table: str, record_id: int, days: int) -> None:
    with database.transaction() as session:
        session.execute(
            text(f"UPDATE {table} SET review_date = :d WHERE id = :i"),  # noqa: S608 - ours
            {"d": (utcnow() + timedelta(days=days)).date(), "i": record_id},
        )


def test_records_past_review_are_erased_and_owners_reminded_before(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    old = enter(client, fr, "persons", person(external_ref="FR-OLD-1"))
    soon = enter(
        client,
        fr,
        "persons",
        person(name="Marc LEBLANC", birth_date="1980-02-02", external_ref="FR-SOON-1"),
    )
    document = client.post("/v1/documents", json=report("RT1000001"), headers=fr.headers).json()
    review_in(database, "records", old["id"], -1)
    review_in(database, "records", soon["id"], 60)
    review_in(database, "travel_documents", document["id"], -3)
    done = run_retention(database, utcnow())
    assert done.erased == {"persons": 1, "travel_documents": 1} and done.reminded == 1
    with database.reading() as session:
        data, ref, withdrawn = session.execute(
            text("SELECT data, external_ref, withdrawn_at FROM records WHERE id = :i"),
            {"i": old["id"]},
        ).one()
        keys = session.execute(
            text("SELECT count(*) FROM record_keys WHERE record_id = :i"), {"i": old["id"]}
        ).scalar_one()
        holder = session.execute(
            text("SELECT holder_name FROM travel_documents WHERE id = :i"), {"i": document["id"]}
        ).scalar_one()
        erased = session.execute(
            text("SELECT subject, detail FROM audit_log WHERE action = 'record.erased'")
        ).all()
    assert (json.loads(data) if isinstance(data, str) else data) == {}
    assert (ref, keys, holder) == (None, 0, None) and withdrawn is not None
    # The log keeps the fact of each erasure, not what was erased.
    assert {s for s, _ in erased} == {f"record:{old['id']}", f"travel_document:{document['id']}"}
    assert all("Duval" not in d and "DUVAL" not in d and "FR-OLD-1" not in d for _, d in erased)
    # Nothing answers a check any more, and the owner is told of both.
    query = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}}
    assert client.post("/v1/checks", json=query, headers=de.headers).json()["hit"] is False
    told = {e["kind"]: e["payload"] for e in events_of(client, fr)}
    assert {r["id"] for r in told["records.erased"]["records"]} == {old["id"], document["id"]}
    assert [r["external_ref"] for r in told["records.expiring"]["records"]] == ["FR-SOON-1"]
    # A second run has nothing to do; a renewal makes the next review date remind again.
    again = run_retention(database, utcnow())
    assert (again.erased, again.reminded) == ({}, 0)
    renewed = client.post(f"/v1/persons/{soon['id']}/renew", json={}, headers=fr.headers)
    assert renewed.status_code == 200, renewed.text
    review_in(database, "records", soon["id"], 30)
    ran = subprocess.run(
        [*CLI, "retention", "run"],
        env=cli_environment(database, tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Erased 0 records" in ran.stdout and "reminded the owners of 1 records" in ran.stdout


# --- the requests of the people in the files -----------------------------------------------


def test_a_deletion_request_is_searched_decided_and_erases_the_persons_data(
    client: TestClient, world: World, database: Database
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    dpo = world.principal(Role.DATA_PROTECTION)
    other_dpo = world.principal(Role.DATA_PROTECTION)
    duval = enter(
        client,
        fr,
        "persons",
        person(identity_documents=[{"issuing_country": "FR", "number": "18FR00077"}]),
    )
    stranger = enter(client, de, "persons", person(name="Karl MÜLLER", birth_date="1960-01-01"))
    document = client.post("/v1/documents", json=report("18FR00077"), headers=fr.headers).json()
    url = "/v1/data-protection/requests"
    body = {
        "kind": "deletion",
        "subject": {
            "name": "Жан-Пьер Дюваль",
            "birth_date": "1974-08-12",
            "documents": [{"issuing_country": "FR", "number": "18FR00077"}],
        },
        "received_on": (utcnow() - timedelta(days=300)).date().isoformat(),
        "requester": "Maître Martin, for Jean-Pierre Duval",
        "details": "Delete everything held on me.",
    }
    # Only the data protection officers handle them.
    assert client.post(url, json=body, headers=fr.headers).status_code == 403
    made = client.post(url, json=body, headers=dpo.headers)
    assert made.status_code == 201, made.text
    request = made.json()
    # 9 months for a deletion: received 300 days ago, it is late.
    assert request["overdue"] is True and request["state"] == "received"
    late = client.get(url, params={"overdue": "true"}, headers=dpo.headers).json()
    assert [r["id"] for r in late["items"]] == [request["id"]] and late["total"] == 1
    assigned = client.post(
        f"{url}/{request['id']}/assignment",
        json={"principal_id": other_dpo.principal.id},
        headers=dpo.headers,
    )
    assert assigned.json()["assigned_to"] == other_dpo.principal.id
    wrong = client.post(
        f"{url}/{request['id']}/assignment",
        json={"principal_id": fr.principal.id},
        headers=dpo.headers,
    )
    assert wrong.json()["error"]["code"] == "not_a_data_protection_officer"
    # The search finds the person by name in another script, and the document by number.
    found = client.get(f"{url}/{request['id']}/search", headers=other_dpo.headers).json()
    references = {m["reference"] for m in found}
    assert f"persons/{duval['id']}" in references
    assert f"travel_documents/{document['id']}" in references
    assert f"persons/{stranger['id']}" not in references
    # A German check hit it before: the hit keeps what was asked, until the deletion.
    query = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}}
    assert client.post("/v1/checks", json=query, headers=de.headers).json()["hit"] is True
    decided = client.post(
        f"{url}/{request['id']}/decision",
        json={
            "outcome": "granted",
            "reason": "No purpose of police cooperation justifies keeping these data.",
            "erase": [f"persons/{duval['id']}", f"travel_documents/{document['id']}"],
        },
        headers=other_dpo.headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "decided" and len(decided.json()["erased"]) == 2
    again = client.post(
        f"{url}/{request['id']}/decision",
        json={"outcome": "refused", "reason": "Changed our mind about it."},
        headers=other_dpo.headers,
    )
    assert again.json()["error"]["code"] == "subject_request_decided"
    # Gone from every check and from the search; the log keeps the fact, not the content;
    # the hit keeps who checked and when, not the name and birth date asked.
    assert client.post("/v1/checks", json=query, headers=de.headers).json()["hit"] is False
    with database.reading() as session:
        asked = session.execute(text("SELECT asked FROM hits")).scalars().all()
    assert asked == ["{}"]
    (hit,) = answered(client.get("/v1/hits", headers=de.headers))["items"]
    assert hit["database"] == "persons"
    doc_check = {"document": {"issuing_country": "FR", "number": "18FR00077"}}
    assert client.post("/v1/checks", json=doc_check, headers=de.headers).json()["hit"] is False
    with database.reading() as session:
        details = (
            session.execute(text("SELECT detail FROM audit_log WHERE action = 'record.erased'"))
            .scalars()
            .all()
        )
    assert len(details) == 2 and not any("uval" in d or "18FR00077" in d for d in details)
    told = [e for e in events_of(client, fr) if e["kind"] == "records.erased"]
    assert told and "deletion decided" in told[-1]["payload"]["why"]


@needs_fvc
def test_the_search_for_a_person_finds_what_no_check_finds_and_their_fingerprints(
    client: TestClient, world: World, database: Database
) -> None:
    """A record withdrawn or past its review date answers no check but is held until erased:
    the search for a person in the files lists it, and the fingerprints recorded as theirs;
    an erased record, of which nothing is left, it does not."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    dpo = world.principal(Role.DATA_PROTECTION)
    withdrawn = enter(client, fr, "persons", person())
    answered(
        client.post(
            f"/v1/persons/{withdrawn['id']}/withdraw",
            json={"reason": "Arrest warrant withdrawn by the court."},
            headers=fr.headers,
        )
    )
    expired = enter(client, fr, "persons", person(name="Jean Pierre DUVAL", external_ref="FR-2"))
    review_in(database, "records", expired["id"], -1)
    prints = enter(client, fr, "fingerprints", tenprint({1: "101_1"}, person_id=expired["id"]))
    document = enter(client, fr, "documents", report("18FR00078"))
    answered(
        client.post(
            f"/v1/documents/{document['id']}/withdraw",
            json={"reason": "Found by its holder."},
            headers=fr.headers,
        )
    )
    # Someone else recorded as holding that passport, withdrawn: found by the number alone.
    holder = enter(
        client,
        fr,
        "persons",
        person(
            name="Paul MARCEAU",
            aliases=[],
            birth_date="1961-01-01",
            external_ref="FR-3",
            identity_documents=[{"issuing_country": "FRA", "number": "18FR00078"}],
        ),
    )
    answered(
        client.post(
            f"/v1/persons/{holder['id']}/withdraw",
            json={"reason": "Arrest warrant withdrawn by the court."},
            headers=fr.headers,
        )
    )
    # No check finds them any more.
    assert client.post("/v1/checks", json=CHECK_DUVAL, headers=fr.headers).json()["hit"] is False
    body = {
        "kind": "access",
        "subject": {
            "name": "Жан-Пьер Дюваль",
            "birth_date": "1974-08-12",
            "documents": [{"issuing_country": "FR", "number": "18FR00078"}],
        },
        "received_on": utcnow().date().isoformat(),
        "requester": "Jean-Pierre Duval",
    }
    url = "/v1/data-protection/requests"
    request = answered(client.post(url, json=body, headers=dpo.headers), 201)
    found = answered(client.get(f"{url}/{request['id']}/search", headers=dpo.headers))
    how = {m["reference"]: m["how"] for m in found}
    assert "(withdrawn)" in how[f"persons/{withdrawn['id']}"]
    assert "(past review)" in how[f"persons/{expired['id']}"]
    assert how[f"fingerprints/{prints['id']}"] == f"fingerprints of persons/{expired['id']}"
    assert how[f"travel_documents/{document['id']}"] == "document number (withdrawn)"
    assert how[f"persons/{holder['id']}"] == "holds the document (withdrawn)"
    decided = client.post(
        f"{url}/{request['id']}/decision",
        json={"outcome": "granted", "reason": "Told the person what is held."},
        headers=dpo.headers,
    )
    assert decided.status_code == 200, decided.text
    # Erased by retention: nothing of the person is left, and the search lists nothing of it.
    run_retention(database, utcnow())
    again = answered(client.post(url, json=body, headers=dpo.headers), 201)
    found = answered(client.get(f"{url}/{again['id']}/search", headers=dpo.headers))
    assert f"persons/{expired['id']}" not in {m["reference"] for m in found}


@needs_fvc
def test_the_search_for_a_person_takes_their_ten_print_and_dna_and_keeps_neither(
    client: TestClient, world: World, database: Database
) -> None:
    """A person may give a ten-print and a reference profile to be found by: the search lists
    the fingerprint records and marks their fingers match and the DNA profiles their profile
    matches, whoever owns them and however restricted, those past review too, and not the
    others; the biometrics are not kept, and the audit entry says only what was given."""
    fr, de = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "DE")
    dpo = world.principal(Role.DATA_PROTECTION)
    theirs = enter(client, fr, "fingerprints", tenprint(SUSPECT, disclosure="hit_only"))
    scene = enter(client, de, "fingerprints", mark("103_4", "DE-SCENE-7"))
    other = enter(client, fr, "fingerprints", tenprint(OTHER))
    profile = enter(
        client,
        de,
        "dna",
        {
            "kind": "crime_scene",
            "loci": DONOR,
            "visibility": {"scope": "only_listed", "countries": ["NL"]},
        },
    )
    resting = enter(client, fr, "dna", {"kind": "reference", "loci": DONOR, "external_ref": "FR-2"})
    review_in(database, "records", resting["id"], -1)
    stranger = {locus: ["8", "9"] for locus in DONOR}
    unrelated = enter(client, de, "dna", {"kind": "reference", "loci": stranger})
    url = "/v1/data-protection/requests"
    body = {
        "kind": "access",
        "subject": {"name": "Someone Unnamed", "birth_date": "1980-03-04"},
        "received_on": utcnow().date().isoformat(),
        "requester": "Someone Unnamed",
    }
    request = answered(client.post(url, json=body, headers=dpo.headers), 201)
    card = tenprint({p: name.replace("_1", "_2") for p, name in SUSPECT.items()})
    given = {"fingerprints": card, "dna": {"kind": "reference", "loci": DONOR}}
    found = answered(client.post(f"{url}/{request['id']}/search", json=given, headers=dpo.headers))
    how = {m["reference"]: m["how"] for m in found}
    assert how[f"fingerprints/{theirs['id']}"] == "fingerprints (4 fingers match)"
    assert how[f"fingerprints/{scene['id']}"].startswith("fingerprints (a mark, score ")
    assert how[f"dna/{profile['id']}"] == "DNA profile (12 loci match)"
    assert how[f"dna/{resting['id']}"] == "DNA profile (12 loci match) (past review)"
    assert f"fingerprints/{other['id']}" not in how and f"dna/{unrelated['id']}" not in how
    # Without them, the search by names and documents finds none of these.
    assert answered(client.get(f"{url}/{request['id']}/search", headers=dpo.headers)) == []
    # A mark is not a person's fingers; a bad profile is refused with its field named.
    latent = {"fingerprints": mark("103_3", "X")}
    refused(
        client.post(f"{url}/{request['id']}/search", json=latent, headers=dpo.headers),
        422,
        "subject_tenprint_required",
    )
    bad = client.post(
        f"{url}/{request['id']}/search",
        json={"dna": {"kind": "reference", "loci": {"NOT-A-LOCUS": ["1"]}}},
        headers=dpo.headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"].startswith("dna")
    # Nothing of the biometrics is kept: not with the request, not in the audit log.
    kept = answered(client.get(f"{url}/{request['id']}", headers=dpo.headers))
    assert "fingerprints" not in json.dumps(kept) and "D3S1358" not in json.dumps(kept)
    with database.engine.connect() as connection:
        details = connection.execute(
            text("SELECT detail FROM audit_log WHERE action = 'subject_request.search'")
        ).scalars()
        logged = [d if isinstance(d, dict) else json.loads(d) for d in details]
    assert {"found": len(found), "fingerprints": 4, "dna_loci": 12} in logged
    assert "D3S1358" not in json.dumps(logged)
