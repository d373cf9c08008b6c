"""The check: a hit for a recorded document, nothing for an unknown or hidden one."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from policenet.domain.audit import AuditFilter
from policenet.domain.listing import Window
from policenet.domain.principals import Role
from policenet.store import audit
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_documents import report, zone
from tests.test_records import answered, check, stable


def record(client: TestClient, owner: Actor, number: str, **changes: Any) -> dict[str, Any]:
    answer = client.post("/v1/documents", json=report(number, **changes), headers=owner.headers)
    return answered(answer, 201)


def test_mrz_of_a_stolen_passport_hits(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    stored = record(client, owner, "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    answer = check(client, border, {"mrz": zone("12AB34567"), "place": "JFK T4"})
    assert answer["hit"] is True
    (hit,) = answer["hits"]
    assert hit["owner_bureau"] == "NCB-FR"
    assert hit["match"] == "exact"
    assert hit["record"]["id"] == stored["id"]
    assert hit["record"]["status"] == "stolen"
    assert hit["reported_at"] is not None


def test_unknown_document_gives_no_hit(client: TestClient, world: World) -> None:
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    assert check(client, border, {"mrz": "\n".join(zone("99ZZ00001"))})["hit"] is False
    by_number = {"document": {"issuing_country": "FRA", "number": "12AB34568"}}
    assert check(client, border, by_number)["hit"] is False


def test_corrupted_check_digit_is_422_naming_the_field(client: TestClient, world: World) -> None:
    border = world.principal(Role.BORDER_OFFICER, "US")
    lines = zone("12AB34567")
    digit = str((int(lines[1][9]) + 1) % 10)
    broken = [lines[0], lines[1][:9] + digit + lines[1][10:]]
    answer = client.post("/v1/checks", json={"mrz": broken}, headers=border.headers)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "mrz_check_digit"
    assert error["field"] == "document_number"
    assert "document number" in error["message"]


@pytest.mark.parametrize(
    ("visibility", "excluded"),
    [
        ({"scope": "only_listed", "countries": ["GB"]}, "DE"),
        ({"scope": "all_but_listed", "countries": ["DE"]}, "DE"),
    ],
)
def test_restricted_record_answers_excluded_country_as_unknown(
    client: TestClient, world: World, visibility: dict[str, Any], excluded: str
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    record(client, owner, "12AB34567", visibility=visibility)
    outsider = world.principal(Role.BORDER_OFFICER, excluded)
    hidden = client.post("/v1/checks", json={"mrz": zone("12AB34567")}, headers=outsider.headers)
    unknown = client.post("/v1/checks", json={"mrz": zone("55XY12345")}, headers=outsider.headers)
    assert hidden.status_code == unknown.status_code == 200
    assert (
        stable(hidden.json()) == stable(unknown.json()) == {"hit": False, "hits": [], "notes": []}
    )
    assert hidden.headers.keys() == unknown.headers.keys()
    assert check(client, owner, {"mrz": zone("12AB34567")})["hit"] is True


def test_only_listed_record_is_seen_by_listed_countries_only(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    record(client, owner, "12AB34567", visibility={"scope": "only_listed", "countries": ["GB"]})
    body = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    assert check(client, world.principal(Role.NCB_OFFICER, "GB"), body)["hit"] is True
    assert check(client, world.principal(Role.NCB_OFFICER, "US"), body)["hit"] is False
    assert check(client, world.gs_admin, body)["hit"] is False


def test_carrier_learns_hit_or_no_hit_only(client: TestClient, world: World) -> None:
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    carrier = world.principal(Role.CARRIER, "DE")
    answer = check(client, carrier, {"document": {"issuing_country": "FR", "number": "12AB34567"}})
    assert answer["hit"] is True
    (hit,) = answer["hits"]
    assert set(hit) == {"reference", "database", "part", "disclosure"}
    assert hit["database"] == "travel_documents"
    refused = client.post("/v1/checks", json={"mrz": zone("12AB34567")}, headers=carrier.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "carrier_check_refused"


def test_letter_o_read_as_zero_hits_and_says_so(client: TestClient, world: World) -> None:
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "AB0123456")
    border = world.principal(Role.BORDER_OFFICER, "FR")
    answer = check(client, border, {"document": {"issuing_country": "FR", "number": "ABO123456"}})
    (hit,) = answer["hits"]
    assert hit["match"] == "letter_o_as_zero"
    assert "AB0123456" in hit["note"]
    exact = check(client, border, {"document": {"issuing_country": "FR", "number": "AB0123456"}})
    assert exact["hits"][0]["match"] == "exact"


def test_every_check_is_audited_with_question_and_answer(
    client: TestClient, world: World, database: Database
) -> None:
    record(client, world.principal(Role.NCB_OFFICER, "FR"), "12AB34567")
    border = world.principal(Role.BORDER_OFFICER, "US")
    answer = check(client, border, {"mrz": zone("12AB34567"), "place": "JFK T4"})
    check(client, border, {"document": {"issuing_country": "FR", "number": "00000000"}})
    with database.transaction() as session:
        entries = [
            e
            for e in audit.recent(
                session,
                window=Window(limit=2),
                chosen=AuditFilter(principal_id=border.principal.id),
            ).items
        ]
    no_hit, hit = (e.detail_data for e in entries)
    assert hit["reference"] == answer["reference"]
    assert hit["asked"]["mrz"]["number"] == "12AB34567"
    assert hit["asked"]["mrz"]["holder"] == "MARTIN, CLAIRE"
    assert hit["place"] == "JFK T4"
    assert hit["answered"]["hit"] is True
    assert hit["answered"]["hits"] == [
        {"database": "travel_documents", "record": answer["hits"][0]["record"]["id"]}
    ]
    assert no_hit["answered"] == {"hit": False, "hits": []}


def test_check_requires_one_subject(client: TestClient, world: World) -> None:
    border = world.principal(Role.BORDER_OFFICER, "US")
    both = {"mrz": zone("12AB34567"), "document": {"issuing_country": "FR", "number": "1"}}
    for body in ({}, both):
        answer = client.post("/v1/checks", json=body, headers=border.headers)
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "invalid_request"


def test_unknown_issuing_state_in_mrz_is_no_hit_with_a_note(
    client: TestClient, world: World
) -> None:
    lines = zone("L898902C3", country="UTO")
    answer = check(client, world.principal(Role.BORDER_OFFICER, "US"), {"mrz": lines})
    assert answer["hit"] is False
    assert "UTO" in answer["notes"][0]
