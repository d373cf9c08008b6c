"""The member registry: 196 members, one NCB each, the GS offices, suspension and readmission."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.domain.members import member_countries
from policenet.domain.principals import Role
from policenet.store.db import Database
from tests.conftest import World

DECISION = {"decided_on": "2026-11-20", "reference": "GA-2026-RES-07"}


def test_196_members_each_with_one_ncb(client: TestClient, world: World) -> None:
    members = client.get("/v1/members", headers=world.gs_admin.headers).json()
    assert len(members) == 196 == len(member_countries())
    codes = {m["code"] for m in members}
    assert {"FR", "US", "PS", "VA", "CW", "SX", "AW", "FM", "PW"} <= codes
    assert not {"KP", "TV", "TW", "HK"} & codes
    bureaus = client.get("/v1/bureaus", headers=world.gs_admin.headers).json()
    ncbs = [b for b in bureaus if b["kind"] == "ncb"]
    assert sorted(b["country"] for b in ncbs) == sorted(codes)
    kinds = {b["kind"] for b in bureaus}
    assert {"gs_headquarters", "gs_innovation_complex", "gs_regional_office"} <= kinds
    hq = next(b for b in bureaus if b["kind"] == "gs_headquarters")
    assert hq["city"] == "Lyon"


def test_suspended_member_is_refused_until_readmitted(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    border = world.principal(Role.BORDER_OFFICER, "FR")
    other = world.principal(Role.NCB_OFFICER, "DE")
    assert client.get("/v1/me", headers=officer.headers).status_code == 200

    answer = client.post("/v1/members/fr/suspension", json=DECISION, headers=world.gs_admin.headers)
    assert answer.status_code == 200
    assert answer.json()["status"] == "suspended"
    assert answer.json()["decision_reference"] == "GA-2026-RES-07"

    for actor in (officer, border):
        refused = client.get("/v1/me", headers=actor.headers)
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["code"] == "member_suspended"
        assert "GA-2026-RES-07" in error["message"]
    assert client.get("/v1/me", headers=other.headers).status_code == 200
    assert client.get("/v1/me", headers=world.gs_admin.headers).status_code == 200

    again = client.post("/v1/members/FR/suspension", json=DECISION, headers=world.gs_admin.headers)
    assert again.status_code == 409

    readmission = {"decided_on": "2026-11-23", "reference": "GA-2026-RES-09"}
    back = client.post(
        "/v1/members/FR/readmission", json=readmission, headers=world.gs_admin.headers
    )
    assert back.json()["status"] == "active"
    assert client.get("/v1/me", headers=officer.headers).status_code == 200


def test_only_gs_admin_records_membership_decisions(client: TestClient, world: World) -> None:
    admin = world.principal(Role.NCB_ADMIN, "DE")
    answer = client.post("/v1/members/FR/suspension", json=DECISION, headers=admin.headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "right_missing"
    member = client.get("/v1/members/FR", headers=admin.headers).json()
    assert member["status"] == "active"


def test_decision_needs_date_and_reference(client: TestClient, world: World) -> None:
    answer = client.post(
        "/v1/members/FR/suspension", json={"reference": "x"}, headers=world.gs_admin.headers
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"
    assert "decided_on" in answer.json()["error"]["message"]
    unknown = client.post(
        "/v1/members/KP/suspension", json=DECISION, headers=world.gs_admin.headers
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "member_not_found"


def test_reads_are_answered_while_a_write_is_in_progress(
    client: TestClient, world: World, database: Database
) -> None:
    """Officers keep reading while another transaction holds the (SQLite) write lock."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    with database.transaction() as session:
        session.execute(text("UPDATE members SET name = name WHERE code = 'FR'"))
        answer = client.get("/v1/members/FR", headers=officer.headers)
    assert answer.status_code == 200
    assert answer.json()["name"] == "France"
