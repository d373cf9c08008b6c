"""Bulk import and export through the command line, as a bureau runs them: the example files
imported and found by another country's check, a file with bad rows refused whole, a file
imported twice kept once, an import killed halfway leaving nothing behind, and an export that
shows each reader only what it may see."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.exchange import ImportRejected, import_file, worker
from policenet.domain.errors import InvalidInput
from policenet.domain.principals import Role
from policenet.domain.records import Database as RecordDatabase
from policenet.formats.rows import read_rows
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_cli import CLI
from tests.test_cli import environment as cli_environment
from tests.test_records import check as records_check

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES = [
    ("travel_documents", "travel_documents.csv"),
    ("persons", "persons.jsonl"),
    ("persons", "persons.csv"),
    ("vehicles", "vehicles.csv"),
    ("art", "art.csv"),
    ("firearms", "firearms.csv"),
    ("vessels", "vessels.jsonl"),
]
DOCUMENT_HEADER = "external_ref,issuing_country,document_type,number,status,event_date"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Where an import validates its file (the bytes from which it uses a second process).
IN_THIS_PROCESS = 10**12  # bytes: no file here is this large
IN_A_WORKER = 0

Run = subprocess.CompletedProcess[str]


def environment(database: Database, data_dir: Path) -> dict[str, str]:
    """The CLI's environment, wide enough that no message is wrapped."""
    return cli_environment(database, data_dir) | {"COLUMNS": "250"}


def run_all(commands: list[list[str]], env: dict[str, str]) -> list[Run]:
    """CLI commands run side by side (each process costs a second of start-up)."""
    processes = [
        subprocess.Popen(
            [*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for args in commands
    ]
    done = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return done


def run(args: list[str], env: dict[str, str]) -> Run:
    (done,) = run_all([args], env)
    return done


def importing(database: str, file: Path, actor: Actor, *extra: str) -> list[str]:
    return ["import", database, str(file), "--token", actor.token, *extra]


def exporting(database: str, actor: Actor, *extra: str) -> list[str]:
    return ["export", database, "--token", actor.token, *extra]


def succeeded(done: Run) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def scalar(database: Database, sql: str, **params: object) -> Any:
    with database.reading() as session:
        return session.execute(text(sql), params).scalar_one()


def documents_held(database: Database) -> int:
    found: int = scalar(database, "SELECT count(*) FROM travel_documents")
    return found


def records_held(database: Database, name: str) -> int:
    found: int = scalar(database, "SELECT count(*) FROM records WHERE database = :d", d=name)
    return found


def import_entries(database: Database) -> int:
    found: int = scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'records.import'")
    return found


def document(database: Database, external_ref: str) -> tuple[int, str]:
    with database.reading() as session:
        row = session.execute(
            text("SELECT id, status FROM travel_documents WHERE external_ref = :ref"),
            {"ref": external_ref},
        ).one()
    return row[0], row[1]


def csv_file(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    return path


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def check(client: TestClient, actor: Actor, body: dict[str, Any]) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = records_check(client, actor, body)["hits"]
    return hits


def import_examples(database: Database, owner: Actor, extra_documents: list[str]) -> None:
    """The example files, imported in-process (the CLI import is tested on its own)."""
    for name, file in EXAMPLE_FILES:
        content = (EXAMPLES / file).read_text("utf-8")
        if name == "travel_documents":
            content += "".join(f"{row}\n" for row in extra_documents)
        import_file(
            database, owner.principal, RecordDatabase(name), content, file.rsplit(".", 1)[1]
        )


# --- import ----------------------------------------------------------------------------------


def test_every_example_file_imports_and_is_found_by_another_countrys_check(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    reader = world.principal(Role.NCB_OFFICER, "DE")
    # The app answered before the import: what it finds next comes from the change feed.
    assert check(client, reader, {"vehicle": {"vin": "1HGCM82633A004352"}}) == []
    done = run_all([importing(name, EXAMPLES / file, officer) for name, file in EXAMPLE_FILES], env)
    for (name, file), result in zip(EXAMPLE_FILES, done, strict=True):
        lines = (EXAMPLES / file).read_text("utf-8").splitlines()
        rows = sum(1 for line in lines if line.strip()) - file.endswith(".csv")
        assert f"Imported {rows} {name} records from {file}" in succeeded(result)
    hits = check(
        client,
        reader,
        {
            "document": {"issuing_country": "FR", "number": "21AB45872"},
            "person": {"name": "Vladimir Petrov"},
            "vehicle": {"vin": "1HGCM82633A004352"},
            "firearm": {"serial": "BXRT512"},
            "vessel": {"imo": "9074729"},
            "artwork": {"title": "Le pigeon aux petits pois"},
        },
    )
    found = {hit["database"]: hit for hit in hits if hit["owner_bureau"] == "NCB-FR"}
    assert set(found) == {name for name, _ in EXAMPLE_FILES}
    assert found["persons"]["record"]["data"]["name"] == "Владимир Петров"
    assert found["travel_documents"]["record"]["holder_name"] == "MARTIN, CLAIRE"
    assert found["firearms"]["record"]["data"]["make"] == "Glock"
    # The CSV conventions: lists on '|', documents as COUNTRY:NUMBER:TYPE, a description in
    # columns of its own.
    (greek,) = check(client, reader, {"person": {"name": "Ioannis Papadopoulos"}})
    data = greek["record"]["data"]
    assert data["name"] == "Ιωάννης Παπαδόπουλος"
    assert data["aliases"] == ["Ioannis Papadopoulos", "Yannis Papadopoulos"]
    assert data["identity_documents"] == [
        {"issuing_country": "GR", "number": "AE1234567", "document_type": "passport"}
    ]
    assert data["physical_description"]["height_cm"] == 175
    assert data["physical_description"]["eye_colour"] == "brown"


BAD_ROWS = [
    ("FR-BAD-DATE,FR,passport,31AA00002,stolen,2026-02-30", "event_date"),
    ("FR-BAD-COUNTRY,XX,passport,31AA00004,stolen,2026-01-12", "issuing_country"),
    (",FR,passport,31AA00005,stolen,2026-01-12", "external_ref"),
    ("FR-GOOD-1,FR,passport,31AA00006,stolen,2026-01-12", "external_ref"),
    ("FR-FOREIGN,DE,passport,31AA00007,stolen,2026-01-12", "issuing_country"),
]


def test_a_file_with_bad_rows_names_each_and_imports_nothing_unless_told_to_skip_them(
    world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    import_examples(database, officer, [])
    # More good rows than one chunk: they are written before the first bad row is read.
    good = [f"FR-BULK-{i:05d},FR,passport,BK{i:07d},stolen,2026-01-15" for i in range(6000)]
    good += [
        "FR-GOOD-1,FR,passport,31AA00001,stolen,2026-01-10",
        "FR-GOOD-2,FR,id_card,31AA00003,lost,2026-01-11",
    ]
    rows = [*good, *(row for row, _ in BAD_ROWS), "FR-GOOD-3,FR,visa,31AA00008,revoked,2026-01-13"]
    file = csv_file(tmp_path / "mixed.csv", DOCUMENT_HEADER, rows)
    first_bad = len(good) + 2  # the header is line 1
    expected = [
        f"mixed.csv: line {first_bad + i}, {field}: " for i, (_, field) in enumerate(BAD_ROWS)
    ]
    held, entries = documents_held(database), import_entries(database)

    refused = run(importing("travel_documents", file, officer), env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    reported = [line.strip() for line in refused.stdout.splitlines() if "mixed.csv: line" in line]
    assert len(reported) == len(BAD_ROWS)
    for line, start in zip(reported, expected, strict=True):
        assert line.startswith(start), line
    assert "is also on line" in reported[3]
    assert "error [import_rejected]" in refused.stderr
    assert "Imported" not in refused.stdout
    assert documents_held(database) == held
    assert import_entries(database) == entries

    skipping = run(importing("travel_documents", file, officer, "--skip-invalid"), env)
    output = succeeded(skipping)
    skipped = [line.strip() for line in output.splitlines() if "skipped mixed.csv" in line]
    assert len(skipped) == len(BAD_ROWS)
    for line, start in zip(skipped, expected, strict=True):
        assert line.startswith(f"skipped {start}"), line
    assert f"Imported {len(good) + 1} travel_documents records" in output
    assert f"{len(BAD_ROWS)} rows skipped" in output
    assert documents_held(database) == held + len(good) + 1
    assert import_entries(database) == entries + 1
    assert document(database, "FR-GOOD-1")[1] == "stolen"


def test_importing_again_updates_the_records_it_names_and_adds_none(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    reader = world.principal(Role.NCB_OFFICER, "DE")
    documents, vehicles = EXAMPLES / "travel_documents.csv", EXAMPLES / "vehicles.csv"
    for name, file in (("travel_documents", documents), ("vehicles", vehicles)):
        import_file(database, officer.principal, RecordDatabase(name), file.read_text(), "csv")
    first_id, status = document(database, "FR-SLTD-2026-000001")
    assert status == "stolen"
    (vehicle,) = check(client, reader, {"vehicle": {"plate": "GH-123-KL", "plate_country": "FR"}})
    for done in run_all(
        [
            importing("travel_documents", documents, officer),
            importing("vehicles", vehicles, officer),
        ],
        env,
    ):
        assert "Imported 4 " in succeeded(done)
    assert (documents_held(database), records_held(database, "vehicles")) == (4, 4)
    assert document(database, "FR-SLTD-2026-000001") == (first_id, "stolen")

    changed_documents = tmp_path / "travel_documents.csv"
    changed_documents.write_text(
        documents.read_text("utf-8").replace("21AB45872,stolen,", "21AB45872,lost,"), "utf-8"
    )
    changed_vehicles = tmp_path / "vehicles.csv"
    changed_vehicles.write_text(
        vehicles.read_text("utf-8").replace("GH-123-KL", "GH-999-KL"), "utf-8"
    )
    # The token may come from the environment too.
    env_token = env | {"POLICENET_TOKEN": officer.token}
    for done in run_all(
        [
            ["import", "travel_documents", str(changed_documents)],
            ["import", "vehicles", str(changed_vehicles)],
        ],
        env_token,
    ):
        succeeded(done)
    assert document(database, "FR-SLTD-2026-000001") == (first_id, "lost")
    assert (documents_held(database), records_held(database, "vehicles")) == (4, 4)
    (moved,) = check(client, reader, {"vehicle": {"plate": "GH 999 KL", "plate_country": "FR"}})
    assert moved["record"]["id"] == vehicle["record"]["id"]
    assert moved["record"]["data"]["plate"] == "GH999KL"
    assert check(client, reader, {"vehicle": {"plate": "GH-123-KL", "plate_country": "FR"}}) == []


def row_entries(database: Database) -> list[tuple[str, dict[str, Any]]]:
    with database.reading() as session:
        rows = session.execute(
            text(
                "SELECT subject, detail FROM audit_log WHERE action = 'records.import.row' "
                "ORDER BY seq"
            )
        ).all()
    return [(subject, json.loads(detail)) for subject, detail in rows]


def test_an_agency_cannot_rewrite_its_bureaus_records_by_importing_their_references(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    """An agency records documents for its NCB, but changing one is the NCB's decision, in a
    file as through the API: a row naming a record the NCB holds refuses the whole file, and
    the refusal is audited. Every record an import writes is audited as a change of it."""
    env = environment(database, tmp_path)
    ncb = world.principal(Role.NCB_OFFICER, "FR")
    agency = world.principal(Role.AGENCY_OFFICER, "FR")
    restricted = csv_file(
        tmp_path / "ncb.csv",
        DOCUMENT_HEADER + ",visibility,visibility_countries",
        ["FR-OWN-1,FR,passport,77AA00001,stolen,2026-01-15,only_listed,DE"],
    )
    succeeded(run(importing("travel_documents", restricted, ncb), env))
    ((subject, detail),) = row_entries(database)
    document_id, _ = document(database, "FR-OWN-1")
    assert subject == f"travel_document:{document_id}" and detail["change"] == "added"
    # The agency's file opens the record to everyone and marks it lost: refused whole.
    rewrite = csv_file(
        tmp_path / "agency.csv",
        DOCUMENT_HEADER,
        [
            "FR-AGENCY-1,FR,passport,77AA00002,stolen,2026-01-16",
            "FR-OWN-1,FR,passport,77AA00001,lost,2026-01-15",
        ],
    )
    refused = run(importing("travel_documents", rewrite, agency), env)
    assert refused.returncode != 0
    assert "error [not_owner]" in refused.stderr, refused.stdout + refused.stderr
    assert "line 3" in refused.stdout + refused.stderr
    assert document(database, "FR-OWN-1") == (document_id, "stolen")
    assert documents_held(database) == 1
    with database.reading() as session:
        action, who = session.execute(
            text("SELECT action, principal_id FROM audit_log ORDER BY seq DESC LIMIT 1")
        ).one()
    assert (action, who) == ("records.import", agency.principal.id)
    italy = world.principal(Role.NCB_OFFICER, "IT")
    found = check(client, italy, {"document": {"number": "77AA00001", "issuing_country": "FR"}})
    assert found == []
    # The agency's own new rows import; the NCB's re-import audits each row as updated.
    own = csv_file(tmp_path / "own.csv", DOCUMENT_HEADER, [rewrite.read_text().splitlines()[1]])
    succeeded(run(importing("travel_documents", own, agency), env))
    succeeded(run(importing("travel_documents", restricted, ncb), env))
    changes = [detail["change"] for _, detail in row_entries(database)]
    assert changes == ["added", "added", "updated"]


def recorded_without_reference(client: TestClient, officer: Actor) -> int:
    """A document recorded through the API, without a reference; its id."""
    body = {
        "issuing_country": "FR",
        "document_type": "passport",
        "number": "44KL55001",
        "status": "stolen",
        "event_date": "2026-01-15",
    }
    recorded = client.post("/v1/documents", json=body, headers=officer.headers)
    assert recorded.status_code == 201, recorded.text
    document_id: int = recorded.json()["id"]
    return document_id


def test_a_document_recorded_without_reference_is_not_imported_a_second_time(
    client: TestClient, world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    recorded_id = recorded_without_reference(client, officer)
    file = csv_file(
        tmp_path / "again.csv",
        DOCUMENT_HEADER,
        [
            "FR-NEW-1,FR,passport,44KL55002,stolen,2026-01-16",
            "FR-NEW-2,FR,passport,44 kl-55001,stolen,2026-01-15",
        ],
    )
    refused = run(importing("travel_documents", file, officer), env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    (line,) = [line.strip() for line in refused.stdout.splitlines() if "again.csv: line" in line]
    assert line.startswith("again.csv: line 3, number: ")
    assert f"already recorded as record {recorded_id}" in line
    assert "error [import_rejected]" in refused.stderr
    assert documents_held(database) == 1


BULK = 30_000


def written_so_far(shown: str) -> int:
    """The rows the import says it has written, from its live progress display."""
    counts = [
        int(match.group(1))
        for line in ANSI.sub("", shown).replace("\r", "\n").splitlines()
        if line.startswith("writing")
        for match in re.finditer(rf"(\d+)/{BULK}\b", line)
    ]
    return max(counts, default=0)


def validating(pid: int) -> bool:
    """Whether the process still runs an import's validation (a zombie runs nothing)."""
    try:
        return b"policenet.actions.import_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def import_workers(parent: int) -> list[int]:
    """The processes validating a file for the import ``parent`` runs (other tests, run side
    by side, have theirs)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:  # not a process, or gone
            continue
        # The parent's pid is the second field after the command's name in parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if b"policenet.actions.import_worker" in command and ppid == parent:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("validated", ["in this process", "in a second process"])
def test_an_import_killed_halfway_leaves_nothing_and_the_next_run_lands_whole(
    world: World, database: Database, tmp_path: Path, validated: str
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    import_examples(database, officer, [])
    held = documents_held(database)
    rows = [f"FR-BULK-{i:06d},FR,passport,BK{i:07d},stolen,2026-01-15" for i in range(BULK)]
    file = csv_file(tmp_path / "bulk.csv", DOCUMENT_HEADER, rows)
    # A terminal's live progress display tells when rows have been written, uncommitted.
    env = environment(database, tmp_path) | {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
    worker_from = IN_A_WORKER if validated == "in a second process" else IN_THIS_PROCESS
    env["POLICENET_IMPORT_WORKER_FROM"] = str(worker_from)
    process = subprocess.Popen(
        [*CLI, *importing("travel_documents", file, officer)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    shown = b""
    while chunk := os.read(process.stdout.fileno(), 65536):
        shown += chunk
        if written_so_far(shown.decode("utf-8", "replace")) >= BULK // 3:
            workers = import_workers(process.pid)
            process.kill()
            break
    process.wait(timeout=60)
    if validated == "in a second process" and len(os.sched_getaffinity(0)) > 1:
        assert workers, "the import validated its file without a second process"
    else:
        assert workers == []
    process.stdout.close()
    # The kill came once a third of the rows were written (or, at the latest, once all were).
    assert written_so_far(shown.decode("utf-8", "replace")) >= BULK // 3, shown[-2000:]
    assert documents_held(database) in (held, held + BULK)
    # A worker whose importer died stops at its next message: none is left behind.
    for _ in range(100):
        if not any(validating(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(validating(pid) for pid in workers)

    done = run(importing("travel_documents", file, officer), env)
    assert f"Imported {BULK} travel_documents records" in succeeded(done)
    assert documents_held(database) == held + BULK


def test_unknown_column_or_token_is_refused_with_its_reason(
    world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    file = csv_file(
        tmp_path / "columns.csv",
        DOCUMENT_HEADER + ",holder_nmae",
        ["FR-COL-1,FR,passport,55MN66001,stolen,2026-01-15,DUPONT"],
    )
    column, token = run_all(
        [
            importing("travel_documents", file, officer),
            ["import", "travel_documents", str(file), "--token", "pn_not_a_token"],
        ],
        env,
    )
    assert column.returncode == 1, column.stdout + column.stderr
    assert "error [import_columns_unknown]" in column.stderr
    assert "holder_nmae" in column.stderr
    assert token.returncode == 2, token.stdout + token.stderr
    assert "error [token_invalid]" in token.stderr
    assert documents_held(database) == 0


# --- the second process of a large import ---------------------------------------------------


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every import validates in a second process, even on one core; counts those started."""
    started: list[int] = []
    elsewhere = worker._validated_elsewhere

    def counted(job: Any) -> Any:
        started.append(1)
        return elsewhere(job)

    monkeypatch.setattr(worker, "_cores", lambda: 2)
    monkeypatch.setattr(worker, "_validated_elsewhere", counted)
    return started


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [("max 100000\n", None), ("100000 100000\n", 1), ("150000 100000\n", 1), ("400000 100000", 4)],
)
def test_a_containers_cpu_quota_is_read_in_whole_cpus(
    tmp_path: Path, cpu_max: str, cpus: int | None
) -> None:
    limit = tmp_path / "cpu.max"
    limit.write_text(cpu_max)
    assert worker.cpu_quota(limit) == cpus
    assert worker.cpu_quota(tmp_path / "none") is None  # no cgroup v2, or not Linux


def test_a_container_allowed_one_cpu_validates_in_the_importing_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A second process on a one-CPU quota only takes turns with the first."""
    limit = tmp_path / "cpu.max"
    limit.write_text("100000 100000\n")
    monkeypatch.setattr(worker, "CPU_MAX", limit)
    monkeypatch.setattr(worker.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert worker._cores() == 1
    limit.write_text("max 100000\n")
    assert worker._cores() == 4


# The columns that differ between two imports of the same rows: ids and times.
UNCOMPARED = {"id", "reported_at", "updated_at", "entered_at"}


def rows_held(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every imported row as stored, but for its id and times, in the order of the owner's
    references."""
    queries = {
        "travel_documents": "SELECT * FROM travel_documents ORDER BY external_ref",
        "records": "SELECT * FROM records ORDER BY database, external_ref",
        "record_keys": "SELECT r.database, r.external_ref, k.kind, k.key FROM record_keys k "
        "JOIN records r ON r.id = k.record_id ORDER BY 1, 2, 3, 4",
    }
    held = {}
    with database.reading() as session:
        for name, sql in queries.items():
            result = session.execute(text(sql))
            keep = [i for i, column in enumerate(result.keys()) if column not in UNCOMPARED]
            held[name] = [tuple(row[i] for i in keep) for row in result]
    return held


def test_a_file_validated_in_a_second_process_is_stored_as_one_validated_in_this_one(
    world: World, database: Database, workers: list[int]
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    files = [(name, (EXAMPLES / file).read_text("utf-8"), file) for name, file in EXAMPLE_FILES]

    def import_all(worker_from: int) -> dict[str, list[tuple[Any, ...]]]:
        for name, content, file in files:
            report = import_file(
                database,
                officer.principal,
                RecordDatabase(name),
                content,
                file.rsplit(".", 1)[1],
                worker_from=worker_from,
            )
            assert report.written > 0
        return rows_held(database)

    there = import_all(IN_A_WORKER)
    assert len(workers) == len(files)
    assert there["travel_documents"] and there["records"] and there["record_keys"]
    with database.transaction() as session:
        for table in ("record_keys", "records", "travel_documents"):
            session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    here = import_all(IN_THIS_PROCESS)
    assert len(workers) == len(files)
    assert here == there


def test_bad_rows_found_in_a_second_process_are_reported_as_in_this_one(
    world: World, database: Database, workers: list[int]
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    good = [f"FR-BULK-{i:05d},FR,passport,BK{i:07d},stolen,2026-01-15" for i in range(6000)]
    good += ["FR-GOOD-1,FR,passport,31AA00001,stolen,2026-01-10"]  # a bad row repeats it
    rows = [*good, *(row for row, _ in BAD_ROWS), "FR-GOOD-3,FR,visa,31AA00008,revoked,2026-01-13"]
    content = "\n".join([DOCUMENT_HEADER, *rows]) + "\n"

    def refused(worker_from: int) -> ImportRejected:
        with pytest.raises(ImportRejected) as caught:
            import_file(
                database,
                officer.principal,
                RecordDatabase.TRAVEL_DOCUMENTS,
                content,
                "csv",
                worker_from=worker_from,
            )
        return caught.value

    here, there = refused(IN_THIS_PROCESS), refused(IN_A_WORKER)
    assert len(workers) == 1
    assert len(here.errors) == len(BAD_ROWS)
    assert there.errors == here.errors
    assert there.message == here.message
    assert documents_held(database) == 0

    skipped = import_file(
        database,
        officer.principal,
        RecordDatabase.TRAVEL_DOCUMENTS,
        content,
        "csv",
        skip_invalid=True,
        worker_from=IN_A_WORKER,
    )
    assert skipped.written == len(good) + 1
    assert skipped.skipped == here.errors
    assert documents_held(database) == len(good) + 1


def test_a_second_process_reports_a_bad_header_or_a_clash_as_this_one_does(
    client: TestClient, world: World, database: Database, workers: list[int]
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    with pytest.raises(InvalidInput) as caught:
        import_file(
            database,
            officer.principal,
            RecordDatabase.TRAVEL_DOCUMENTS,
            DOCUMENT_HEADER + ",holder_nmae\nFR-COL-1,FR,passport,55MN66001,stolen,2026-01-15,X\n",
            "csv",
            worker_from=IN_A_WORKER,
        )
    assert caught.value.code == "import_columns_unknown"
    assert "holder_nmae" in caught.value.message

    recorded_id = recorded_without_reference(client, officer)
    content = (
        f"{DOCUMENT_HEADER}\n"
        "FR-NEW-1,FR,passport,44KL55002,stolen,2026-01-16\n"
        "FR-NEW-2,FR,passport,44 kl-55001,stolen,2026-01-15\n"
    )
    with pytest.raises(ImportRejected) as clash:
        import_file(
            database,
            officer.principal,
            RecordDatabase.TRAVEL_DOCUMENTS,
            content,
            "csv",
            worker_from=IN_A_WORKER,
        )
    (error,) = clash.value.errors
    assert (error.line, error.field) == (3, "number")
    assert f"already recorded as record {recorded_id}" in error.message
    assert documents_held(database) == 1
    assert len(workers) == 2


def documents_through_a_worker(database: Database, officer: Actor, rows: list[str]) -> None:
    """Import these travel-document rows (DOCUMENT_HEADER's columns) through the worker."""
    import_file(
        database,
        officer.principal,
        RecordDatabase.TRAVEL_DOCUMENTS,
        "\n".join([DOCUMENT_HEADER, *rows]) + "\n",
        "csv",
        worker_from=IN_A_WORKER,
    )


def test_a_worker_that_dies_leaves_nothing_imported_and_says_so(
    world: World,
    database: Database,
    workers: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    # Python runs sitecustomize in every interpreter it starts: this one kills the worker.
    (tmp_path / "sitecustomize.py").write_text(
        "import os, sys\nif 'policenet.actions.import_worker' in sys.orig_argv:\n    os._exit(9)\n",
        "utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    rows = [f"FR-DIES-{i:05d},FR,passport,DI{i:07d},stolen,2026-01-15" for i in range(100)]
    with pytest.raises(RuntimeError, match=r"stopped before it finished \(exit code 9\)"):
        documents_through_a_worker(database, officer, rows)
    assert len(workers) == 1
    assert documents_held(database) == 0
    assert import_entries(database) == 0


def test_a_file_imported_again_with_new_numbers_is_found_by_them_at_once(
    client: TestClient, world: World, database: Database, workers: list[int]
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    reader = world.principal(Role.NCB_OFFICER, "DE")
    old = [f"FR-MOVE-{i:05d},FR,passport,MV{i:07d},stolen,2026-01-15" for i in range(7000)]
    # The same references: the last 2,000 rows now name other numbers, and 1,000 rows are new.
    new = old[:5000] + [
        f"FR-MOVE-{i:05d},FR,passport,NW{i:07d},stolen,2026-01-15" for i in range(5000, 8000)
    ]

    def found(number: str) -> int:
        body = {"document": {"issuing_country": "FR", "number": number}}
        return len(check(client, reader, body))

    for rows in (old, new):
        documents_through_a_worker(database, officer, rows)
        if rows is old:
            # The app files the first import now: the second reaches it through the feed.
            assert found("MV0006999") == 1
    assert len(workers) == 2
    assert documents_held(database) == 8000
    assert found("MV0000001") == 1
    assert found("MV0006999") == 0
    assert found("NW0006999") == 1
    assert found("NW0007999") == 1


# --- export ----------------------------------------------------------------------------------

# Another bureau learns nothing of a hit_only record but its database, owner and reference.
HIT_ONLY_VALUES = {
    "travel_documents": ["22CD18345", "stolen_blank", "2026-05-20"],
    "persons": ["محمد", "al-Hassan", "Abdallah", "terrorism"],
    "vehicles": ["ZZ789ZZ", "ZZ-789-ZZ", "Renault", "Master", "2026-08-30"],
    "firearms": ["1973OL4521", "1973-OL4521", "Kalashnikov", "AKM", "smuggled"],
    "vessels": ["Mistral", "BEN12345A606", "sailing boat"],
}
STUB_KEYS = {"database", "disclosure", "owner_bureau", "reference"}
# Restricted to two other countries: DE does not learn that it exists.
ELSEWHERE = "FR-SLTD-ELSEWHERE,FR,passport,33GH77001,stolen,2026-02-01,,,full,only_listed,BE|IT,"


def test_export_shows_the_owner_everything_and_others_what_they_may_see(
    world: World, database: Database, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    owner = world.principal(Role.NCB_OFFICER, "FR")
    reader = world.principal(Role.NCB_OFFICER, "DE")
    carrier = world.principal(Role.CARRIER, "DE")
    import_examples(database, owner, [ELSEWHERE])
    refused_file = tmp_path / "carrier.jsonl"
    stubbed = ["travel_documents", "persons"]
    entities_of = ["persons", "vehicles", "vessels", "firearms"]
    commands = {
        "owner": exporting("travel_documents", owner),
        **{name: exporting(name, reader) for name in stubbed},
        **{f"{name}.ftm": exporting(name, reader, "--format", "ftm") for name in entities_of},
        "carrier": exporting("travel_documents", carrier, "--output", str(refused_file)),
    }
    done = dict(zip(commands, run_all(list(commands.values()), env), strict=True))
    shown = {name: succeeded(result) for name, result in done.items() if name != "carrier"}

    own = json_lines(shown["owner"])
    assert {line["record"]["number"] for line in own} == {
        "21AB45872",
        "X4RTBPFW4",
        "22CD18345",
        "19EF99021",
        "33GH77001",
    }
    blank = next(line for line in own if line["record"]["number"] == "22CD18345")
    assert blank["disclosure"] == "hit_only"
    assert blank["record"]["status"] == "stolen_blank"

    for name in stubbed:
        lines = json_lines(shown[name])
        (stub,) = [line for line in lines if line["disclosure"] == "hit_only"]
        assert set(stub) == STUB_KEYS
        assert (stub["database"], stub["owner_bureau"]) == (name, "NCB-FR")
        assert all("record" in line for line in lines if line["disclosure"] == "full")
        for value in HIT_ONLY_VALUES[name]:
            assert value not in shown[name], (name, value)
    documents = json_lines(shown["travel_documents"])
    assert {line["record"]["number"] for line in documents if "record" in line} == {
        "21AB45872",
        "X4RTBPFW4",
        "19EF99021",
    }
    assert len(documents) == 4
    assert "33GH77001" not in shown["travel_documents"]

    schemas = {
        "persons": ["Passport", "Passport", "Person", "Person", "Person", "Person", "Person"],
        "vehicles": ["Vehicle", "Vehicle", "Vehicle"],
        "vessels": ["Vessel"],
        "firearms": ["Asset", "Asset"],
    }
    for name in entities_of:
        entities = json_lines(shown[f"{name}.ftm"])
        assert all(set(entity) == {"id", "schema", "properties"} for entity in entities)
        assert sorted(entity["schema"] for entity in entities) == schemas[name]
        for value in HIT_ONLY_VALUES[name]:
            assert value not in shown[f"{name}.ftm"], (name, value)
        assert "1 more are hit-only records" in done[f"{name}.ftm"].stderr
    persons = json_lines(shown["persons.ftm"])
    petrov = next(e for e in persons if e["properties"]["name"] == ["Владимир Петров"])
    (passport,) = [e for e in persons if e["properties"].get("holder") == [petrov["id"]]]
    assert passport["schema"] == "Passport"
    assert passport["properties"]["number"] == ["753184296"]

    refused = done["carrier"]
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "error [right_missing]" in refused.stderr
    assert not refused_file.exists() or refused_file.read_text("utf-8") == ""


def test_files_that_cannot_be_read_are_refused_in_one_line_and_change_nothing(
    world: World, database: Database, tmp_path: Path
) -> None:
    """A file saved as Latin-1, a field of a megabyte, JSON nested a hundred thousand deep:
    each is refused with its code and a sentence, never a traceback, and nothing is written."""
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(
        (
            DOCUMENT_HEADER + ",holder_name\nFR-L1,FR,passport,55LA00001,stolen,2026-01-15,Hélène\n"
        ).encode("latin-1")
    )
    long_field = csv_file(
        tmp_path / "long.csv",
        DOCUMENT_HEADER + ",holder_name",
        ["FR-L2,FR,passport,55LA00002,stolen,2026-01-15," + "A" * 1_000_000],
    )
    nested = tmp_path / "nested.jsonl"
    nested.write_text('{"external_ref": "FR-N1", "name": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    runs = run_all(
        [
            importing("travel_documents", latin, officer),
            importing("travel_documents", long_field, officer),
            importing("persons", nested, officer),
        ],
        env,
    )
    for done in runs:
        assert done.returncode != 0, done.stdout
        assert "Traceback" not in done.stderr, done.stderr
        assert "error [" in done.stderr, done.stdout + done.stderr
    assert "error [import_not_utf8]" in runs[0].stderr and "Line 2" in runs[0].stderr
    assert documents_held(database) == 0 and records_held(database, "persons") == 0


def test_a_file_imported_from_its_path_is_stored_as_its_text_and_given_the_same_digest(
    world: World, database: Database, tmp_path: Path, workers: list[int]
) -> None:
    """The hub imports a file sent over the network from where it lies, a line at a time:
    the same rows, the same digest, whether validated here or in a second process."""
    officer = world.principal(Role.NCB_OFFICER, "FR")
    stored: list[dict[str, list[tuple[Any, ...]]]] = []
    digests: set[str] = set()
    for source in ("text", "path"):
        for worker_from in (IN_THIS_PROCESS, IN_A_WORKER):
            for name, file in EXAMPLE_FILES:
                content = (EXAMPLES / file).read_text("utf-8")
                given: str | Path = content
                if source == "path":
                    given = tmp_path / file
                    given.write_text(content, "utf-8")
                report = import_file(
                    database,
                    officer.principal,
                    RecordDatabase(name),
                    given,
                    file.rsplit(".", 1)[1],
                    worker_from=worker_from,
                )
                assert report.written > 0
                digests.add(f"{name}:{report.digest}")
            stored.append(rows_held(database))
            with database.transaction() as session:
                for table in ("record_keys", "records", "travel_documents"):
                    session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    assert all(held == stored[0] for held in stored)
    assert len(digests) == len(EXAMPLE_FILES)  # one digest a file, however it came
    assert len(workers) == 2 * len(EXAMPLE_FILES)


def test_a_file_is_read_a_line_at_a_time_and_its_line_ends_are_kept_apart(
    tmp_path: Path,
) -> None:
    # Its first row is read while its end, which is no UTF-8, is not yet: never read whole.
    path = tmp_path / "large.jsonl"
    row = {"external_ref": "FR-1", "name": "Jean-Pierre DUVAL", "birth_date": "1974-08-12"}
    path.write_bytes(json.dumps(row).encode() + b"\n" + b" " * (1 << 22) + b"\n\xff\xfe\n")
    rows = read_rows(path, "jsonl", RecordDatabase.PERSONS)
    number, first = next(rows)
    assert number == 1 and first["name"] == "Jean-Pierre DUVAL"
    rows.close()
    # Windows and old Mac line ends end a row; a line separator inside a JSON string does not.
    rows_text = (
        '{"external_ref": "A", "name": "Ann\u2028LEE"}\r\n'
        '{"external_ref": "B", "name": "Bo KIM"}\r'
        '{"external_ref": "C", "name": "Cy ORR"}\n'
    )
    path.write_text("\ufeff" + rows_text, "utf-8", newline="")
    from_file = [
        (n, r["external_ref"]) for n, r in read_rows(path, "jsonl", RecordDatabase.PERSONS)
    ]
    from_text = [
        (n, r["external_ref"]) for n, r in read_rows(rows_text, "jsonl", RecordDatabase.PERSONS)
    ]
    assert from_file == from_text == [(1, "A"), (2, "B"), (3, "C")]


def test_a_file_that_is_not_utf8_is_refused_by_its_line_before_anything_is_written(
    world: World, database: Database, tmp_path: Path
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    path = tmp_path / "latin1.csv"
    good = "external_ref,issuing_country,document_type,number,status,event_date\n" + "".join(
        f"FR-L-{i},FR,passport,LT{i:07d},stolen,2026-01-15\n" for i in range(3)
    )
    path.write_bytes(
        good.encode() + "FR-L-9,FR,passport,LT0000009,volé,2026-01-15\n".encode("latin-1")
    )
    with pytest.raises(InvalidInput) as refused:
        import_file(database, officer.principal, RecordDatabase.TRAVEL_DOCUMENTS, path, "csv")
    assert refused.value.code == "import_not_utf8" and "Line 5" in refused.value.message
    assert rows_held(database)["travel_documents"] == []
