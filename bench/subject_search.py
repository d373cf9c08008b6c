"""The search for a person in the files (a data protection officer's, for a request of the
person), at scale: how long it takes when some of the persons answer no check any more.

Loads ``--persons`` persons into an SQLite hub through the bulk import, serves it
(``policenet serve``), records one access request, and times its search
(``GET /v1/data-protection/requests/{id}/search``):

- with every person in force (the baseline, in this same run): the name engine's index only;
- after ``--resting`` of them (a share) were put past their review date: those are not in the
  index, and the search reads and scores each of them too.

    python bench/subject_search.py [--persons 100000] [--resting 0.1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from databases import officer, persons_jsonl, serve  # bench/databases.py, beside this script
from sqlalchemy import text

from policenet.actions.exchange import import_file
from policenet.actions.hub import initialise
from policenet.actions.principals import create_principal
from policenet.domain.principals import PrincipalCreate, Role
from policenet.domain.records import Database
from policenet.store.db import Database as Store

PER_FILE = 100_000


def timed(client: httpx.Client, path: str, rounds: int) -> tuple[list[float], int]:
    samples, found = [], 0
    for _ in range(rounds):
        began = time.perf_counter()
        answer = client.get(path)
        samples.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
        found = len(answer.json())
    return samples, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--resting", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8793)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="policenet-subject-") as scratch:
        url = f"sqlite:///{scratch}/hub.db"
        store = Store(url)
        report = initialise(store, admin_name="bench", ttl_days=30)
        assert report.first_admin is not None
        admin = report.first_admin[0]
        owner = officer(store, admin, "FR")[0]
        for start in range(0, args.persons, PER_FILE):
            count = min(PER_FILE, args.persons - start)
            import_file(store, owner, Database.PERSONS, persons_jsonl(start, count), "jsonl")
        with store.transaction() as session:
            _, issued = create_principal(
                session,
                admin,
                PrincipalCreate(name="bench DPO", role=Role.DATA_PROTECTION),
                default_ttl_days=30,
            )
        store.dispose()
        process, _ = serve(url, Path(scratch), args.port)
        try:
            headers = {"Authorization": f"Bearer {issued.secret}"}
            base = f"http://127.0.0.1:{args.port}"
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                request = client.post(
                    "/v1/data-protection/requests",
                    json={
                        "kind": "access",
                        # One of the names the bench gives (bench/databases.py), in another
                        # script, as a person would write it to the Commission.
                        "subject": {"name": "Владимир Петров", "birth_date": "1950-11-11"},
                        "received_on": datetime.now(UTC).date().isoformat(),
                        "requester": "bench",
                    },
                ).json()
                path = f"/v1/data-protection/requests/{request['id']}/search"
                client.get(path).raise_for_status()  # the indexes loaded
                base_samples, base_found = timed(client, path, args.rounds)
                store = Store(url)
                with store.transaction() as session:
                    session.execute(
                        text(
                            "UPDATE records SET review_date = '2000-01-01' "
                            "WHERE database = 'persons' AND id % :every = 0"
                        ),
                        {"every": max(1, round(1 / args.resting))},
                    )
                    resting = session.execute(
                        text("SELECT count(*) FROM records WHERE review_date = '2000-01-01'")
                    ).scalar_one()
                store.dispose()
                samples, found = timed(client, path, args.rounds)
        finally:
            process.terminate()
            process.wait()
    base_p50, p50 = statistics.median(base_samples), statistics.median(samples)
    print(f"\nThe search for a person in the files, {args.persons:,} persons (SQLite, HTTP)\n")
    print("| search | p50 ms | max ms | listed | ratio |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| every person in force (baseline) | {base_p50:.0f} | {max(base_samples):.0f} | "
        f"{base_found} | 1.0x |"
    )
    print(
        f"| {resting:,} past review, read and scored | {p50:.0f} | {max(samples):.0f} | "
        f"{found} | {p50 / base_p50:.1f}x |"
    )


if __name__ == "__main__":
    main()
