"""How fast a border check is answered, against the database's own round trip.

Seeds a demo hub (10,000 travel documents) in a temporary SQLite file, or in the PostgreSQL
named by POLICENET_BENCH_DATABASE_URL, then times in this one process:

- baseline: ``SELECT 1`` on the same engine (the floor any query pays);
- lookup: the indexed lookup of one number (store layer);
- check: the whole ``POST /v1/checks`` through the ASGI app (in-process test client): token,
  lookup, access rule, audit entry written and committed, JSON answer; by number, and by
  MRZ (which also searches the holder's name among persons).

Ratios against the baseline hold on a noisy machine better than raw times.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.hub import initialise
from policenet.api.app import create_app
from policenet.demo.population import seed_demo
from policenet.settings import Settings
from policenet.store import documents
from policenet.store.db import Database

if TYPE_CHECKING:
    from collections.abc import Callable

ROUNDS = 2000


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    for _ in range(50):
        action()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="policenet-bench-"))
    url = os.environ.get("POLICENET_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    database = Database(url)
    report = initialise(database, admin_name="bench", ttl_days=1)
    assert report.first_admin is not None
    with database.transaction() as session:
        demo = seed_demo(session, report.first_admin[0], seed=1, documents=10_000, ttl_days=1)
    token = next(t.secret for p, t in demo.principals if p.role == "border_officer")
    stolen = demo.examples["stolen_passport"]
    client = TestClient(create_app(Settings(data_dir=tmp, database_url=url), database))
    client.__enter__()  # the app's start: the screening indexes are filled
    headers = {"Authorization": f"Bearer {token}"}

    def baseline() -> None:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    today = datetime.now(UTC).date()

    def lookup() -> None:
        with database.transaction() as session:
            documents.lookup(session, issuing_country="FR", number=stolen["number"], today=today)

    def check_mrz() -> None:
        answer = client.post("/v1/checks", json={"mrz": stolen["mrz"]}, headers=headers)
        assert answer.json()["hit"] is True

    by_number = {"document": {"issuing_country": "FR", "number": stolen["number"]}}

    def check_number() -> None:
        answer = client.post("/v1/checks", json=by_number, headers=headers)
        assert answer.json()["hit"] is True

    rows = [
        ("baseline SELECT 1", timed(baseline, ROUNDS)),
        ("lookup (store)", timed(lookup, ROUNDS)),
        ("POST /v1/checks, number hit", timed(check_number, ROUNDS // 2)),
        ("POST /v1/checks, MRZ hit", timed(check_mrz, ROUNDS // 2)),
    ]
    base = statistics.median(rows[0][1])
    print(
        f"backend: {database.engine.dialect.name}; 10,000 documents; "
        f"Python {sys.version.split()[0]}"
    )
    print(f"| {'what':<26} | {'p50 ms':>7} | {'p95 ms':>7} | {'per s':>7} | {'x baseline':>10} |")
    print(f"|{'-' * 28}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 12}|")
    for name, samples in rows:
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[18]
        print(
            f"| {name:<26} | {p50 * 1000:7.3f} | {p95 * 1000:7.3f} | {1 / p50:7.0f} | "
            f"{p50 / base:10.1f} |"
        )
    database.dispose()


if __name__ == "__main__":
    main()
