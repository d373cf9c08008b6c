"""Finding and moving records over the network: lists, name search, deep pages, imports and
exports through a served hub, each against a baseline run on the same store in the same run.

Loads (or reuses, under ``--data``) a hub with ``--persons`` persons and ``--documents``
travel documents through the bulk import, serves it (``policenet serve``), and measures:

- lists through HTTP (first page, a filtered page, a free-text name search, a page 1,000
  pages deep), p50 and p99, against the same page as plain SQL on the same file;
- an import of ``--import-rows`` travel documents over HTTP (POST /v1/imports, followed to
  its end) against the same file through the direct import, and another bureau's border
  checks during it (p50, p99; every check waits for the disk);
- an export of one bureau's travel documents (JSON Lines), and of none (the floor): its
  rate, and the hub process's peak memory before and after (flat means the export holds one
  batch at a time, whatever the size).

    python bench/listing.py [--data DIR] [--persons N] [--documents N] [--import-rows N]
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from databases import (  # bench/databases.py, beside this script
    COUNTRIES,
    documents_csv,
    officer,
    percentile,
    persons_jsonl,
    serve,
)
from sqlalchemy import create_engine, text

from policenet.actions.exchange import import_file
from policenet.actions.hub import initialise
from policenet.domain.principals import Role
from policenet.domain.records import Database
from policenet.store import principals as principals_store
from policenet.store.db import Database as Store

PER_FILE = 1_000_000


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def load(store: Store, persons: int, documents: int) -> None:
    report = initialise(store, admin_name="bench", ttl_days=30)
    assert report.first_admin is not None
    admin = report.first_admin[0]
    actors = {c: officer(store, admin, c)[0] for c in COUNTRIES}
    done = 0
    for n, country in enumerate(COUNTRIES * 10):
        if done >= documents:
            break
        count = min(PER_FILE, documents - done)
        import_file(
            store,
            actors[country],
            Database.TRAVEL_DOCUMENTS,
            documents_csv(country, n * PER_FILE, count),
            "csv",
        )
        done += count
        print(f"  {done:,} travel documents", flush=True)
    for start in range(0, persons, PER_FILE):
        count = min(PER_FILE, persons - start)
        import_file(store, actors["FR"], Database.PERSONS, persons_jsonl(start, count), "jsonl")
        print(f"  {start + count:,} persons", flush=True)


def timed(client: httpx.Client, path: str, params: dict[str, str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        answer = client.get(path, params=params)
        samples.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.text
    return samples


def sql_timed(db_file: Path, query: str, rounds: int) -> list[float]:
    connection = sqlite3.connect(db_file)
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        connection.execute(query).fetchall()
        samples.append((time.perf_counter() - began) * 1000)
    connection.close()
    return samples


def row(name: str, samples: list[float], base: list[float] | None) -> str:
    p50, p99 = statistics.median(samples), percentile(samples, 0.99)
    floor = "" if base is None else f"{statistics.median(base):.2f}"
    ratio = "" if base is None else f"{p50 / statistics.median(base):.1f}x"
    return f"| {name} | {p50:.1f} | {p99:.1f} | {floor} | {ratio} |"


def deep_cursor(client: httpx.Client, pages: int) -> str:
    after = ""
    for _ in range(pages):
        page = client.get(
            "/v1/documents",
            params={"limit": "50", "total": "false", **({"after": after} if after else {})},
        ).json()
        after = page["after"]
    return after


def fresh_schema(pg_url: str, name: str) -> str:
    """A PostgreSQL URL whose connections work in schema ``name``, dropped and made anew."""
    admin = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    admin.dispose()
    return pg_url + ("&" if "?" in pg_url else "?") + f"options=-csearch_path%3D{name}"


def import_comparison(rows: int, port: int, pg_url: str | None = None) -> str:
    """The same file imported over HTTP into a served empty hub (another bureau checking all
    along) and directly into another empty store: rows per second of each. On SQLite, or on
    the PostgreSQL of ``pg_url`` (two schemas of its own)."""
    text_ = documents_csv("NL", 50_000_000, rows)
    latencies: list[float] = []
    stop = threading.Event()
    with tempfile.TemporaryDirectory(prefix="policenet-http-import-") as scratch:
        url = (
            f"sqlite:///{scratch}/hub.db" if pg_url is None else fresh_schema(pg_url, "bench_http")
        )
        store = Store(url)
        report = initialise(store, admin_name="bench", ttl_days=30)
        assert report.first_admin is not None
        _, nl_token = officer(store, report.first_admin[0], "NL")
        _, ke_token = officer(store, report.first_admin[0], "KE")
        store.dispose()
        process, _ = serve(url, Path(scratch), port)
        base = f"http://127.0.0.1:{port}"

        def checks() -> None:
            headers = {"Authorization": f"Bearer {ke_token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                i = 0
                while not stop.is_set():
                    began = time.perf_counter()
                    body = {"document": {"issuing_country": "FR", "number": f"ZZ{i:07d}"}}
                    client.post("/v1/checks", json=body)
                    latencies.append((time.perf_counter() - began) * 1000)
                    i += 1
                    time.sleep(0.02)

        checker = threading.Thread(target=checks)
        rss_before = rss_after = 0
        try:
            headers = {"Authorization": f"Bearer {nl_token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                checker.start()
                rss_before = peak_rss(process.pid)
                began = time.perf_counter()
                job = client.post(
                    "/v1/imports",
                    params={"database": "travel_documents", "format": "csv"},
                    content=text_.encode(),
                ).json()
                while job["state"] in ("queued", "running"):
                    time.sleep(0.2)
                    job = client.get(job["link"]).json()
                http_seconds = time.perf_counter() - began
                rss_after = peak_rss(process.pid)
                stop.set()
                checker.join()
            assert job["state"] == "done", job
        finally:
            stop.set()
            process.terminate()
            process.wait()
    with tempfile.TemporaryDirectory(prefix="policenet-direct-") as scratch:
        url = (
            f"sqlite:///{scratch}/hub.db"
            if pg_url is None
            else fresh_schema(pg_url, "bench_direct")
        )
        direct = Store(url)
        report = initialise(direct, admin_name="bench", ttl_days=30)
        assert report.first_admin is not None
        actor = officer(direct, report.first_admin[0], "NL")[0]
        began = time.perf_counter()
        import_file(direct, actor, Database.TRAVEL_DOCUMENTS, text_, "csv")
        direct_seconds = time.perf_counter() - began
        direct.dispose()
    backend = "SQLite" if pg_url is None else "PostgreSQL"
    return (
        f"Import of {rows:,} travel documents into an empty hub ({backend}): over HTTP "
        f"(sent, queued, imported, followed to its end) {rows / http_seconds:,.0f} rows/s; "
        f"the direct import of the same file {rows / direct_seconds:,.0f} rows/s (HTTP at "
        f"{100 * direct_seconds / http_seconds:.0f} % of it; goal 80 %). Another bureau's "
        f"checks during it, one every 20 ms: {len(latencies)}, p50 "
        f"{statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"max {max(latencies):.0f} ms (goal: p99 under 50 ms). The hub's peak memory "
        f"{rss_before / 2**20:,.0f} MiB before the import, {rss_after / 2**20:,.0f} MiB after "
        f"(the file is {len(text_.encode()) / 2**20:,.0f} MiB: read a line at a time, never "
        "whole)."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=10_000_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--pg-url", default=None, help="Also compare imports on this PostgreSQL (schemas bench_*)."
    )
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="policenet-listing-"))
    data.mkdir(parents=True, exist_ok=True)
    db_file = data / f"listing-{args.persons}-{args.documents}.db"
    complete = db_file.with_suffix(".complete")
    url = f"sqlite:///{db_file}"
    if not complete.exists():
        for leftover in data.glob(db_file.name + "*"):
            leftover.unlink()
        store = Store(url)
        print(f"Loading {args.persons:,} persons and {args.documents:,} documents ...", flush=True)
        load(store, args.persons, args.documents)
        store.dispose()
        complete.touch()
    store = Store(url)
    with store.transaction() as session:
        admin = principals_store.first_with_role(session, Role.GS_ADMIN)
    assert admin is not None
    _, ke_token = officer(store, admin, "KE")
    store.dispose()
    hub_dir = data / "hub"
    hub_dir.mkdir(exist_ok=True)
    process, _ = serve(url, hub_dir, args.port)
    base = f"http://127.0.0.1:{args.port}"
    lines = [
        f"Lists over HTTP, {args.persons:,} persons and {args.documents:,} travel documents "
        f"(SQLite), {args.rounds} rounds each; the baseline is the same page as plain SQL on "
        "the same file, in this run.",
        "",
        "| request | p50 ms | p99 ms | plain SQL p50 ms | ratio |",
        "|---|---|---|---|---|",
    ]
    try:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {ke_token}"}, timeout=60
        ) as client:
            client.get("/v1/documents", params={"limit": "1"})  # warm
            first = timed(client, "/v1/documents", {"limit": "50", "total": "false"}, args.rounds)
            first_sql = sql_timed(
                db_file, "SELECT * FROM travel_documents ORDER BY id DESC LIMIT 51", args.rounds
            )
            lines.append(row("documents, first page", first, first_sql))
            counted = timed(client, "/v1/documents", {"limit": "50"}, args.rounds)
            lines.append(
                row("documents, first page with its total (to 10,000)", counted, first_sql)
            )
            owner = timed(
                client,
                "/v1/documents",
                {"limit": "50", "owner": "NCB-DE", "total": "false"},
                args.rounds,
            )
            owner_sql = sql_timed(
                db_file,
                "SELECT * FROM travel_documents WHERE owner_bureau_id = 'NCB-DE' "
                "ORDER BY id DESC LIMIT 51",
                args.rounds,
            )
            lines.append(row("documents of one owner", owner, owner_sql))
            names = timed(
                client,
                "/v1/persons",
                {"q": "Vladimir Petrov", "limit": "50", "total": "false"},
                args.rounds,
            )
            names_sql = sql_timed(
                db_file,
                "SELECT * FROM records WHERE database = 'persons' "
                "AND json_extract(data, '$.name') LIKE 'Vladimir Petrov%' LIMIT 51",
                args.rounds,
            )
            lines.append(
                row("persons, name search 'Vladimir Petrov' (any script)", names, names_sql)
            )
            after = deep_cursor(client, 1000)
            deep = timed(
                client,
                "/v1/documents",
                {"limit": "50", "total": "false", "after": after},
                args.rounds,
            )
            lines.append(row("documents, page 1,001", deep, first_sql))
        # Export: rate and the hub's peak memory, for none of one bureau's documents (the
        # floor) and for all of them (its file holds up to 1,000,000).
        lines.append("")
        for owner_rows in ("first", "all"):
            before = peak_rss(process.pid)
            params = {"owner": "NCB-FR"}
            if owner_rows == "first":
                params["entered_to"] = "1970-01-01T00:00:00Z"  # none: the floor of the hub
            began = time.perf_counter()
            exported = 0
            with httpx.stream(
                "GET",
                f"{base}/v1/documents/export",
                params=params,
                headers={"Authorization": f"Bearer {ke_token}"},
                timeout=3600,
            ) as answer:
                for line in answer.iter_lines():
                    exported += bool(line)
            seconds = time.perf_counter() - began
            after_rss = peak_rss(process.pid)
            lines.append(
                f"Export of {exported:,} travel documents of one bureau (JSON Lines): "
                f"{exported / max(seconds, 1e-9):,.0f} records/s; the hub's peak memory "
                f"{before / 2**20:,.0f} MiB before, {after_rss / 2**20:,.0f} MiB after."
            )
    finally:
        process.terminate()
        process.wait()
    if args.import_rows:  # 0: the lists and the export only
        lines += ["", import_comparison(args.import_rows, args.port + 1)]
        if args.pg_url:
            lines += ["", import_comparison(args.import_rows, args.port + 2, args.pg_url)]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
