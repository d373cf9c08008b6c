"""Lists and exports of every database: exactly the records the caller may read by id,
filtered, searched by name in any script, paged without gaps or repeats, counted, and
downloaded as JSON Lines, CSV and FollowTheMoney."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.domain.principals import Role
from policenet.store import audit
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_documents import report
from tests.test_network import events_of
from tests.test_records import answered, artwork, enter, person, refused, vehicle

# Owner country, disclosure, restriction, withdrawn, expired: a population in which every
# rule of who reads what has a record to decide.
POPULATION: list[tuple[str, str, dict[str, Any], bool, bool]] = [
    ("FR", "full", {"scope": "all"}, False, False),
    ("FR", "hit_only", {"scope": "all"}, False, False),
    ("FR", "full", {"scope": "only_listed", "countries": ["DE"]}, False, False),
    ("FR", "full", {"scope": "only_listed", "countries": ["IT"]}, False, False),
    ("FR", "full", {"scope": "all_but_listed", "countries": ["DE"]}, False, False),
    ("FR", "full", {"scope": "all_but_listed", "countries": ["IT"]}, False, False),
    ("FR", "full", {"scope": "all"}, True, False),
    ("FR", "full", {"scope": "all"}, False, True),
    ("DE", "full", {"scope": "all"}, False, False),
    ("DE", "hit_only", {"scope": "only_listed", "countries": ["FR"]}, False, False),
    ("IT", "full", {"scope": "only_listed", "countries": ["FR", "DE"]}, False, False),
]

NAMES = ["Jean-Pierre DUVAL", "Anna SCHMIDT", "Marco ROSSI", "Claire MARTIN", "Ivan PETROV"]


def _populate(client: TestClient, world: World, database: Database) -> list[int]:
    officers = {c: world.principal(Role.NCB_OFFICER, c) for c in ("FR", "DE", "IT")}
    ids = []
    for i, (country, disclosure, visibility, withdrawn, expired) in enumerate(POPULATION):
        body = person(
            name=NAMES[i % len(NAMES)] + f" {i}",
            aliases=[],
            disclosure=disclosure,
            visibility=visibility,
            crime_area="terrorism" if i % 3 == 0 else "organized_crime",
        )
        record = enter(client, officers[country], "persons", body)
        ids.append(record["id"])
        if withdrawn:
            answered(
                client.post(
                    f"/v1/persons/{record['id']}/withdraw",
                    json={"reason": "found"},
                    headers=officers[country].headers,
                )
            )
        if expired:
            with database.transaction() as session:
                session.execute(
                    text("UPDATE records SET review_date = :d WHERE id = :id"),
                    {"d": (datetime.now(UTC) - timedelta(days=3)).date(), "id": record["id"]},
                )
    return ids


def _everything(client: TestClient, actor: Actor, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page after page."""
    items: list[dict[str, Any]] = []
    after = None
    while True:
        query = {**params, "limit": 3} | ({"after": after} if after else {})
        page = answered(client.get(f"/v1/{path}", params=query, headers=actor.headers))
        items.extend(page["items"])
        after = page["after"]
        if after is None:
            assert page["next"] is None
            return items
        assert page["next"].startswith(f"/v1/{path}?")


def test_a_list_holds_exactly_what_its_reader_may_read_by_id(
    client: TestClient, world: World, database: Database
) -> None:
    ids = _populate(client, world, database)
    readers = [
        world.principal(Role.NCB_OFFICER, "FR"),
        world.principal(Role.NCB_OFFICER, "DE"),
        world.principal(Role.NCB_OFFICER, "IT"),
        world.principal(Role.NCB_OFFICER, "ES"),
        world.principal(Role.GS_REVIEWER),
    ]
    states = {"state": "in_force,expired,withdrawn"}
    for reader in readers:
        listed = _everything(client, reader, "persons", **states)
        readable = {
            i
            for i in ids
            if client.get(f"/v1/persons/{i}", headers=reader.headers).status_code == 200
        }
        assert {r["id"] for r in listed} == readable, reader.principal.name
        assert len(listed) == len(readable)
        page = answered(
            client.get(
                "/v1/persons",
                params={**states, "facet": "owner,country,state"},
                headers=reader.headers,
            )
        )
        assert page["total"] == len(readable) and page["total_exact"] is True
        for facet in ("owner", "country", "state"):
            assert sum(page["facets"][facet].values()) == len(readable)
        for item in listed:
            # The owner's reference and restriction are the owner's alone.
            own = item["owner_bureau_id"] == reader.principal.bureau_id
            assert (item["visibility"] is not None) == own
    # FR, the owner, sees its withdrawn and expired records when it asks for them only.
    fr = readers[0]
    in_force = {r["id"] for r in _everything(client, fr, "persons")}
    assert ids[6] not in in_force and ids[7] not in in_force and ids[0] in in_force
    withdrawn = _everything(client, fr, "persons", state="withdrawn")
    assert [r["id"] for r in withdrawn] == [ids[6]]
    expired = _everything(client, fr, "persons", state="expired")
    assert [r["id"] for r in expired] == [ids[7]] and expired[0]["expired"] is True
    # DE: FR's full records open to it, DE's own hit-only one, IT's listing DE.
    de = {r["id"] for r in _everything(client, readers[1], "persons")}
    assert de == {ids[0], ids[2], ids[5], ids[8], ids[9], ids[10]}
    # A carrier reads no record: it may not list one.
    carrier = world.principal(Role.CARRIER, "FR")
    refused(client.get("/v1/documents", headers=carrier.headers), 403, "right_missing")


def test_every_filter_narrows_the_list(
    client: TestClient, world: World, database: Database
) -> None:
    ids = _populate(client, world, database)
    fr = world.principal(Role.NCB_OFFICER, "FR")

    def found(**params: Any) -> set[int]:
        return {r["id"] for r in _everything(client, fr, "persons", **params)}

    everything = found()
    assert found(owner="NCB-DE") == {ids[8]}  # its hit-only record is read through DE
    assert found(country="IT") == {ids[10]}
    assert (
        found(crime_area="terrorism") == {i for n, i in enumerate(ids) if n % 3 == 0} & everything
    )
    hour = timedelta(hours=1)
    now = datetime.now(UTC)
    assert found(entered_from=(now - hour).isoformat()) == everything
    # An instant without an offset is UTC; one past the calendar's end is held there.
    assert found(entered_from=(now - hour).replace(tzinfo=None).isoformat()) == everything
    assert found(entered_to="9999-12-31T23:59:59-01:00") == everything
    assert found(entered_to=(now - hour).isoformat()) == set()
    assert found(entered_from=(now + hour).isoformat()) == set()
    soon = (now + timedelta(days=365 * 6)).date().isoformat()
    assert found(review_before=soon) == everything
    assert found(review_before=now.date().isoformat()) == set()
    assert found(state="expired", review_before=now.date().isoformat()) == {ids[7]}
    # A check that hits one record.
    de = world.principal(Role.NCB_OFFICER, "DE")
    answered(
        client.post("/v1/checks", json={"person": {"name": NAMES[3] + " 3"}}, headers=de.headers)
    )
    hit = found(has_hits="true")
    assert ids[3] not in hit  # FR's record restricted to IT: DE's check did not hit it
    answered(
        client.post("/v1/checks", json={"person": {"name": NAMES[0] + " 0"}}, headers=de.headers)
    )
    assert ids[0] in found(has_hits="true")
    assert ids[0] not in found(has_hits="false")
    assert found(has_hits="true") | found(has_hits="false") == everything
    # Sorted.
    newest = [r["id"] for r in _everything(client, fr, "persons")]
    assert newest == sorted(newest, reverse=True)
    oldest = [r["id"] for r in _everything(client, fr, "persons", sort="oldest")]
    assert oldest == sorted(oldest)
    due = _everything(client, fr, "persons", sort="review_due")
    assert [r["review_date"] for r in due] == sorted(r["review_date"] for r in due)


def test_a_name_is_found_in_any_script_and_spelling(client: TestClient, world: World) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    duval = enter(client, fr, "persons", person())
    enter(client, fr, "persons", person(name="Anna SCHMIDT", aliases=[]))
    for query in ("Дюваль Жан-Пьер", "jean pierre duval", "DUVALL Jean Pierre"):
        page = answered(client.get("/v1/persons", params={"q": query}, headers=fr.headers))
        assert [r["id"] for r in page["items"]] == [duval["id"]], query
        assert page["total"] == 1
    page = answered(client.get("/v1/persons", params={"q": "Nobody Known"}, headers=fr.headers))
    assert page["items"] == [] and page["total"] == 0
    # Other databases: titles, makes, models, numbers, words in any case.
    enter(client, fr, "vehicles", vehicle())
    enter(client, fr, "art", artwork())
    (car,) = answered(client.get("/v1/vehicles", params={"q": "honda ACCORD"}, headers=fr.headers))[
        "items"
    ]
    assert car["data"]["make"] == "Honda"
    assert (
        answered(client.get("/v1/vehicles", params={"q": "Toyota"}, headers=fr.headers))["items"]
        == []
    )
    (art,) = answered(client.get("/v1/art", params={"q": "matisse"}, headers=fr.headers))["items"]
    assert art["data"]["title"] == "La Méditerranée"
    # LIKE's own characters are taken as they are.
    assert answered(client.get("/v1/art", params={"q": "%"}, headers=fr.headers))["total"] == 1
    assert answered(client.get("/v1/art", params={"q": "_a"}, headers=fr.headers))["total"] == 1
    # Travel documents: by number (as written on it, any spacing) or holder's name.
    enter(client, fr, "documents", report("12AB34567"))
    enter(client, fr, "documents", report("99ZZ00001", holder_name="ROSSI, Marco"))
    by_number = answered(
        client.get("/v1/documents", params={"q": "12 ab 34567"}, headers=fr.headers)
    )
    assert [d["number"] for d in by_number["items"]] == ["12AB34567"]
    by_holder = answered(client.get("/v1/documents", params={"q": "rossi"}, headers=fr.headers))
    assert [d["number"] for d in by_holder["items"]] == ["99ZZ00001"]


def test_pages_miss_nothing_and_repeat_nothing_while_records_are_added(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    first = [
        enter(client, fr, "vehicles", vehicle(vin=None, plate=f"AB-{i:03}-CD"))["id"]
        for i in range(7)
    ]
    for sort in ("newest", "oldest", "review_due"):
        seen: list[int] = []
        after = None
        added = []
        while True:
            params = {"limit": 2, "sort": sort} | ({"after": after} if after else {})
            page = answered(client.get("/v1/vehicles", params=params, headers=fr.headers))
            seen.extend(r["id"] for r in page["items"])
            # A record recorded between two pages.
            plate = f"ZZ-{len(added) + 10 * len(seen):03}-{sort[:2].upper()}"
            added.append(enter(client, fr, "vehicles", vehicle(vin=None, plate=plate))["id"])
            after = page["after"]
            if after is None:
                break
        assert len(seen) == len(set(seen)), sort
        assert set(first) <= set(seen), sort
        first = first + added
    # A cursor the hub did not give, a limit out of range, an unknown state: clear errors.
    refused(
        client.get("/v1/vehicles", params={"after": "nonsense!"}, headers=fr.headers),
        422,
        "bad_cursor",
    )
    refused(
        client.get("/v1/vehicles", params={"state": "lost"}, headers=fr.headers), 422, "bad_filter"
    )
    refused(
        client.get("/v1/vehicles", params={"facet": "colour"}, headers=fr.headers),
        422,
        "bad_filter",
    )
    answer = client.get("/v1/vehicles", params={"limit": 0}, headers=fr.headers)
    assert answer.status_code == 422


def test_an_export_holds_the_list_and_nothing_more(
    client: TestClient, world: World, database: Database
) -> None:
    ids = _populate(client, world, database)
    de = world.principal(Role.NCB_OFFICER, "DE")
    listed = _everything(client, de, "persons")
    expected = {r["id"] for r in listed}
    jsonl = client.get("/v1/persons/export", headers=de.headers)
    assert jsonl.status_code == 200, jsonl.text
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert {line["id"] for line in lines} == expected
    assert {line["id"]: line["data"] for line in lines} == {r["id"]: r["data"] for r in listed}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/v1/persons/export", params={"format": "csv"}, headers=de.headers).text
            )
        )
    )
    assert {int(r["id"]) for r in rows} == expected
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[ids[0]]["name"] == listed[[r["id"] for r in listed].index(ids[0])]["data"]["name"]
    assert by_id[ids[0]]["visibility"] == ""  # FR's restriction is FR's alone
    ftm = client.get("/v1/persons/export", params={"format": "ftm"}, headers=de.headers).text
    entities = [json.loads(line) for line in ftm.splitlines()]
    assert {e["id"] for e in entities if e["schema"] == "Person"} == {
        f"policenet-persons-{i}" for i in expected
    }
    # What DE may not read is never described, in any format.
    for hidden in set(ids) - expected:
        name = NAMES[ids.index(hidden) % len(NAMES)] + f" {ids.index(hidden)}"
        for text_ in (jsonl.text, ftm):
            assert name not in text_
    # Filters apply; a bad format is a clear error; every export is audited with its count.
    some = client.get("/v1/persons/export", params={"owner": "NCB-IT"}, headers=de.headers)
    assert [json.loads(line)["id"] for line in some.text.splitlines()] == [ids[10]]
    refused(
        client.get("/v1/persons/export", params={"format": "xml"}, headers=de.headers),
        422,
        "invalid_request",
    )
    with database.transaction() as session:
        entries = [
            e for e in audit.entries(session, upto=10**9) if e.action.startswith("records.export")
        ]
    counts = [json.loads(e.detail).get("count") for e in entries if e.action == "records.exported"]
    assert counts == [len(expected), len(expected), len(expected), 1]


def test_a_list_is_audited_and_told_to_an_owner_watching(
    client: TestClient, world: World, database: Database
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    record = enter(client, fr, "persons", person())
    answered(client.put(f"/v1/persons/{record['id']}/watch", headers=fr.headers))
    answered(client.get("/v1/persons", params={"q": "Duval"}, headers=de.headers))
    (told,) = [e for e in events_of(client, fr) if e["kind"] == "record.queried"]
    assert told["payload"]["how"] == "listed" and told["payload"]["bureau"] == "NCB-DE"
    # FR's own list tells nobody.
    answered(client.get("/v1/persons", headers=fr.headers))
    assert len([e for e in events_of(client, fr) if e["kind"] == "record.queried"]) == 1
    with database.transaction() as session:
        lists = [e for e in audit.entries(session, upto=10**9) if e.action == "records.list"]
    details = [json.loads(e.detail) for e in lists]
    assert [(d["shown"], d["filter"].get("text")) for d in details] == [
        (1, "given"),
        (1, None),
    ]
