"""Imports over the network: a bureau sends its file to the hub, follows the job to its
outcome, cancels it, and can never change through it what it could not change through the
API."""

from __future__ import annotations

import csv
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.import_process import ImportOrder
from policenet.api.app import create_app
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database as Db
from policenet.domain.import_jobs import JobState
from policenet.domain.principals import AgencyKind, Right, Role
from policenet.settings import Settings
from policenet.store import import_jobs
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_cli import CLI
from tests.test_dna import str_items, type_18
from tests.test_records import answered, refused

EXAMPLES = Path(__file__).parent.parent / "examples"
HEADER = "external_ref,issuing_country,document_type,number,status,event_date,holder_name\n"


@pytest.fixture(params=["in the hub's process", "in processes of its own"])
def client(
    request: pytest.FixtureRequest, database: Database, tmp_path: Path
) -> Iterator[TestClient]:
    """The hub, importing every file sent to it in its own process (one thread validating
    and writing), or every file in a process of its own (import_process) that validates in
    another: the same jobs, progress, outcomes and rights either way."""
    worker_from = 10**12 if request.param == "in the hub's process" else 0
    settings = Settings(
        data_dir=tmp_path,
        database_url=database.url,
        escalation_interval=600,
        import_worker_from=worker_from,
    )
    with TestClient(create_app(settings, database)) as test_client:
        yield test_client


def documents_csv(
    count: int, country: str = "FR", start: int = 0, bad: tuple[int, ...] = ()
) -> bytes:
    lines = [HEADER]
    for i in range(start, start + count):
        status = "misplaced" if i in bad else "stolen"
        lines.append(
            f'REF-{i:07},{country},passport,{country}{i:07},{status},2026-01-15,"HOLDER, {i}"\n'
        )
    return "".join(lines).encode()


def send(client: TestClient, actor: Actor, body: bytes, **params: Any) -> Any:
    query = {"database": "travel_documents", "format": "csv", "name": "file.csv"} | params
    return client.post(
        "/v1/imports",
        params=query,
        content=body,
        headers=actor.headers | {"Content-Type": "text/csv"},
    )


def finished(client: TestClient, actor: Actor, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = answered(client.get(job["link"], headers=actor.headers))
        if found["state"] not in ("queued", "running"):
            return found
        time.sleep(0.05)
    raise AssertionError(f"import job {job['id']} did not finish")


def documents_order(
    database: Database, actor: Actor, path: Path, *, skip_invalid: bool = False, **more: Any
) -> ImportOrder:
    """What the hub's runner sends a process of its own for a CSV of travel documents."""
    return ImportOrder(
        url=database.url,
        connect_args=database.connect_args,
        principal_id=actor.principal.id,
        database=Db.TRAVEL_DOCUMENTS,
        path=path,
        file_format="csv",
        skip_invalid=skip_invalid,
        source=path.name,
        profile_kind=None,
        worker_from=0,
        **more,
    )


def total(client: TestClient, actor: Actor, path: str = "documents") -> int:
    page = answered(client.get(f"/v1/{path}", params={"limit": 1}, headers=actor.headers))
    count: int = page["total"]
    return count


def test_a_file_sent_over_http_is_imported_whole_and_followed_to_its_end(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    job = answered(send(client, fr, documents_csv(250)), 202)
    assert job["state"] in ("queued", "running") and job["rows"] == 250
    assert job["link"] == f"/v1/imports/{job['id']}"
    done = finished(client, fr, job)
    assert done["state"] == "done", done
    assert (done["written"], done["validated"], done["skipped"]) == (250, 250, 0)
    assert done["started_at"] and done["finished_at"] and done["errors"] == []
    assert total(client, fr) == 250
    # Another country's check finds a record of the file.
    de = world.principal(Role.NCB_OFFICER, "DE")
    check = {"document": {"issuing_country": "FR", "number": "FR0000042"}}
    assert answered(client.post("/v1/checks", json=check, headers=de.headers))["hits"]
    # Sent again, it updates its records: none twice.
    again = finished(client, fr, answered(send(client, fr, documents_csv(250)), 202))
    assert again["state"] == "done" and total(client, fr) == 250
    # Every example file of the repository imports over HTTP as it does from the command line.
    for path in sorted(EXAMPLES.glob("*.csv")) + sorted(EXAMPLES.glob("*.jsonl")):
        database = path.stem
        fmt = path.suffix.lstrip(".")
        job = answered(
            client.post(
                "/v1/imports",
                params={"database": database, "format": fmt, "name": path.name},
                content=path.read_bytes(),
                headers=fr.headers,
            ),
            202,
        )
        outcome = finished(client, fr, job)
        assert outcome["state"] == "done", (path.name, outcome)
        assert outcome["written"] > 0
    listed = answered(client.get("/v1/imports", headers=fr.headers))["items"]
    assert len(listed) == 2 + len(list(EXAMPLES.glob("*.csv")) + list(EXAMPLES.glob("*.jsonl")))


def test_bad_rows_are_named_by_line_and_nothing_is_written_unless_skipped(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    rejected = finished(client, fr, answered(send(client, fr, documents_csv(20, bad=(3, 11))), 202))
    assert rejected["state"] == "rejected" and rejected["code"] == "import_rejected"
    assert rejected["written"] == 0 and rejected["error_count"] == 2
    assert [e["line"] for e in rejected["errors"]] == [5, 13]
    assert all(e["field"] == "status" for e in rejected["errors"])
    assert total(client, fr) == 0
    skipped = finished(
        client,
        fr,
        answered(send(client, fr, documents_csv(20, bad=(3, 11)), skip_invalid="true"), 202),
    )
    assert skipped["state"] == "done" and skipped["written"] == 18 and skipped["skipped"] == 2
    assert [e["line"] for e in skipped["errors"]] == [5, 13]
    assert total(client, fr) == 18
    # A file that is not UTF-8 text: failed, with the line, nothing written.
    broken = finished(client, fr, answered(send(client, fr, HEADER.encode() + b"\xff\xfe\n"), 202))
    assert broken["state"] == "failed" and broken["code"] == "import_not_utf8"
    assert "Line 2" in broken["message"]
    # An unknown format or database is refused at once; no job is made.
    refused(send(client, fr, b"x", format="xml"), 422, "import_format_unsupported")
    assert (
        client.post(
            "/v1/imports",
            params={"database": "cars", "format": "csv"},
            content=b"x",
            headers=fr.headers,
        ).status_code
        == 422
    )
    assert answered(client.get("/v1/imports", headers=fr.headers))["total"] == 3


def test_a_laboratorys_dna_batch_imports_as_a_job_record_by_record(
    client: TestClient, world: World
) -> None:
    """An ANSI/NIST-ITL transaction of many Type-18 profiles, sent as it is, imported whole or
    not at all; a profile at fault named by its record, a broken frame by where it breaks."""
    de = world.principal(Role.NCB_OFFICER, "DE")
    profiles = {
        idc: [str_items("TH01", "6", str(7 + idc % 4)), str_items("FGA", "20", str(21 + idc % 9))]
        for idc in range(1, 1201)
    }
    batch = type_18(profiles, tcn="DE-LAB-2026-9").encode("latin-1")

    def sent(body: bytes, **params: Any) -> dict[str, Any]:
        query = {"database": "dna", "format": "nist", "name": "batch.an2"} | params
        job = answered(
            client.post("/v1/imports", params=query, content=body, headers=de.headers), 202
        )
        # The profiles its Type-1 record announces: the progress has a total and a time left.
        assert job["rows"] == len(profiles), job
        return finished(client, de, job)

    kindless = client.post(
        "/v1/imports",
        params={"database": "dna", "format": "nist", "name": "batch.an2"},
        content=batch,
        headers=de.headers,
    )
    refused(kindless, 422, "invalid_input")
    bad = dict(profiles) | {700: [str_items("D99S1", "10", "11")]}
    rejected = sent(type_18(bad, tcn="DE-LAB-2026-9").encode("latin-1"), profile_kind="reference")
    assert rejected["state"] == "rejected" and rejected["written"] == 0
    assert [(e["line"], "DE-LAB-2026-9/700" in e["message"]) for e in rejected["errors"]] == [
        (701, True)
    ]
    cut = sent(batch[: len(batch) // 2], profile_kind="reference")
    assert cut["state"] == "failed" and cut["code"] == "nist_malformed", cut
    assert "cut short" in cut["message"] and cut["written"] == 0
    assert total(client, de, "dna") == 0
    done = sent(batch, profile_kind="reference")
    assert done["state"] == "done", done
    assert (done["written"], done["validated"]) == (1200, 1200)
    assert total(client, de, "dna") == 1200


def test_an_import_changes_nothing_its_sender_could_not_change_through_the_api(
    client: TestClient, world: World, database: Database
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    finished(client, fr, answered(send(client, fr, documents_csv(5)), 202))
    # A national police agency of FR sends a file naming its bureau's references.
    agency = world.agency("FR", AgencyKind.POLICE, [Right.CHECK_DOCUMENTS, Right.RECORD_DOCUMENTS])
    with database.transaction() as session:
        from policenet.actions import principals as principal_actions
        from policenet.domain.principals import PrincipalCreate

        made, issued = principal_actions.create_principal(
            session,
            world.ncb_admin("FR").principal,
            PrincipalCreate(name="FR police", role=Role.AGENCY_OFFICER, agency_id=agency),
            default_ttl_days=30,
        )
    officer = Actor(made, issued.secret)
    refusal = finished(client, officer, answered(send(client, officer, documents_csv(5)), 202))
    assert refusal["state"] == "rejected" and refusal["code"] == "not_owner"
    assert refusal["error_count"] == 5
    # Those who may not record documents, and the General Secretariat, are refused at once.
    border = world.principal(Role.BORDER_OFFICER, "FR")
    refused(send(client, border, documents_csv(1)), 403, "right_missing")
    refused(send(client, world.gs_admin, documents_csv(1)), 403, "right_missing")
    # Another bureau's job does not exist for DE; FR's administrator follows FR's.
    de = world.principal(Role.NCB_OFFICER, "DE")
    job = answered(send(client, fr, documents_csv(3, start=100)), 202)
    finished(client, fr, job)
    refused(client.get(job["link"], headers=de.headers), 404, "import_job_not_found")
    refused(client.post(f"{job['link']}/cancel", headers=de.headers), 404, "import_job_not_found")
    assert all(
        j["id"] != job["id"]
        for j in answered(client.get("/v1/imports", headers=de.headers))["items"]
    )
    admin = world.ncb_admin("FR")
    assert answered(client.get(job["link"], headers=admin.headers))["state"] == "done"
    refused(client.post(f"{job['link']}/cancel", headers=fr.headers), 409, "import_job_finished")


def test_a_cancelled_import_writes_nothing(client: TestClient, world: World) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    running = answered(send(client, fr, documents_csv(200_000)), 202)
    queued = answered(send(client, fr, documents_csv(10, start=900_000)), 202)
    # The second waits for the first: cancelled at once, even while the first holds the
    # write lock (SQLite).
    cancelled = answered(client.post(f"{queued['link']}/cancel", headers=fr.headers))
    assert cancelled["state"] == "cancelled"
    assert answered(client.get(queued["link"], headers=fr.headers))["state"] == "cancelled"
    deadline = time.monotonic() + 60
    while (seen := answered(client.get(running["link"], headers=fr.headers)))["state"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert seen["state"] == "running", seen
    # Followed while it runs: rows validated, their rate and the time left.
    while (seen := answered(client.get(running["link"], headers=fr.headers)))["validated"] == 0:
        assert seen["state"] == "running" and time.monotonic() < deadline, seen
        time.sleep(0.01)
    assert seen["state"] == "running" and seen["rows"] == 200_000, seen
    assert 0 < seen["validated"] < 200_000 and seen["rate"] > 0, seen
    assert seen["seconds_left"] is not None and seen["seconds_left"] > 0, seen
    answered(client.post(f"{running['link']}/cancel", headers=fr.headers))
    assert finished(client, fr, running)["state"] == "cancelled"
    assert finished(client, fr, queued)["state"] == "cancelled"
    assert total(client, fr) == 0


def test_a_file_over_the_limit_is_refused_and_leaves_nothing(
    database: Database, world: World, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database.url, max_import_mb=1)
    fr = world.principal(Role.NCB_OFFICER, "FR")
    body = documents_csv(30_000)
    assert len(body) > 1024 * 1024
    with TestClient(create_app(settings, database)) as client:
        refused(send(client, fr, body), 413, "request_too_large")

        def chunks() -> Any:
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        answer = client.post(
            "/v1/imports",
            params={"database": "travel_documents", "format": "csv"},
            content=chunks(),
            headers=fr.headers,
        )
        refused(answer, 413, "request_too_large")
        assert answered(client.get("/v1/imports", headers=fr.headers))["items"] == []
    assert list((tmp_path / "imports").iterdir()) == []


def test_a_hub_that_stops_during_an_import_says_nothing_was_written_and_runs_what_waited(
    database: Database, world: World, tmp_path: Path
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    with database.transaction() as session:
        kwargs: dict[str, Any] = {
            "principal_id": fr.principal.id,
            "bureau_id": "NCB-FR",
            "database": Db.TRAVEL_DOCUMENTS,
            "file_format": "csv",
            "skip_invalid": False,
            "profile_kind": None,
            "source": "file.csv",
            "size": 10,
            "rows": 3,
            "at": utcnow(),
        }
        interrupted = import_jobs.add(session, **kwargs)
        import_jobs.set_state(session, interrupted.id, JobState.RUNNING, started_at=utcnow())
        waiting = import_jobs.add(session, **kwargs)
    spool = tmp_path / "imports"
    spool.mkdir()
    (spool / f"job-{waiting.id}.data").write_bytes(documents_csv(3))
    settings = Settings(data_dir=tmp_path, database_url=database.url)
    with TestClient(create_app(settings, database)) as client:
        lost = answered(client.get(f"/v1/imports/{interrupted.id}", headers=fr.headers))
        assert lost["state"] == "failed" and lost["code"] == "import_interrupted"
        assert (
            finished(client, fr, {"link": f"/v1/imports/{waiting.id}", "id": waiting.id})["state"]
            == "done"
        )
        assert total(client, fr) == 3


@pytest.mark.parametrize("where", ["in the hub's process", "in a process of its own"])
def test_a_hub_that_stops_once_the_rows_are_committed_finds_its_job_done(
    database: Database, world: World, tmp_path: Path, where: str
) -> None:
    """The job's outcome is committed with the rows: a hub that stops (killed) between the
    import's commit and anything after it finds the job done at its next start, with its
    counts, never "interrupted: nothing of the file was written" beside the rows."""
    from policenet.actions.exchange.imports import import_file
    from policenet.actions.import_jobs import job_done
    from policenet.actions.import_process import import_elsewhere

    fr = world.principal(Role.NCB_OFFICER, "FR")
    path = tmp_path / "documents.csv"
    path.write_bytes(documents_csv(5, bad=(3,)))
    with database.transaction() as session:
        job = import_jobs.add(
            session,
            principal_id=fr.principal.id,
            bureau_id="NCB-FR",
            database=Db.TRAVEL_DOCUMENTS,
            file_format="csv",
            skip_invalid=True,
            profile_kind=None,
            source="documents.csv",
            size=path.stat().st_size,
            rows=5,
            at=utcnow(),
        )
        import_jobs.set_state(session, job.id, JobState.RUNNING, started_at=utcnow())
    # What the hub's runner does with the file, and nothing it does after the commit.
    if where == "in the hub's process":
        import_file(
            database,
            fr.principal,
            Db.TRAVEL_DOCUMENTS,
            path,
            "csv",
            skip_invalid=True,
            source="documents.csv",
            committing=job_done(job.id),
        )
    else:
        order = documents_order(database, fr, path, skip_invalid=True, job_id=job.id)
        import_elsewhere(order, lambda _: None, lambda _: None, lambda: False)
    settings = Settings(data_dir=tmp_path, database_url=database.url)
    with TestClient(create_app(settings, database)) as client:
        found = answered(client.get(f"/v1/imports/{job.id}", headers=fr.headers))
        assert found["state"] == "done", found
        assert (found["written"], found["validated"], found["skipped"]) == (4, 5, 1)
        assert [e["line"] for e in found["errors"]] == [5] and found["finished_at"]
        assert total(client, fr) == 4


def test_a_bureau_imports_and_exports_from_its_own_machine(
    live: str, database: Database, world: World, tmp_path: Path
) -> None:
    """`policenet import --hub` and `export --hub`: no database on the bureau's machine."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICENET_")}
    env |= {"POLICENET_DATA_DIR": str(tmp_path / "bureau"), "COLUMNS": "250"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args, "--token", fr.token, "--hub", live],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    example = EXAMPLES / "travel_documents.csv"
    rows = len(example.read_text("utf-8").splitlines()) - 1
    done = cli("import", "travel_documents", str(example))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Imported {rows} travel_documents records from travel_documents.csv" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(documents_csv(4, bad=(2,)))
    refused_run = cli("import", "travel_documents", str(bad))
    assert refused_run.returncode == 1
    assert "bad.csv: line 4, status:" in refused_run.stdout
    assert "(import_rejected)" in refused_run.stderr
    out = tmp_path / "documents.csv"
    exported = cli("export", "travel_documents", "--format", "csv", "--output", str(out))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    with out.open(encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == rows
    assert f"Exported {rows} records of travel_documents." in exported.stderr
    # The bureau's machine holds no database of its own.
    assert not (tmp_path / "bureau" / "policenet.db").exists()
    wrong = subprocess.run(
        [*CLI, "export", "persons", "--token", "pn_wrong_token_1234567890abcdef", "--hub", live],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert wrong.returncode == 1 and "(token_invalid)" in wrong.stderr


def test_an_import_keeps_its_entries_with_its_records_and_never_holds_the_audit_lock(
    database: Database, world: World, tmp_path: Path
) -> None:
    """Each record an import writes has its audit entry, committed with it and chained after
    the commit: while the import's transaction is open, another bureau's check appends its
    own entry without waiting (PostgreSQL; SQLite has one writer whatever the audit does)."""
    from sqlalchemy import text

    from policenet.store import audit

    fr = world.principal(Role.NCB_OFFICER, "FR")
    item = (fr.principal.id, "FR", "records.import.row", "travel_document:1", {"change": "added"})
    with database.transaction() as session:
        audit.defer_many(session, [item, item])
        if database.engine.dialect.name == "postgresql":
            other = database.engine.connect()
            try:
                with other.begin():
                    other.execute(text("SET LOCAL lock_timeout = '2s'"))
                    other.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))
            finally:
                other.close()
    with database.transaction() as session:
        before = audit.count(session)
        pending = session.execute(text("SELECT count(*) FROM audit_deferred")).scalar_one()
    assert pending == 2
    # A hub that starts chains what a stopped process left, in order, and verifies whole.
    settings = Settings(data_dir=tmp_path, database_url=database.url)
    with TestClient(create_app(settings, database)) as client:
        verified = answered(client.get("/v1/audit/verify", headers=world.gs_admin.headers))
        assert verified["intact"] is True, verified
    with database.transaction() as session:
        assert audit.count(session) >= before + 2
        assert session.execute(text("SELECT count(*) FROM audit_deferred")).scalar_one() == 0
        rows = [e for e in audit.entries(session, upto=10**9) if e.action == "records.import.row"]
    assert len(rows) == 2 and all(e.principal_id == fr.principal.id for e in rows)


def test_an_import_process_whose_hub_is_gone_writes_nothing(
    database: Database, world: World, tmp_path: Path
) -> None:
    """The hub that started an import in a process of its own stops (killed): the process
    sees its standard input end and stops at once, its transaction rolled back, so the job the
    next start marks ``import_interrupted`` ("nothing of the file was written") says true."""
    import pickle

    from policenet.actions.exchange.worker import start_worker

    fr = world.principal(Role.NCB_OFFICER, "FR")
    path = tmp_path / "documents.csv"
    path.write_bytes(documents_csv(200_000))
    order = documents_order(database, fr, path)
    process = start_worker("policenet.actions.import_process")
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(pickle.dumps(order))
    process.stdin.flush()
    # Rows are being written when the hub goes.
    while (message := pickle.load(process.stdout))[0] != "written":  # noqa: S301 - ours
        assert message[0] == "validated", message
    process.stdin.close()
    assert process.wait(timeout=60) != 0
    process.stdout.close()
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM travel_documents")).scalar_one() == 0
        assert session.execute(text("SELECT count(*) FROM audit_deferred")).scalar_one() == 0
