"""Persons, vehicles, art, firearms and vessels: recorded by a bureau, found by one check across
every database, changed by the owner only, and shown as far as the owner allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from policenet.domain.principals import Role
from policenet.domain.terms import review_date_after
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_documents import zone

# A North American VIN with its correct check digit (3, in position 9), and one misread.
VIN_US = "1HGCM82633A004352"
VIN_US_MISREAD = "1HGCM82643A004352"
# A European VIN: position 9 is the manufacturer's, there is no check digit to verify.
VIN_EU = "WVWZZZ1JZXW386752"
IMO = "9074729"


def body_of(defaults: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """A maker of request bodies: the defaults, with the fields a test gives changed."""

    def made(**changes: Any) -> dict[str, Any]:
        return defaults | changes

    return made


# What a border officer asks to find the person of ``person()``.
CHECK_DUVAL = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}}

person = body_of(
    {
        "name": "Jean-Pierre DUVAL",
        "aliases": ["Jean Pierre Duval"],
        "birth_date": "1974-08-12",
        "birth_place": "Lyon",
        "nationalities": ["FR"],
        "sex": "male",
        "crime_area": "organized_crime",
        "cautions": ["armed"],
    }
)

vehicle = body_of(
    {
        "vin": VIN_US,
        "plate": "GH-123-KL",
        "plate_country": "FR",
        "make": "Honda",
        "model": "Accord",
        "colour": "silver",
        "year": 2003,
        "theft_date": "2026-01-10",
    }
)

artwork = body_of(
    {
        "title": "La Méditerranée",
        "object_type": "painting",
        "artist": "Henri Matisse",
        "dimensions": "65 x 54 cm",
        "theft_place": "Musée de Nice",
        "theft_country": "FR",
        "theft_date": "2025-11-02",
    }
)

firearm = body_of(
    {
        "make": "Glock",
        "model": "17",
        "calibre": "9x19mm",
        "serial": "BKX-482",
        "firearm_type": "pistol",
        "manufacture_country": "AT",
        "status": "stolen",
        "event_date": "2025-12-01",
    }
)

vessel = body_of(
    {
        "name": "Esperanza del Mar",
        "imo": f"IMO {IMO}",
        "mmsi": "227123456",
        "flag": "FR",
        "vessel_type": "yacht",
        "theft_date": "2025-09-20",
    }
)


def today() -> date:
    return datetime.now(UTC).date()


def answered(answer: Response, status: int = 200) -> dict[str, Any]:
    """The JSON body of an answer that came with ``status``."""
    assert answer.status_code == status, answer.text
    result: dict[str, Any] = answer.json()
    return result


def enter(client: TestClient, owner: Actor, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return answered(client.post(f"/v1/{path}", json=body, headers=owner.headers), 201)


def check(client: TestClient, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    return answered(client.post("/v1/checks", json=body, headers=actor.headers))


def refused(answer: Response, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code


def stable(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without what differs on every call (reference, time) or by question."""
    return {k: v for k, v in answer.items() if k not in ("reference", "checked_at", "asked")}


def by_vin(vin: str = VIN_US) -> dict[str, Any]:
    return {"vehicle": {"vin": vin}}


def by_plate(plate: str, plate_country: str = "FR") -> dict[str, Any]:
    return {"vehicle": {"plate": plate, "plate_country": plate_country}}


# --- every database: recorded and found ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "question", "expected", "field", "value"),
    [
        (
            "persons",
            person(),
            CHECK_DUVAL,
            "persons",
            "birth_place",
            "Lyon",
        ),
        ("vehicles", vehicle(), by_vin(), "vehicles", "plate", "GH123KL"),
        (
            "art",
            artwork(),
            {"artwork": {"title": "la mediterranee"}},
            "art",
            "artist",
            "Henri Matisse",
        ),
        ("firearms", firearm(), {"firearm": {"serial": "bkx 482"}}, "firearms", "serial", "BKX482"),
        ("vessels", vessel(), {"vessel": {"imo": IMO}}, "vessels", "mmsi", "227123456"),
    ],
)
def test_a_record_of_each_database_is_found_by_another_country(
    client: TestClient,
    world: World,
    path: str,
    body: dict[str, Any],
    question: dict[str, Any],
    expected: str,
    field: str,
    value: str,
) -> None:
    stored = enter(client, world.principal(Role.NCB_OFFICER, "FR"), path, body)
    assert stored["database"] == expected
    assert stored["owner_bureau_id"] == "NCB-FR"
    assert stored["expired"] is False
    answer = check(client, world.principal(Role.NCB_OFFICER, "DE"), question)
    assert answer["hit"] is True
    (hit,) = answer["hits"]
    assert hit["database"] == expected
    assert hit["owner_bureau"] == "NCB-FR"
    assert hit["disclosure"] == "full"
    assert hit["record"]["id"] == stored["id"]
    assert hit["record"]["data"][field] == value


def test_north_american_vin_with_wrong_check_digit_is_refused(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post(
        "/v1/vehicles", json=vehicle(vin=VIN_US_MISREAD, plate=None), headers=owner.headers
    )
    refused(answer, 422, "vin_check_digit")
    assert answer.json()["error"]["field"] == "vin"
    assert "position 9" in answer.json()["error"]["message"]


def test_european_vin_is_accepted_with_a_note_that_it_cannot_be_validated(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "DE")
    stored = enter(client, owner, "vehicles", vehicle(vin=VIN_EU, plate=None, make="Volkswagen"))
    assert stored["data"]["vin"] == VIN_EU
    assert stored["data"]["vin_validated"] is False
    (note,) = stored["notes"]
    assert "cannot be validated" in note
    validated = enter(client, owner, "vehicles", vehicle(plate=None))
    assert validated["data"]["vin_validated"] is True
    assert "cannot be validated" not in validated["notes"][0]


def test_imo_number_with_wrong_check_digit_is_refused(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post("/v1/vessels", json=vessel(imo="IMO 9074728"), headers=owner.headers)
    refused(answer, 422, "imo_check_digit")
    assert answer.json()["error"]["field"] == "imo"


def test_vehicle_without_vin_or_plate_is_refused(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = vehicle(vin=None, plate=None, plate_country=None)
    refused(client.post("/v1/vehicles", json=body, headers=owner.headers), 422, "invalid_request")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("vehicles", vehicle(plate_country="ZZ"), "plate_country"),
        ("vessels", vessel(flag="XYZ"), "flag"),
        ("persons", person(nationalities=["FR", "QQ"]), "nationalities.1"),
        (
            "art",
            artwork(visibility={"scope": "only_listed", "countries": ["ZZ"]}),
            "visibility.countries",
        ),
    ],
)
def test_unknown_country_code_is_refused(
    client: TestClient, world: World, path: str, body: dict[str, Any], field: str
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post(f"/v1/{path}", json=body, headers=owner.headers)
    refused(answer, 422, "country_unknown")
    assert answer.json()["error"]["field"] == field


def test_person_with_impossible_birth_date_is_refused(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post("/v1/persons", json=person(birth_date="1974-13"), headers=owner.headers)
    refused(answer, 422, "birth_date_invalid")
    assert "month 13" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    "review_date",
    [
        lambda: today() - timedelta(days=1),
        lambda: today(),
        lambda: review_date_after(today()) + timedelta(days=1),
    ],
    ids=["yesterday", "today", "beyond_5_years"],
)
def test_review_date_must_be_within_the_next_5_years(
    client: TestClient,
    world: World,
    review_date: Callable[[], date],
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = firearm(review_date=review_date().isoformat())
    answer = client.post("/v1/firearms", json=body, headers=owner.headers)
    refused(answer, 422, "review_date_invalid")
    assert answer.json()["error"]["field"] == "review_date"


def test_review_date_defaults_to_5_years_and_accepts_the_limit(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    limit = review_date_after(today()).isoformat()
    assert enter(client, owner, "firearms", firearm())["review_date"] == limit
    at_limit = enter(client, owner, "firearms", firearm(serial="ZZ9", review_date=limit))
    assert at_limit["review_date"] == limit


def test_refused_records_change_nothing(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    bad = [
        ("vehicles", vehicle(vin=VIN_US_MISREAD)),
        ("vehicles", vehicle(plate_country="ZZ")),
        ("vessels", vessel(imo="9074728", mmsi=None)),
        ("firearms", firearm(review_date=(today() - timedelta(days=1)).isoformat())),
        ("persons", person(birth_date="1974-13")),
    ]
    for path, body in bad:
        assert client.post(f"/v1/{path}", json=body, headers=owner.headers).status_code == 422
    checker = world.principal(Role.NCB_OFFICER, "DE")
    for question in (
        by_plate("GH-123-KL"),
        {"vessel": {"name": "Esperanza del Mar"}},
        {"firearm": {"serial": "BKX482"}},
        {"person": {"name": "Jean-Pierre Duval"}},
    ):
        assert check(client, checker, question)["hit"] is False, question
    assert check(client, owner, {"vessel": {"mmsi": "227123456"}})["hit"] is False


# --- owner-only changes --------------------------------------------------------------------


def test_another_country_cannot_change_renew_or_withdraw_a_visible_record(
    client: TestClient, world: World
) -> None:
    stored = enter(client, world.principal(Role.NCB_OFFICER, "FR"), "vehicles", vehicle())
    url = f"/v1/vehicles/{stored['id']}"
    foreign = world.principal(Role.NCB_OFFICER, "DE")
    refused(client.patch(url, json={"colour": "black"}, headers=foreign.headers), 403, "not_owner")
    refused(client.post(f"{url}/renew", json={}, headers=foreign.headers), 403, "not_owner")
    refused(
        client.post(f"{url}/withdraw", json={"reason": "not ours"}, headers=foreign.headers),
        403,
        "not_owner",
    )
    seen = client.get(url, headers=foreign.headers)
    assert seen.status_code == 200
    assert seen.json()["data"]["colour"] == "silver"
    assert seen.json()["withdrawn_at"] is None
    assert check(client, foreign, by_vin())["hit"] is True


def test_a_record_hidden_from_a_country_answers_it_not_found(
    client: TestClient, world: World
) -> None:
    body = vehicle(visibility={"scope": "only_listed", "countries": ["GB"]})
    stored = enter(client, world.principal(Role.NCB_OFFICER, "FR"), "vehicles", body)
    foreign = world.principal(Role.NCB_OFFICER, "DE")
    for url in (f"/v1/vehicles/{stored['id']}", "/v1/vehicles/999999"):
        refused(client.get(url, headers=foreign.headers), 404, "record_not_found")
        refused(
            client.patch(url, json={"colour": "black"}, headers=foreign.headers),
            404,
            "record_not_found",
        )
        refused(
            client.post(f"{url}/renew", json={}, headers=foreign.headers), 404, "record_not_found"
        )
        refused(
            client.post(f"{url}/withdraw", json={"reason": "not ours"}, headers=foreign.headers),
            404,
            "record_not_found",
        )


def test_a_record_is_read_under_its_own_database_only(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "firearms", firearm())
    refused(
        client.get(f"/v1/vehicles/{stored['id']}", headers=owner.headers), 404, "record_not_found"
    )


def test_owner_changes_the_plate_and_checks_follow(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "vehicles", vehicle())
    checker = world.principal(Role.NCB_OFFICER, "DE")
    assert check(client, checker, by_plate("GH123KL"))["hit"] is True
    changed = client.patch(
        f"/v1/vehicles/{stored['id']}", json={"plate": "HJ 456 MN"}, headers=owner.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["plate"] == "HJ456MN"
    assert changed.json()["data"]["vin"] == VIN_US
    assert check(client, checker, by_plate("GH123KL"))["hit"] is False
    (hit,) = check(client, checker, by_plate("hj-456-mn"))["hits"]
    assert hit["record"]["id"] == stored["id"]
    assert check(client, checker, by_vin())["hit"] is True


def test_vin_and_plate_of_the_same_vehicle_give_one_hit(client: TestClient, world: World) -> None:
    stored = enter(client, world.principal(Role.NCB_OFFICER, "FR"), "vehicles", vehicle())
    question = {"vehicle": {"vin": VIN_US, "plate": "GH123KL", "plate_country": "FRA"}}
    (hit,) = check(client, world.principal(Role.NCB_OFFICER, "DE"), question)["hits"]
    assert hit["record"]["id"] == stored["id"]


def recorded_duval(client: TestClient, world: World) -> tuple[Actor, dict[str, Any], Actor]:
    """FR records ``person()`` and DE's name check finds it: the owner, the record, DE."""
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "persons", person())
    checker = world.principal(Role.NCB_OFFICER, "DE")
    assert check(client, checker, CHECK_DUVAL)["hit"] is True
    return owner, stored, checker


def test_owner_renaming_a_person_moves_it_in_the_name_index(
    client: TestClient, world: World
) -> None:
    owner, stored, checker = recorded_duval(client, world)
    renamed = client.patch(
        f"/v1/persons/{stored['id']}",
        json={"name": "Marc LEBLANC", "aliases": []},
        headers=owner.headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert check(client, checker, CHECK_DUVAL)["hit"] is False
    new = {"person": {"name": "Marc Leblanc", "birth_date": "1974-08-12"}}
    assert check(client, checker, new)["hit"] is True


def test_owner_change_is_validated_like_a_new_record(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "vehicles", vehicle())
    url = f"/v1/vehicles/{stored['id']}"
    refused(
        client.patch(url, json={"vin": VIN_US_MISREAD}, headers=owner.headers),
        422,
        "vin_check_digit",
    )
    assert client.get(url, headers=owner.headers).json()["data"]["vin"] == VIN_US
    assert check(client, world.principal(Role.NCB_OFFICER, "DE"), by_vin())["hit"] is True


def test_withdrawn_record_answers_no_more_checks(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "firearms", firearm())
    checker = world.principal(Role.NCB_OFFICER, "DE")
    assert check(client, checker, {"firearm": {"serial": "BKX482"}})["hit"] is True
    url = f"/v1/firearms/{stored['id']}"
    withdrawn = client.post(f"{url}/withdraw", json={"reason": "recovered"}, headers=owner.headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"] is not None
    assert check(client, checker, {"firearm": {"serial": "BKX482"}})["hit"] is False
    assert check(client, owner, {"firearm": {"serial": "BKX482"}})["hit"] is False
    refused(client.get(url, headers=checker.headers), 404, "record_not_found")
    assert client.get(url, headers=owner.headers).json()["withdrawn_at"] is not None
    refused(
        client.patch(url, json={"calibre": "9mm"}, headers=owner.headers), 409, "record_withdrawn"
    )


def test_owner_restricting_a_person_hides_it_from_the_next_name_check(
    client: TestClient, world: World
) -> None:
    owner, stored, checker = recorded_duval(client, world)
    restriction = {"visibility": {"scope": "only_listed", "countries": ["GB"]}}
    changed = client.patch(f"/v1/persons/{stored['id']}", json=restriction, headers=owner.headers)
    assert changed.status_code == 200, changed.text
    assert check(client, checker, CHECK_DUVAL)["hit"] is False
    assert check(client, world.principal(Role.NCB_OFFICER, "GB"), CHECK_DUVAL)["hit"] is True


def test_owner_switching_to_hit_only_withholds_the_content_from_then_on(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "firearms", firearm())
    url = f"/v1/firearms/{stored['id']}"
    changed = client.patch(url, json={"disclosure": "hit_only"}, headers=owner.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["serial"] == "BKX482"
    checker = world.principal(Role.NCB_OFFICER, "DE")
    answer = client.post(
        "/v1/checks", json={"firearm": {"serial": "BKX482"}}, headers=checker.headers
    )
    (hit,) = answer.json()["hits"]
    assert hit["disclosure"] == "hit_only"
    assert "Glock" not in answer.text
    refused(client.get(url, headers=checker.headers), 404, "record_not_found")


def test_external_reference_is_unique_per_bureau_and_database(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    enter(client, owner, "firearms", firearm(external_ref="FR-ARM/2025/0042"))
    again = client.post(
        "/v1/firearms",
        json=firearm(serial="CDE-771", external_ref="FR-ARM/2025/0042"),
        headers=owner.headers,
    )
    refused(again, 409, "external_ref_taken")
    assert check(client, owner, {"firearm": {"serial": "CDE771"}})["hit"] is False
    enter(client, owner, "vehicles", vehicle(external_ref="FR-ARM/2025/0042"))
    other = world.principal(Role.NCB_OFFICER, "BE")
    enter(client, other, "firearms", firearm(serial="CDE-771", external_ref="FR-ARM/2025/0042"))


# --- restrictions --------------------------------------------------------------------------


def test_only_listed_record_is_seen_by_listed_countries_only(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = vessel(visibility={"scope": "only_listed", "countries": ["DE"]})
    enter(client, owner, "vessels", body)
    assert check(client, world.principal(Role.NCB_OFFICER, "DE"), {"vessel": {"imo": IMO}})["hit"]
    outsider = world.principal(Role.NCB_OFFICER, "US")
    hidden = check(client, outsider, {"vessel": {"imo": IMO}})
    unknown = check(client, outsider, {"vessel": {"imo": "9176187"}})
    assert stable(hidden) == stable(unknown) == {"hit": False, "hits": [], "notes": []}
    assert check(client, owner, {"vessel": {"imo": IMO}})["hit"] is True


def test_all_but_listed_record_is_hidden_from_listed_countries_only(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = person(visibility={"scope": "all_but_listed", "countries": ["RU"]})
    enter(client, owner, "persons", body)
    assert check(client, world.principal(Role.NCB_OFFICER, "DE"), CHECK_DUVAL)["hit"] is True
    hidden = check(client, world.principal(Role.NCB_OFFICER, "RU"), CHECK_DUVAL)
    assert stable(hidden) == {"hit": False, "hits": [], "notes": []}


# --- hit_only ------------------------------------------------------------------------------

HIDDEN_VALUES = (VIN_US, "Honda", "Accord", "silver")


def hit_only_vehicle(client: TestClient, world: World) -> tuple[Actor, dict[str, Any]]:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    return owner, enter(client, owner, "vehicles", vehicle(disclosure="hit_only"))


def test_hit_only_record_tells_another_country_only_that_it_exists(
    client: TestClient, world: World
) -> None:
    hit_only_vehicle(client, world)
    checker = world.principal(Role.NCB_OFFICER, "DE")
    answer = client.post("/v1/checks", json=by_plate("GH123KL"), headers=checker.headers)
    assert answer.status_code == 200
    (hit,) = answer.json()["hits"]
    assert set(hit) == {"reference", "database", "part", "disclosure", "owner_bureau"}
    assert hit["database"] == "vehicles"
    assert hit["part"] == "vehicle"
    assert hit["disclosure"] == "hit_only"
    assert hit["owner_bureau"] == "NCB-FR"
    for value in HIDDEN_VALUES:
        assert value not in answer.text


def test_hit_only_person_found_by_document_reveals_no_name(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    documents = [{"issuing_country": "FR", "number": "12AB34567"}]
    enter(client, owner, "persons", person(identity_documents=documents, disclosure="hit_only"))
    question = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    answer = client.post(
        "/v1/checks", json=question, headers=world.principal(Role.NCB_OFFICER, "DE").headers
    )
    (hit,) = answer.json()["hits"]
    assert set(hit) == {"reference", "database", "part", "disclosure", "owner_bureau"}
    assert hit["database"] == "persons"
    for value in ("DUVAL", "Duval", "1974-08-12", "Lyon"):
        assert value not in answer.text


def test_hit_only_record_is_shown_in_full_to_its_owner(client: TestClient, world: World) -> None:
    owner, stored = hit_only_vehicle(client, world)
    (hit,) = check(client, owner, by_plate("GH123KL"))["hits"]
    assert hit["record"]["data"]["vin"] == VIN_US
    assert client.get(f"/v1/vehicles/{stored['id']}", headers=owner.headers).status_code == 200


def test_hit_only_record_reveals_nothing_in_a_batch(client: TestClient, world: World) -> None:
    hit_only_vehicle(client, world)
    checker = world.principal(Role.NCB_OFFICER, "DE")
    body = {"checks": [by_plate("GH123KL"), by_plate("AA001AA")]}
    answer = client.post("/v1/checks/batch", json=body, headers=checker.headers)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["results"]
    (hit,) = first["result"]["hits"]
    assert set(hit) == {"reference", "database", "part", "disclosure", "owner_bureau"}
    assert second["result"]["hit"] is False
    for value in HIDDEN_VALUES:
        assert value not in answer.text


def test_hit_only_record_cannot_be_read_by_another_bureau(client: TestClient, world: World) -> None:
    _, stored = hit_only_vehicle(client, world)
    checker = world.principal(Role.NCB_OFFICER, "DE")
    hidden = client.get(f"/v1/vehicles/{stored['id']}", headers=checker.headers)
    missing = client.get("/v1/vehicles/999999", headers=checker.headers)
    refused(hidden, 404, "record_not_found")
    assert hidden.json()["error"]["code"] == missing.json()["error"]["code"]


def test_owner_is_told_of_the_query_that_hit_its_hit_only_record(
    client: TestClient, world: World
) -> None:
    owner, stored = hit_only_vehicle(client, world)
    checker = world.principal(Role.NCB_OFFICER, "DE")
    answer = check(client, checker, {**by_plate("GH-123-KL"), "place": "Kehl bridge"})
    reference = answer["hits"][0]["reference"]

    owners_view = client.get("/v1/hits", headers=owner.headers)
    assert owners_view.status_code == 200, owners_view.text
    (told,) = owners_view.json()["items"]
    assert told["reference"] == reference
    assert told["record_id"] == stored["id"]
    assert told["database"] == "vehicles"
    assert told["checker_bureau"] == "NCB-DE"
    assert told["place"] == "Kehl bridge"
    assert told["asked"] == {"vehicle": {"plate": "FR:GH123KL"}}

    (own,) = client.get("/v1/hits", headers=checker.headers).json()["items"]
    assert own["reference"] == reference
    assert own["record_id"] is None
    assert own["match"] is None


# --- expiry --------------------------------------------------------------------------------


def pass_review_date(database: Database, record_id: int) -> None:
    """Let the review date go by, as time would in the store."""
    with database.transaction() as session:
        session.execute(
            text("UPDATE records SET review_date = :day WHERE id = :id"),
            {"day": today() - timedelta(days=1), "id": record_id},
        )


def test_record_past_its_review_date_stops_answering_until_renewed(
    client: TestClient, world: World, database: Database
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    stored = enter(client, owner, "vehicles", vehicle(review_date=tomorrow))
    checker = world.principal(Role.NCB_OFFICER, "DE")
    assert check(client, checker, by_vin())["hit"] is True

    pass_review_date(database, stored["id"])
    assert check(client, checker, by_vin())["hit"] is False
    url = f"/v1/vehicles/{stored['id']}"
    refused(client.get(url, headers=checker.headers), 404, "record_not_found")
    kept = client.get(url, headers=owner.headers)
    assert kept.status_code == 200
    assert kept.json()["expired"] is True

    renewed = client.post(f"{url}/renew", json={}, headers=owner.headers)
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["expired"] is False
    assert renewed.json()["review_date"] == review_date_after(today()).isoformat()
    assert check(client, checker, by_vin())["hit"] is True


def test_expired_person_record_is_not_found_by_name(
    client: TestClient, world: World, database: Database
) -> None:
    _, stored, checker = recorded_duval(client, world)
    pass_review_date(database, stored["id"])
    assert check(client, checker, CHECK_DUVAL)["hit"] is False


def test_renewal_beyond_5_years_is_refused(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "art", artwork())
    too_late = (review_date_after(today()) + timedelta(days=1)).isoformat()
    answer = client.post(
        f"/v1/art/{stored['id']}/renew", json={"review_date": too_late}, headers=owner.headers
    )
    refused(answer, 422, "review_date_invalid")


# --- persons through the name engine -------------------------------------------------------


def test_name_in_cyrillic_is_found_by_its_transliteration(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "RU")
    stored = enter(client, owner, "persons", {"name": "Владимир Путин", "birth_date": "1952-10-07"})
    checker = world.principal(Role.NCB_OFFICER, "FR")
    question = {"person": {"name": "Vladimir Putin", "birth_date": "1952-10-07"}}
    (hit,) = check(client, checker, question)["hits"]
    assert hit["database"] == "persons"
    assert hit["part"] == "person"
    assert hit["match"] == "name"
    assert hit["record"]["id"] == stored["id"]
    assert hit["score"] >= 0.85
    assert hit["explanation"]
    assert all(isinstance(line, str) and line for line in hit["explanation"])


def test_a_shared_nationality_is_counted_and_explained_in_any_code(
    client: TestClient, world: World
) -> None:
    """The record says RUS, the officer types ru: one nationality, which the hit explains."""
    owner = world.principal(Role.NCB_OFFICER, "RU")
    body = {"name": "Владимир Путин", "birth_date": "1952-10-07", "nationalities": ["RUS"]}
    stored = enter(client, owner, "persons", body)
    checker = world.principal(Role.NCB_OFFICER, "FR")
    (hit,) = check(client, checker, {"person": {"name": "V. Putin", "nationality": "ru"}})["hits"]
    assert hit["record"]["id"] == stored["id"]
    assert "nationality equal" in hit["explanation"]
    (other,) = check(client, checker, {"person": {"name": "V. Putin", "nationality": "FIN"}})[
        "hits"
    ]
    assert other["score"] < hit["score"]
    assert any(line.startswith("nationality differs") for line in other["explanation"])


def test_a_different_surname_is_no_hit(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "RU")
    enter(client, owner, "persons", {"name": "Владимир Путин", "birth_date": "1952-10-07"})
    checker = world.principal(Role.NCB_OFFICER, "FR")
    question = {"person": {"name": "Vladimir Popov", "birth_date": "1952-10-07"}}
    assert check(client, checker, question)["hit"] is False


def test_mrz_holder_recorded_as_a_person_hits_persons(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = person(name="Claire MARTIN", aliases=[], birth_date="1986-03-14", sex="female")
    stored = enter(client, owner, "persons", body)
    lines = zone("18CX90321")
    answer = check(client, world.principal(Role.NCB_OFFICER, "DE"), {"mrz": lines})
    (hit,) = answer["hits"]
    assert hit["database"] == "persons"
    assert hit["part"] == "mrz_holder"
    assert hit["record"]["id"] == stored["id"]


def test_identity_document_of_a_person_is_found_by_a_document_check(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    documents = [{"issuing_country": "FRA", "number": "12 AB 34567"}]
    stored = enter(client, owner, "persons", person(identity_documents=documents))
    assert stored["data"]["identity_documents"][0]["number"] == "12AB34567"
    assert stored["data"]["identity_documents"][0]["issuing_country"] == "FR"
    question = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    (hit,) = check(client, world.principal(Role.NCB_OFFICER, "DE"), question)["hits"]
    assert hit["database"] == "persons"
    assert hit["part"] == "document"
    assert hit["record"]["id"] == stored["id"]


@pytest.mark.parametrize("role", [Role.BORDER_OFFICER, Role.CARRIER])
def test_document_check_without_the_right_to_check_persons_does_not_hit_persons(
    client: TestClient, world: World, role: Role
) -> None:
    documents = [{"issuing_country": "FR", "number": "12AB34567"}]
    enter(
        client,
        world.principal(Role.NCB_OFFICER, "FR"),
        "persons",
        person(identity_documents=documents),
    )
    checker = world.principal(role, "US")
    refused(
        client.post("/v1/checks", json={"person": {"name": "Duval"}}, headers=checker.headers),
        403,
        "right_missing" if role is Role.BORDER_OFFICER else "carrier_check_refused",
    )
    question = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    assert check(client, checker, question)["hit"] is False


# --- batches -------------------------------------------------------------------------------


def test_batch_answers_each_check_in_order_and_its_errors_alone(
    client: TestClient, world: World
) -> None:
    enter(client, world.principal(Role.NCB_OFFICER, "FR"), "vessels", vessel())
    checker = world.principal(Role.NCB_OFFICER, "ES")
    body = {
        "checks": [{"vessel": {"imo": IMO}}, by_vin(), {"vessel": {"imo": "9074728"}}],
        "place": "Port of Algeciras",
    }
    answer = client.post("/v1/checks/batch", json=body, headers=checker.headers)
    assert answer.status_code == 200, answer.text
    batch = answer.json()
    assert batch["checked"] == 3
    assert batch["hits"] == 1
    hit, no_hit, failed = batch["results"]
    assert [hit["index"], no_hit["index"], failed["index"]] == [0, 1, 2]
    assert hit["error"] is None
    assert hit["result"]["hits"][0]["database"] == "vessels"
    assert no_hit["error"] is None
    assert no_hit["result"]["hit"] is False
    assert failed["result"] is None
    assert failed["error"]["code"] == "imo_check_digit"
    assert failed["error"]["field"] == "checks.2.vessel.imo"
    assert failed["error"]["message"].startswith("Check 2:")


def test_batch_of_more_than_1000_checks_is_refused(client: TestClient, world: World) -> None:
    checker = world.principal(Role.NCB_OFFICER, "ES")
    body = {"checks": [by_vin()] * 1001}
    refused(
        client.post("/v1/checks/batch", json=body, headers=checker.headers), 422, "invalid_request"
    )


def test_carrier_batch_naming_a_person_is_refused(client: TestClient, world: World) -> None:
    carrier = world.principal(Role.CARRIER, "DE")
    body = {
        "checks": [
            {"document": {"issuing_country": "FR", "number": "12AB34567"}},
            {"person": {"name": "Claire Martin"}},
        ]
    }
    answer = client.post("/v1/checks/batch", json=body, headers=carrier.headers)
    refused(answer, 403, "carrier_check_refused")


# --- firearms ------------------------------------------------------------------------------


def test_worn_serial_is_found_through_letter_digit_confusion_with_a_note(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, owner, "firearms", firearm(serial="AB-1O23"))
    assert stored["data"]["serial"] == "AB1O23"
    checker = world.principal(Role.NCB_OFFICER, "BE")
    (hit,) = check(client, checker, {"firearm": {"serial": "AB1023"}})["hits"]
    assert hit["record"]["id"] == stored["id"]
    assert hit["match"] == "serial_confusion"
    assert "AB1O23" in hit["note"]
    (exact,) = check(client, checker, {"firearm": {"serial": "ab 1o23"}})["hits"]
    assert exact["match"] == "exact"
    assert exact.get("note") is None
