"""Principals and tokens: hashes only, revocation, expiry, and NCBs authorising agencies."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from policenet.actions.principals import hash_token
from policenet.domain.clock import utcnow
from policenet.domain.principals import AgencyKind, Right, Role
from policenet.store.db import Database
from policenet.store.tables import TokenRow
from tests.conftest import World


def test_token_is_shown_once_and_stored_only_as_hash(
    client: TestClient, world: World, database: Database
) -> None:
    admin = world.ncb_admin("FR")
    created = client.post(
        "/v1/principals", json={"name": "Officer A", "role": "ncb_officer"}, headers=admin.headers
    )
    assert created.status_code == 201
    secret = created.json()["token"]["token"]
    assert (
        client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["country"]
        == "FR"
    )
    with database.transaction() as session:
        stored = session.execute(select(TokenRow.token_hash, TokenRow.prefix)).all()
    assert all(secret != h and secret not in h for h, _ in stored)
    assert (hash_token(secret), secret[:10]) in [tuple(r) for r in stored]
    listed = client.get(
        f"/v1/principals/{created.json()['principal']['id']}/tokens", headers=admin.headers
    ).json()
    assert "token" not in listed[0]


def test_revoked_token_is_refused(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    tokens = client.get(f"/v1/principals/{officer.principal.id}/tokens", headers=officer.headers)
    token_id = tokens.json()[0]["id"]
    admin = world.ncb_admin("FR")
    assert client.post(f"/v1/tokens/{token_id}/revoke", headers=admin.headers).status_code == 200
    refused = client.get("/v1/me", headers=officer.headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_revoked"
    assert refused.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_refused(client: TestClient, world: World, database: Database) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    with database.transaction() as session:
        session.execute(
            update(TokenRow)
            .where(TokenRow.token_hash == hash_token(officer.token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    refused = client.get("/v1/me", headers=officer.headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_expired"


def test_unknown_or_missing_token(client: TestClient, world: World) -> None:
    assert client.get("/v1/me").json()["error"]["code"] == "token_missing"
    bad = client.get("/v1/me", headers={"Authorization": "Bearer pn_nothing"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "token_invalid"


def test_admin_issues_new_tokens_within_the_hub_lifetime(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    admin = world.ncb_admin("DE")
    url = f"/v1/principals/{officer.principal.id}/tokens"
    issued = client.post(url, json={"expires_in_days": 1}, headers=admin.headers)
    assert issued.status_code == 201
    new = issued.json()["token"]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert client.get("/v1/me", headers=officer.headers).status_code == 200
    too_long = client.post(url, json={"expires_in_days": 3650}, headers=admin.headers)
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "token_lifetime_too_long"


def test_a_principal_cannot_mint_its_own_tokens(client: TestClient, world: World) -> None:
    carrier = world.principal(Role.CARRIER, "DE")
    answer = client.post(
        f"/v1/principals/{carrier.principal.id}/tokens", json={}, headers=carrier.headers
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "right_missing"


def test_gs_cannot_act_as_a_national_principal(client: TestClient, world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    gs = world.gs_admin
    minted = client.post(
        f"/v1/principals/{officer.principal.id}/tokens", json={}, headers=gs.headers
    )
    assert minted.status_code == 404
    assert minted.json()["error"]["code"] == "principal_not_found"
    created = client.post(
        "/v1/principals",
        json={"name": "Fake officer", "role": "ncb_officer", "country": "FR"},
        headers=gs.headers,
    )
    assert created.status_code == 403
    tokens = client.get(f"/v1/principals/{officer.principal.id}/tokens", headers=gs.headers)
    revoked = client.post(f"/v1/tokens/{tokens.json()[0]['id']}/revoke", headers=gs.headers)
    assert revoked.status_code == 200
    assert client.get("/v1/me", headers=officer.headers).status_code == 401


def test_ncb_admin_creates_agencies_in_its_own_country_only(
    client: TestClient, world: World
) -> None:
    admin = world.ncb_admin("FR")
    body = {"name": "Police aux frontières", "kind": "border", "rights": ["documents:check"]}
    created = client.post("/v1/agencies", json=body, headers=admin.headers)
    assert created.status_code == 201
    assert created.json()["country"] == "FR"
    abroad = client.post("/v1/agencies", json={**body, "country": "DE"}, headers=admin.headers)
    assert abroad.status_code == 403
    assert abroad.json()["error"]["code"] == "outside_own_country"
    gs = client.post("/v1/agencies", json={**body, "country": "FR"}, headers=world.gs_admin.headers)
    assert gs.status_code == 403


def test_agency_gets_no_right_beyond_its_ncb(client: TestClient, world: World) -> None:
    admin = world.ncb_admin("FR")
    body = {
        "name": "Gendarmerie",
        "kind": "police",
        "rights": ["documents:check", "members:manage"],
    }
    refused = client.post("/v1/agencies", json=body, headers=admin.headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "right_not_grantable"
    assert client.get("/v1/agencies", headers=admin.headers).json()["items"] == []


def test_agency_principal_holds_only_what_its_agency_was_granted(
    client: TestClient, world: World
) -> None:
    border = world.principal(Role.BORDER_OFFICER, "FR")
    assert client.get("/v1/me", headers=border.headers).json()["rights"] == ["documents:check"]
    admin = world.ncb_admin("FR")
    check_only = client.post(
        "/v1/agencies",
        json={"name": "Douane", "kind": "customs", "rights": ["documents:check"]},
        headers=admin.headers,
    ).json()
    officer = client.post(
        "/v1/principals",
        json={"name": "Customs officer", "role": "agency_officer", "agency_id": check_only["id"]},
        headers=admin.headers,
    ).json()
    assert officer["principal"]["rights"] == ["documents:check"]


def test_ncb_admin_cannot_create_principals_abroad_or_in_the_gs(
    client: TestClient, world: World
) -> None:
    admin = world.ncb_admin("FR")
    abroad = client.post(
        "/v1/principals",
        json={"name": "X Y", "role": "ncb_officer", "country": "DE"},
        headers=admin.headers,
    )
    assert abroad.status_code == 403
    gs = client.post(
        "/v1/principals", json={"name": "X Y", "role": "gs_admin"}, headers=admin.headers
    )
    assert gs.status_code == 403
    other_agency = world.agency("DE", AgencyKind.BORDER, [Right.CHECK_DOCUMENTS])
    foreign = client.post(
        "/v1/principals",
        json={"name": "X Y", "role": "border_officer", "agency_id": other_agency},
        headers=admin.headers,
    )
    assert foreign.status_code == 403
    officer = world.principal(Role.NCB_OFFICER, "FR")
    assert (
        client.post(
            "/v1/principals", json={"name": "X Y", "role": "ncb_officer"}, headers=officer.headers
        ).status_code
        == 403
    )


def test_administrators_do_not_mint_tokens_for_themselves_or_their_peers(
    client: TestClient, world: World
) -> None:
    """A stolen administrator token must not outlive its revocation: no administrator issues
    itself a token, an NCB administrator's tokens and peers come from the General Secretariat."""
    fr_admin = world.ncb_admin("FR")
    gs = world.gs_admin
    for admin in (fr_admin, gs):
        own = client.post(
            f"/v1/principals/{admin.principal.id}/tokens", json={}, headers=admin.headers
        )
        assert own.status_code == 403, own.text
        assert own.json()["error"]["code"] == "token_for_yourself"
    created = client.post(
        "/v1/principals",
        json={"name": "Second FR admin", "role": "ncb_admin", "country": "FR"},
        headers=fr_admin.headers,
    )
    assert created.status_code == 403, created.text
    peer = client.post(
        "/v1/principals",
        json={"name": "Second FR admin", "role": "ncb_admin", "country": "FR"},
        headers=gs.headers,
    )
    assert peer.status_code == 201, peer.text
    peer_id = peer.json()["principal"]["id"]
    minted = client.post(f"/v1/principals/{peer_id}/tokens", json={}, headers=fr_admin.headers)
    assert minted.status_code == 404
    assert client.post(f"/v1/principals/{peer_id}/tokens", json={}, headers=gs.headers).is_success
    # A stolen administrator token, revoked, leaves nothing behind that still works.
    tokens = client.get(f"/v1/principals/{fr_admin.principal.id}/tokens", headers=gs.headers)
    (token,) = tokens.json()
    assert client.post(f"/v1/tokens/{token['id']}/revoke", headers=gs.headers).is_success
    assert client.get("/v1/me", headers=fr_admin.headers).status_code == 401


def test_a_disabled_principal_is_refused_whatever_its_tokens_until_enabled(
    client: TestClient, world: World
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    admin = world.ncb_admin("DE")
    second = client.post(
        f"/v1/principals/{officer.principal.id}/tokens", json={}, headers=admin.headers
    ).json()["token"]
    url = f"/v1/principals/{officer.principal.id}"
    bad = client.post(f"{url}/disable", json={}, headers=admin.headers)
    assert bad.status_code == 422
    assert client.get("/v1/me", headers=officer.headers).status_code == 200
    # Another country's administrator does not even learn the principal exists.
    fr_admin = world.ncb_admin("FR")
    foreign = client.post(f"{url}/disable", json={"reason": "not mine"}, headers=fr_admin.headers)
    assert foreign.status_code == 404
    disabled = client.post(
        f"{url}/disable", json={"reason": "Laptop stolen"}, headers=admin.headers
    )
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled_at"] is not None
    for token in (officer.token, second):
        refused = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "principal_disabled"
    itself = client.post(
        f"/v1/principals/{admin.principal.id}/disable",
        json={"reason": "by mistake"},
        headers=admin.headers,
    )
    assert itself.json()["error"]["code"] == "principal_yourself"
    enabled = client.post(f"{url}/enable", headers=admin.headers)
    assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
    assert client.get("/v1/me", headers=officer.headers).status_code == 200
    # A GS administrator disables any principal, an NCB administrator included (an incident).
    gs = world.gs_admin
    assert client.post(
        f"/v1/principals/{admin.principal.id}/disable",
        json={"reason": "Token leaked"},
        headers=gs.headers,
    ).is_success
    assert client.get("/v1/principals", headers=admin.headers).status_code == 403


def test_a_stolen_administrator_token_leaves_nothing_behind_once_its_principal_is_undone(
    client: TestClient, world: World
) -> None:
    """A GS administrator's token is stolen: the thief issues a token for another GS
    administrator and creates an administrator of its own. Disabling the principal with
    undo_since (when the token may have been stolen) revokes what it issued and disables what
    it created since then, and what that did in turn; what came before is left as it was."""
    first = world.gs_admin
    made = client.post(
        "/v1/principals", json={"name": "GS admin two", "role": "gs_admin"}, headers=first.headers
    ).json()
    stolen = {"Authorization": f"Bearer {made['token']['token']}"}
    peer = client.post(
        "/v1/principals", json={"name": "GS admin three", "role": "gs_admin"}, headers=first.headers
    ).json()
    peer_headers = {"Authorization": f"Bearer {peer['token']['token']}"}
    before = utcnow()
    # The thief, with the stolen token: a token for the peer, and an administrator of its own
    # which creates an officer in turn.
    minted = client.post(
        f"/v1/principals/{peer['principal']['id']}/tokens", json={}, headers=stolen
    )
    assert minted.status_code == 201, minted.text
    minted_headers = {"Authorization": f"Bearer {minted.json()['token']}"}
    backdoor = client.post(
        "/v1/principals",
        json={"name": "Backdoor admin", "role": "ncb_admin", "country": "FR"},
        headers=stolen,
    ).json()
    backdoor_headers = {"Authorization": f"Bearer {backdoor['token']['token']}"}
    officer = client.post(
        "/v1/principals",
        json={"name": "Backdoor officer", "role": "ncb_officer"},
        headers=backdoor_headers,
    ).json()
    officer_headers = {"Authorization": f"Bearer {officer['token']['token']}"}
    undone = client.post(
        f"/v1/principals/{made['principal']['id']}/disable",
        json={"reason": "Token stolen from a laptop.", "undo_since": before.isoformat()},
        headers=first.headers,
    )
    assert undone.status_code == 200, undone.text
    for gone in (stolen, minted_headers, backdoor_headers, officer_headers):
        assert client.get("/v1/me", headers=gone).status_code in {401, 403}
    # The peer's own token, issued before, still works.
    assert client.get("/v1/me", headers=peer_headers).status_code == 200
    entries = client.get(
        "/v1/audit", params={"action": "principal.disable"}, headers=first.headers
    ).json()["items"]
    (entry,) = [e for e in entries if e["subject"] == f"principal:{made['principal']['id']}"]
    assert entry["detail"]["undone"]["principals_disabled"] == [
        backdoor["principal"]["id"],
        officer["principal"]["id"],
    ]
    assert entry["detail"]["undone"]["tokens_revoked"] == [minted.json()["id"]]
