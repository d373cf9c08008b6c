"""The command line as an operator uses it: init, demo, audit verify, serve, and its errors."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update

from policenet.domain.notices import NoticeState, NoticeType
from policenet.domain.principals import Role
from policenet.store.db import Database
from policenet.store.tables import AuditRow
from tests.conftest import PG_SCHEMA, World, stop_served_hub

CLI = [sys.executable, "-m", "policenet.cli"]


def environment(database: Database, data_dir: Path) -> dict[str, str]:
    url = database.url
    if url.startswith("postgresql"):
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{PG_SCHEMA}"
    return {**os.environ, "POLICENET_DATABASE_URL": url, "POLICENET_DATA_DIR": str(data_dir)}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_init_prints_the_first_admin_token_once(database: Database, tmp_path: Path) -> None:
    env = environment(database, tmp_path)
    first = run(["init"], env)
    assert first.returncode == 0, first.stderr
    assert "pn_" in first.stdout
    again = run(["init"], env)
    assert again.returncode == 0
    assert "pn_" not in again.stdout


def test_audit_verify_names_the_altered_entry(database: Database, tmp_path: Path) -> None:
    env = environment(database, tmp_path)
    assert run(["demo", "--documents", "50"], env).returncode == 0
    intact = run(["audit", "verify"], env)
    assert intact.returncode == 0
    assert "intact" in intact.stdout
    with database.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == 7).values(subject="principal:1"))
    broken = run(["audit", "verify"], env)
    assert broken.returncode == 1
    assert "entry 7 was altered" in broken.stdout


# Python runs sitecustomize in every interpreter it starts: this one makes the importing
# process validate in a second one whatever the machine's cores, and kills that second one.
DYING_WORKER = """\
import os, sys
if "policenet.actions.import_worker" in sys.orig_argv:
    os._exit(9)
if "policenet.cli" in sys.orig_argv:
    from policenet.actions.exchange import worker
    worker._cores = lambda: 2
"""


def test_an_import_whose_second_process_dies_says_so_in_one_line(
    world: World, database: Database, tmp_path: Path
) -> None:
    """The operator reads the error's code and sentence, not a Python traceback."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    (tmp_path / "sitecustomize.py").write_text(DYING_WORKER, "utf-8")
    file = tmp_path / "documents.csv"
    rows = [f"FR-DIES-{i:03d},FR,passport,DI{i:07d},stolen,2026-01-15" for i in range(20)]
    file.write_text(
        "\n".join(["external_ref,issuing_country,document_type,number,status,event_date", *rows]),
        "utf-8",
    )
    env = environment(database, tmp_path) | {
        "PYTHONPATH": str(tmp_path),
        "POLICENET_IMPORT_WORKER_FROM": "0",
    }
    failed = run(["import", "travel_documents", str(file), "--token", officer.token], env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    assert failed.stderr.splitlines() == [
        "error [import_failed]: The import stopped (the process validating the file stopped "
        "before it finished (exit code 9)): nothing was imported. Import the file again, and "
        "tell the hub's operators if it fails again."
    ]
    assert "Imported" not in failed.stdout
    with database.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM travel_documents")).scalar_one() == 0


def test_demo_is_reproducible_and_keeps_its_tokens(database: Database, tmp_path: Path) -> None:
    env = environment(database, tmp_path)
    seeded = run(["demo", "--documents", "300", "--seed", "11"], env)
    assert seeded.returncode == 0, seeded.stderr
    tokens = json.loads((tmp_path / "demo-tokens.json").read_text())
    roles = {p["role"] for p in tokens["principals"]}
    assert roles >= {
        "gs_admin",
        "gs_reviewer",
        "ncb_admin",
        "ncb_officer",
        "agency_officer",
        "border_officer",
        "carrier",
        "data_protection",
        "fingerprint_examiner",
    }
    # Synthetic ten-prints and a mark, and one identification to look at.
    prints = tokens["fingerprints"]
    assert prints["tenprints"] == 2 and prints["marks"] == 1
    assert prints["identified_hit"] is not None
    with database.transaction() as session:
        hit = session.execute(
            text("SELECT database, record_id, match FROM hits WHERE reference = :r"),
            {"r": prints["identified_hit"]},
        ).one()
    assert tuple(hit) == ("fingerprints", prints["tenprint_id"], "identified")
    with database.transaction() as session:
        numbers = session.execute(text("SELECT number FROM travel_documents ORDER BY id")).all()
    assert len(numbers) == 300
    with database.transaction() as session:
        kinds = set(session.execute(text("SELECT type, state FROM notices")).all())
    assert kinds == {(t.value, s.value) for t in NoticeType for s in NoticeState}
    again = run(["demo"], env)
    assert again.returncode == 0
    assert "already seeded" in again.stdout
    assert tokens["principals"][0]["token"] in again.stdout


def numbers_in(data_dir: Path) -> list[str]:
    database = Database(f"sqlite:///{data_dir / 'policenet.db'}")
    with database.transaction() as session:
        rows = session.execute(text("SELECT number FROM travel_documents ORDER BY id")).all()
    database.dispose()
    return [number for (number,) in rows]


def test_same_seed_gives_the_same_demo_records(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLICENET_DATABASE_URL"}
    for name in ("a", "b"):
        done = run(
            ["demo", "--documents", "200", "--seed", "5"],
            {**env, "POLICENET_DATA_DIR": str(tmp_path / name)},
        )
        assert done.returncode == 0, done.stderr
    first = numbers_in(tmp_path / "a")
    assert len(first) == 200
    assert numbers_in(tmp_path / "b") == first
    tokens_before = (tmp_path / "a" / "demo-tokens.json").read_text()
    reset = run(
        ["demo", "--documents", "200", "--seed", "6", "--reset"],
        {**env, "POLICENET_DATA_DIR": str(tmp_path / "a")},
    )
    assert reset.returncode == 0, reset.stderr
    assert numbers_in(tmp_path / "a") != first
    assert (tmp_path / "a" / "demo-tokens.json").read_text() != tokens_before


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_served_hub_answers_checks_over_http(tmp_path: Path) -> None:
    """What a new user does after `make run`: curl a check with a printed token."""
    env = {**os.environ, "POLICENET_DATA_DIR": str(tmp_path / "data")}
    env.pop("POLICENET_DATABASE_URL", None)
    seeded = subprocess.run(
        [*CLI, "demo", "--documents", "500"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    demo = json.loads((tmp_path / "data" / "demo-tokens.json").read_text())
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the hub did not start: " + server.stderr.read().decode()[-2000:])
        token = next(p["token"] for p in demo["principals"] if p["role"] == "border_officer")
        headers = {"Authorization": f"Bearer {token}"}
        examples = demo["examples"]
        hit = httpx.post(
            f"{base}/v1/checks", headers=headers, json={"mrz": examples["stolen_passport"]["mrz"]}
        )
        assert hit.json()["hit"] is True
        no_hit = httpx.post(
            f"{base}/v1/checks", headers=headers, json={"mrz": examples["unknown_passport"]["mrz"]}
        )
        assert no_hit.json()["hit"] is False
        bad = httpx.post(
            f"{base}/v1/checks", headers=headers, json={"mrz": examples["corrupted_mrz"]}
        )
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "document_number"
        assert httpx.get(f"{base}/docs").status_code == 200
        # Every member sees the published notices; the public list serves their extracts.
        published = httpx.get(
            f"{base}/v1/notices", headers=headers, params={"state": "published"}
        ).json()["items"]
        assert {n["type"] for n in published} == {t.value for t in NoticeType}
        public = httpx.get(f"{base}/public/notices", params={"name": "pavel morozov"}).json()
        assert [n["name"] for n in public["notices"]] == ["Павел МОРОЗОВ"]
        # The demo's cross-border DNA match, searched again by the French NCB.
        fr = next(p["token"] for p in demo["principals"] if p["name"] == "NCB FR officer")
        dna = httpx.post(
            f"{base}/v1/dna/search",
            headers={"Authorization": f"Bearer {fr}"},
            json=demo["dna"]["search"],
        ).json()
        assert {m["owner_bureau"] for m in dna["matches"]} == {"NCB-DE", "NCB-ES"}
        page = httpx.get(f"{base}/public/notices?lang=ar", headers={"Accept": "text/html"})
        assert 'dir="rtl"' in page.text and "Павел МОРОЗОВ" in page.text
    finally:
        stop_served_hub(server, tmp_path / "data")


def test_api_reference_needs_no_internet(client: TestClient) -> None:
    """/docs is served with its own scripts: a border post offline still reads it."""
    page = client.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert scripts
    assert all(not url.startswith(("http://", "https://", "//")) for url in scripts)
    for url in scripts:
        assert client.get(url).status_code == 200, url
    assert client.get("/openapi.json").json()["info"]["title"] == "policenet"
