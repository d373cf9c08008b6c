"""Travel documents: recorded by the NCB of the issuing country, changed by the owner only."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from policenet.domain.principals import Role
from policenet.matching.mrz import format_td3
from policenet.store import audit
from policenet.store.db import Database
from tests.conftest import World


def report(number: str = "12AB34567", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issuing_country": "FR",
        "document_type": "passport",
        "number": number,
        "status": "stolen",
        "event_date": "2026-01-15",
        "holder_name": "MARTIN, Claire",
        "holder_birth_date": "1986-03-14",
    }
    return body | changes


def zone(number: str, country: str = "FRA") -> list[str]:
    """The machine-readable zone of Claire MARTIN's passport, issued by ``country``."""
    return format_td3(
        issuing_state=country,
        surname="MARTIN",
        given_names="CLAIRE",
        number=number,
        nationality=country,
        birth_date=date(1986, 3, 14),
        sex="F",
        expiry_date=date(2031, 1, 1),
    )


def audit_count(database: Database) -> int:
    with database.transaction() as session:
        return audit.count(session)


def test_ncb_records_a_document_of_its_country(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post("/v1/documents", json=report("12 ab-34567"), headers=officer.headers)
    assert answer.status_code == 201
    record = answer.json()
    assert record["number"] == "12AB34567"
    assert record["owner_bureau_id"] == "NCB-FR"
    assert client.get(f"/v1/documents/{record['id']}", headers=officer.headers).status_code == 200


def test_a_bureau_cannot_record_another_countrys_document(
    client: TestClient, world: World, database: Database
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    before = audit_count(database)
    answer = client.post("/v1/documents", json=report(), headers=officer.headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "not_own_country"
    assert audit_count(database) == before


def test_border_officer_cannot_record(client: TestClient, world: World) -> None:
    border = world.principal(Role.BORDER_OFFICER, "FR")
    answer = client.post("/v1/documents", json=report(), headers=border.headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "right_missing"


def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, world: World, database: Database
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    before = audit_count(database)
    cases = {
        "document_number_invalid": report("AB#12"),
        "date_in_future": report(event_date="2999-01-01"),
        "country_unknown": report(visibility={"scope": "only_listed", "countries": ["ZZ"]}),
        "visibility_invalid": report(visibility={"scope": "all", "countries": ["DE"]}),
        "invalid_request": report(status="misplaced"),
    }
    for code, body in cases.items():
        answer = client.post("/v1/documents", json=body, headers=officer.headers)
        assert answer.status_code == 422, code
        error = answer.json()["error"]
        assert error["code"] == code
        assert error["message"].endswith((".", "/docs."))
    assert audit_count(database) == before
    assert (
        client.post(
            "/v1/checks",
            json={"document": {"issuing_country": "FR", "number": "AB12"}},
            headers=officer.headers,
        ).json()["hit"]
        is False
    )


def test_the_same_document_cannot_be_recorded_twice(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    first = client.post("/v1/documents", json=report(), headers=officer.headers).json()
    again = client.post("/v1/documents", json=report("12ab 34567"), headers=officer.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "document_already_recorded"
    assert str(first["id"]) in again.json()["error"]["message"]


def test_only_the_owner_updates_or_withdraws(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    colleague = world.principal(Role.AGENCY_OFFICER, "FR")
    foreign = world.principal(Role.NCB_OFFICER, "DE")
    record = client.post("/v1/documents", json=report(), headers=owner.headers).json()
    url = f"/v1/documents/{record['id']}"

    refused = client.patch(url, json={"status": "lost"}, headers=foreign.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_owner"
    refused = client.post(f"{url}/withdraw", json={"reason": "not mine"}, headers=foreign.headers)
    assert refused.status_code == 403
    assert client.get(url, headers=foreign.headers).json()["status"] == "stolen"

    agency = client.patch(url, json={"status": "lost"}, headers=colleague.headers)
    assert agency.status_code == 403
    assert agency.json()["error"]["code"] == "not_owner"
    admin = world.ncb_admin("FR")
    changed = client.patch(url, json={"status": "lost"}, headers=admin.headers)
    assert changed.status_code == 200
    assert changed.json()["status"] == "lost"
    fixed = client.patch(url, json={"number": "X"}, headers=owner.headers)
    assert fixed.status_code == 422

    withdrawn = client.post(
        f"{url}/withdraw", json={"reason": "found by holder"}, headers=owner.headers
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    check = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    assert client.post("/v1/checks", json=check, headers=foreign.headers).json()["hit"] is False
    assert client.patch(url, json={"status": "lost"}, headers=owner.headers).status_code == 409
    recorded_again = client.post("/v1/documents", json=report(), headers=owner.headers)
    assert recorded_again.status_code == 201


def test_restricted_record_is_invisible_when_read_by_id(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    excluded = world.principal(Role.NCB_OFFICER, "DE")
    body = report(visibility={"scope": "all_but_listed", "countries": ["DE"]})
    record = client.post("/v1/documents", json=body, headers=owner.headers).json()
    hidden = client.get(f"/v1/documents/{record['id']}", headers=excluded.headers)
    missing = client.get("/v1/documents/999999", headers=excluded.headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["code"] == missing.json()["error"]["code"]
    update = client.patch(
        f"/v1/documents/{record['id']}", json={"status": "lost"}, headers=excluded.headers
    )
    assert update.status_code == 404


def test_emptying_a_required_field_is_refused_and_changes_nothing(
    client: TestClient, world: World, database: Database
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    record = client.post("/v1/documents", json=report(), headers=owner.headers).json()
    before = audit_count(database)
    for field in ("status", "event_date", "visibility"):
        answer = client.patch(
            f"/v1/documents/{record['id']}", json={field: None}, headers=owner.headers
        )
        assert answer.status_code == 422, field
        assert answer.json()["error"]["field"] == field
    assert audit_count(database) == before
    cleared = client.patch(
        f"/v1/documents/{record['id']}", json={"holder_name": None}, headers=owner.headers
    )
    assert cleared.status_code == 200
    assert cleared.json()["holder_name"] is None
    assert cleared.json()["status"] == "stolen"


def test_ids_beyond_the_database_range_are_a_clear_422(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    for url in (
        "/v1/documents/99999999999999999999",
        "/v1/documents/9999999999",
        "/v1/audit/queries-on-my-records?record_id=9999999999",
    ):
        answer = client.get(url, headers=officer.headers)
        assert answer.status_code == 422, url
        assert answer.json()["error"]["code"] == "invalid_request"


def test_withdrawn_record_does_not_exist_for_other_countries(
    client: TestClient, world: World
) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    foreign = world.principal(Role.NCB_OFFICER, "DE")
    record = client.post("/v1/documents", json=report(), headers=owner.headers).json()
    url = f"/v1/documents/{record['id']}"
    client.post(f"{url}/withdraw", json={"reason": "found"}, headers=owner.headers)
    for answer in (
        client.get(url, headers=foreign.headers),
        client.patch(url, json={"status": "lost"}, headers=foreign.headers),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "document_not_found"
    assert client.get(url, headers=owner.headers).json()["withdrawn_at"] is not None


def test_only_the_owner_sees_the_restriction_list(client: TestClient, world: World) -> None:
    owner = world.principal(Role.NCB_OFFICER, "FR")
    body = report(visibility={"scope": "all_but_listed", "countries": ["CN", "RU"]})
    record = client.post("/v1/documents", json=body, headers=owner.headers).json()
    assert record["visibility"] == {"scope": "all_but_listed", "countries": ["CN", "RU"]}
    reader = world.principal(Role.NCB_OFFICER, "DE")
    assert (
        client.get(f"/v1/documents/{record['id']}", headers=reader.headers).json()["visibility"]
        is None
    )
    check = {"document": {"issuing_country": "FR", "number": "12AB34567"}}
    hit = client.post("/v1/checks", json=check, headers=reader.headers).json()["hits"][0]
    assert hit["record"]["visibility"] is None
