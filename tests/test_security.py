"""The hub against a hostile caller: bodies too large or holding NUL, failed authentications
repeated, checks faster than the hub answers one caller, the headers every answer carries, and
what the hub's log keeps of an error."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from policenet.actions.checks import check_batch_with_token
from policenet.actions.hub import initialise
from policenet.api.app import create_app
from policenet.api.errors import server_log_config
from policenet.domain.checks import BatchCheckRequest, CheckResult
from policenet.domain.principals import Credentials, Role
from policenet.screening.service import Screening
from policenet.settings import Settings
from policenet.store.audit import append_by
from policenet.store.db import Database
from tests.conftest import Actor, World, stop_served_hub
from tests.test_cli import CLI, free_port
from tests.test_records import person


def hub(database: Database, tmp_path: Path, **settings: Any) -> TestClient:
    return TestClient(
        create_app(
            Settings(
                data_dir=tmp_path, database_url=database.url, escalation_interval=600, **settings
            ),
            database,
        )
    )


@pytest.fixture
def small(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    """A hub that reads bodies up to 1 MiB, shuts an address out after 3 failed
    authentications, and answers a principal 1 check a second, 2 at once."""
    with hub(
        database, tmp_path, max_body_mb=1, auth_failures=3, check_rate=1, check_burst=2
    ) as client:
        yield client


def refused(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["error"]["code"] == code
    return body


def count(database: Database, table: str) -> int:
    with database.reading() as session:
        found: int = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    return found


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    small: TestClient, world: World
) -> None:
    big = b'{"person": {"name": "' + b"A" * (2 * 1024 * 1024) + b'"}}'
    # Unauthenticated: refused for its size, not read for its token.
    answer = small.post("/v1/checks", content=big, headers={"Content-Type": "application/json"})
    body = refused(answer, 413, "request_too_large")
    assert "MiB" in body["error"]["message"]
    # Sent without a declared length (chunked), it is refused once past the limit.

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    officer = world.principal(Role.NCB_OFFICER, "FR")
    streamed = small.post(
        "/v1/persons",
        content=chunks(),
        headers={**officer.headers, "Content-Type": "application/octet-stream"},
    )
    refused(streamed, 413, "request_too_large")
    assert count(world.database, "records") == 0
    # Under the limit, the API reads it as ever.
    assert small.post("/v1/persons", json=person(), headers=officer.headers).status_code == 201


def test_a_nul_character_is_refused_and_changes_nothing(
    client: TestClient, world: World, database: Database
) -> None:
    """PostgreSQL keeps no NUL in text: a name holding one answered 500, and a check that hit
    lost its hit and its alert. It is refused on both backends, before anything is done."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    entered = client.post("/v1/persons", json=person(), headers=officer.headers)
    assert entered.status_code == 201
    de = world.principal(Role.NCB_OFFICER, "DE")
    before = count(database, "audit_log")
    nul = person(name="Jean-Pierre\u0000 DUVAL", external_ref="FR-NUL-1")
    refused(client.post("/v1/persons", json=nul, headers=officer.headers), 422, "nul_character")
    query = {"person": {"name": "Jean-Pierre DUVAL", "birth_date": "1974-08-12"}, "place": "\x00"}
    refused(client.post("/v1/checks", json=query, headers=de.headers), 422, "nul_character")
    refused(client.get("/v1/notices?state=%00", headers=de.headers), 422, "nul_character")
    assert count(database, "records") == 1
    assert count(database, "audit_log") == before
    # The same check without it hits, keeps its hit and alerts the owner.
    query["place"] = "Kehl"
    hit = client.post("/v1/checks", json=query, headers=de.headers).json()
    assert hit["hit"] is True
    assert count(database, "hits") == 1


def test_an_address_that_keeps_failing_to_authenticate_is_shut_out_for_a_while(
    small: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    guesses = [f"pn_guess{i}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" for i in range(3)]
    with caplog.at_level(logging.WARNING, logger="policenet.security"):
        for guess in guesses:
            answer = small.get("/v1/me", headers={"Authorization": f"Bearer {guess}"})
            refused(answer, 401, "token_invalid")
    # Each failure is traced with the address and the token's prefix, never the token.
    assert len([r for r in caplog.records if "authentication failed" in r.getMessage()]) == 3
    logged = caplog.text
    assert "testclient" in logged and guesses[0][:10] in logged
    assert not any(guess in logged for guess in guesses)
    # Shut out: even a valid token from that address waits.
    shut = small.get("/v1/me", headers=officer.headers)
    refused(shut, 429, "too_many_attempts")
    assert int(shut.headers["Retry-After"]) > 0
    # The lockout is in the audit log, where the data protection officers look, with the
    # last token's prefix only.
    with world.database.reading() as session:
        (subject, detail), *others = session.execute(
            text("SELECT subject, detail FROM audit_log WHERE action = 'auth.locked_out'")
        ).all()
    assert others == [] and subject == "address:testclient"
    noted = json.loads(detail)
    assert noted["failures"] == 3 and noted["last_token"] == guesses[2][:10]
    assert not any(guess in detail for guess in guesses)


def test_a_known_token_refused_is_audited_by_its_principal(
    client: TestClient, world: World
) -> None:
    """A stolen token tried after its revocation, or over another bureau's line, leaves a
    trace in the audit log under the principal it belonged to."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    pid = officer.principal.id
    tokens = client.get(f"/v1/principals/{pid}/tokens", headers=world.gs_admin.headers).json()
    (token,) = tokens
    revoked = client.post(f"/v1/tokens/{token['id']}/revoke", headers=world.gs_admin.headers)
    assert revoked.status_code == 200, revoked.text
    refused(client.get("/v1/me", headers=officer.headers), 401, "token_revoked")
    query = {"document": {"issuing_country": "FR", "number": "21AB45872"}}
    refused(client.post("/v1/checks", json=query, headers=officer.headers), 401, "token_revoked")
    with world.database.reading() as session:
        rows = session.execute(
            text(
                "SELECT principal_id, subject, detail FROM audit_log "
                "WHERE action = 'auth.refused' ORDER BY seq"
            )
        ).all()
    assert len(rows) == 2
    for principal_id, subject, detail in rows:
        assert principal_id == pid and subject == f"principal:{pid}"
        noted = json.loads(detail)
        assert noted["reason"] == "token_revoked" and noted["shown"] is False
        assert noted["token"] == officer.token[:10] and officer.token not in detail


def test_a_principal_checking_faster_than_its_rate_waits_and_others_do_not(
    small: TestClient, world: World
) -> None:
    fr, de = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "DE")
    query = {"document": {"issuing_country": "FR", "number": "21AB45872"}}
    for _ in range(2):
        assert small.post("/v1/checks", json=query, headers=fr.headers).status_code == 200
    limited = small.post("/v1/checks", json=query, headers=fr.headers)
    refused(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    # A batch counts each of its checks.
    batch = {"checks": [query, query]}
    refused(small.post("/v1/checks/batch", json=batch, headers=fr.headers), 429, "rate_limited")
    assert small.post("/v1/checks/batch", json=batch, headers=de.headers).status_code == 200
    assert small.post("/v1/checks", json=query, headers=de.headers).status_code == 429


def test_every_answer_carries_the_security_headers_and_personal_data_is_never_cached(
    client: TestClient, world: World
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    entered = client.post("/v1/persons", json=person(), headers=officer.headers).json()
    answers = {
        "record": client.get(f"/v1/persons/{entered['id']}", headers=officer.headers),
        "error": client.get("/v1/persons/999999", headers=officer.headers),
        "unauthenticated": client.get("/v1/me"),
        "public page": client.get("/public/notices"),
        "openapi": client.get("/openapi.json"),
    }
    for name, answer in answers.items():
        headers = answer.headers
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["x-frame-options"] == "DENY", name
        assert headers["referrer-policy"] == "no-referrer", name
        assert "frame-ancestors 'none'" in headers["content-security-policy"], name
        assert headers["cache-control"] == "no-store", name
        assert "strict-transport-security" not in headers, name  # plain HTTP here
    assert answers["record"].headers["content-security-policy"].startswith("default-src 'none'")


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text_ = record.getMessage()
        if record.exc_info:
            text_ += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text_)


def test_over_mutual_tls_a_request_without_a_certificate_is_refused(
    database: Database, world: World, tmp_path: Path
) -> None:
    """A hub told to require client certificates never fails open: a request that reaches
    it without one (a proxy ending TLS, another server) is refused, on every path."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    settings = Settings(data_dir=tmp_path, database_url=database.url, client_certificates=True)
    with TestClient(create_app(settings, database)) as client:
        for answer in (
            client.get("/v1/me", headers=officer.headers),
            client.post("/v1/checks", json={"person": {"name": "A B"}}, headers=officer.headers),
        ):
            assert answer.status_code == 401, answer.text
            assert answer.json()["error"]["code"] == "certificate_required"


def test_a_server_error_is_logged_by_type_and_place_never_with_its_message(
    database: Database, tmp_path: Path
) -> None:
    """An unexpected error, whose message may quote the request (here a name), is answered
    500 and logged, by the hub and by the server that serves it as `policenet serve` does,
    with its type and place only."""
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)

    @app.get("/v1/fails")
    def fails() -> None:
        raise RuntimeError("no record for Jean-Pierre DUVAL born 1974-08-12")

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=server_log_config())
    )
    kept = _Kept()
    for name in ("uvicorn.error", "policenet"):
        logging.getLogger(name).addHandler(kept)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        answer = httpx.get(f"http://127.0.0.1:{port}/v1/fails", timeout=10)
        assert answer.status_code == 500 and answer.json()["error"]["code"] == "internal_error"
    finally:
        server.should_exit = True
        thread.join(30)
        for name in ("uvicorn.error", "policenet"):
            logging.getLogger(name).removeHandler(kept)
    errors = [line for line in kept.lines if "RuntimeError" in line]
    assert len(errors) == 2, kept.lines  # the hub's line, and the server's
    assert not [line for line in kept.lines if "DUVAL" in line or "1974" in line], kept.lines
    assert any(line.startswith("Exception in ASGI application") for line in errors)


# --- TLS and mutual TLS ---------------------------------------------------------------------


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None,
    *,
    ca: bool = False,
    ip: str | None = None,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name if issuer is None else issuer[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ip is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
            critical=False,
        )
    return builder.sign(key if issuer is None else issuer[1], hashes.SHA256())


def _write(path: Path, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    path.with_suffix(".crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_the_hub_serves_https_and_with_client_ca_admits_only_bureaus_certificates(
    tmp_path: Path,
) -> None:
    ca_key, rogue_key = _key(), _key()
    ca = _certificate("policenet test CA", ca_key, ca=True)
    rogue_ca = _certificate("someone else's CA", rogue_key, ca=True)
    (tmp_path / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_key, bureau_key, stranger_key = _key(), _key(), _key()
    _write(
        tmp_path / "hub", _certificate("hub", server_key, (ca, ca_key), ip="127.0.0.1"), server_key
    )
    _write(tmp_path / "ncb-fr", _certificate("NCB-FR", bureau_key, (ca, ca_key)), bureau_key)
    de_key = _key()
    _write(tmp_path / "ncb-de", _certificate("NCB-DE", de_key, (ca, ca_key)), de_key)
    _write(
        tmp_path / "stranger",
        _certificate("stranger", stranger_key, (rogue_ca, rogue_key)),
        stranger_key,
    )
    env = {**os.environ, "POLICENET_DATA_DIR": str(tmp_path / "data")}
    env.pop("POLICENET_DATABASE_URL", None)
    initialised = subprocess.run(
        [*CLI, "demo", "--documents", "50"], env=env, capture_output=True, text=True, check=False
    )
    assert initialised.returncode == 0, initialised.stderr
    demo = json.loads((tmp_path / "data" / "demo-tokens.json").read_text())
    tokens = {p["name"]: p["token"] for p in demo["principals"]}
    token = tokens["NCB FR officer"]
    incomplete = subprocess.run(
        [*CLI, "serve", "--tls-cert", str(tmp_path / "hub.crt")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert incomplete.returncode == 2 and "error [tls_incomplete]" in incomplete.stderr
    port = free_port()
    server = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--port",
            str(port),
            "--tls-cert",
            str(tmp_path / "hub.crt"),
            "--tls-key",
            str(tmp_path / "hub.key"),
            "--client-ca",
            str(tmp_path / "ca.crt"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"https://127.0.0.1:{port}"
    bureau = httpx.Client(
        verify=_context(tmp_path / "ca.crt", tmp_path / "ncb-fr"),
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        for _ in range(300):
            try:
                if bureau.get(f"{base}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the hub did not start: " + server.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        me = bureau.get(f"{base}/v1/me")
        assert me.status_code == 200 and me.json()["bureau_id"] == "NCB-FR"
        assert me.headers["strict-transport-security"].startswith("max-age=")
        # Plain HTTP is not served, and no certificate, or one another CA signed, is refused.
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5)
        for client_cert in (None, tmp_path / "stranger"):
            with pytest.raises(httpx.TransportError):
                httpx.get(
                    f"{base}/v1/me",
                    verify=_context(tmp_path / "ca.crt", client_cert),
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=5,
                )
        # The certificate names its bureau: a token is accepted only with its own bureau's
        # (a national agency's, with its country's NCB's), on every path, the checks included.
        assert bureau.get(
            f"{base}/v1/me", headers={"Authorization": f"Bearer {tokens['FR border post officer']}"}
        ).json()["agency_id"]
        check = {"person": {"name": "Nobody Atall", "birth_date": "1970-01-01"}}
        with httpx.Client(verify=_context(tmp_path / "ca.crt", tmp_path / "ncb-de")) as german:
            for stolen in (token, tokens["FR border post officer"], tokens["GS reviewer (demo)"]):
                headers = {"Authorization": f"Bearer {stolen}"}
                for refused in (
                    german.get(f"{base}/v1/me", headers=headers),
                    german.post(f"{base}/v1/checks", json=check, headers=headers),
                    german.post(
                        f"{base}/v1/checks/batch", json={"checks": [check]}, headers=headers
                    ),
                ):
                    assert refused.status_code == 401, refused.text
                    error = refused.json()["error"]
                    assert error["code"] == "certificate_mismatch"
                    assert "NCB-DE" in error["message"]
            own = {"Authorization": f"Bearer {tokens['NCB DE officer']}"}
            assert german.post(f"{base}/v1/checks", json=check, headers=own).status_code == 200
        assert bureau.post(f"{base}/v1/checks", json=check).status_code == 200
        # The bureau's own client (listen) takes its certificate from the environment.
        listened = subprocess.run(
            [*CLI, "listen", "--hub", base, "--count", "1"],
            env={
                **env,
                "POLICENET_TOKEN": token,
                "POLICENET_HUB_CA": str(tmp_path / "ca.crt"),
                "POLICENET_CLIENT_CERT": str(tmp_path / "ncb-fr.crt"),
                "POLICENET_CLIENT_KEY": str(tmp_path / "ncb-fr.key"),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert listened.returncode == 0, listened.stdout + listened.stderr
    finally:
        bureau.close()
        stop_served_hub(server, tmp_path / "data")


def _context(ca: Path, client: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca))
    if client is not None:
        context.load_cert_chain(str(client.with_suffix(".crt")), str(client.with_suffix(".key")))
    return context


# --- one caller's batch and another's border check -------------------------------------------


class _Watching(Screening):
    """The screening, noting whether another writer could commit while a batch was being
    answered (the write lock free), and committing a write of its own when it could."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.free: list[bool] = []

    def refresh(self, session: Session, *, most: int | None = None) -> None:
        super().refresh(session, most=most)
        with self.database.at_once() as other:
            self.free.append(other is not None)
            if other is not None:
                append_by(other, None, "probe", "another bureau's write", {})


def test_a_batch_holds_no_write_lock_while_its_checks_are_answered(tmp_path: Path) -> None:
    """A batch of a thousand checks, or a caller looping them, held the write lock of the
    SQLite hub for its whole length: every other bureau's border check waited behind it. Its
    checks are now answered in a read; only the hits and the audit entry are written."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    report = initialise(database, admin_name="GS admin", ttl_days=30)
    assert report.first_admin is not None
    world = World(database, Actor(*report.first_admin))
    fr, de = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "DE")
    with TestClient(
        create_app(Settings(data_dir=tmp_path, escalation_interval=600), database)
    ) as client:
        assert client.post("/v1/persons", json=person(), headers=fr.headers).status_code == 201
    watching = _Watching(database)
    query = {"person": {"name": "Jean-Pierre DUVAL", "birth_date": "1974-08-12"}}
    batch = BatchCheckRequest.model_validate({"checks": [query, query]})
    _, answers = check_batch_with_token(database, Credentials(de.token), batch, watching)
    assert watching.free == [True]
    assert all(isinstance(a, CheckResult) and a.hit for a in answers)
    with database.reading() as session:
        actions = [
            row[0]
            for row in session.execute(text("SELECT action FROM audit_log ORDER BY seq")).all()
        ]
        kept = session.execute(text("SELECT count(*) FROM hits")).scalar_one()
    assert actions[-2:] == ["probe", "check.batch"] and kept == 2
    database.dispose()
