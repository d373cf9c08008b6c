"""Every database behind one check, at the scale of the real systems.

Loads (or reuses) an SQLite hub with 10,000,000 travel documents, 1,000,000 vehicles and
200,000 persons (``--documents``, ``--vehicles``, ``--persons`` to change), through the same
bulk import a bureau uses, then measures:

- import speed of travel documents (rows per second, one file of 1,000,000 rows per bureau);
- the hub process serving it: start time, resident memory per million records, and the bytes
  per key of the exact-key index;
- document and vehicle checks through HTTP, sent at 200 per second by a separate client process
  (bench/load.py, on Python's own http.client), against ``GET /v1/health`` from the same
  client (the HTTP floor);
- a 1,000-item batch through HTTP;
- in this process: the screening index's lookup per second on one core, against the same
  lookups as plain indexed SQL queries on the same database.

    python bench/databases.py [--data DIR] [--documents N] [--vehicles N] [--persons N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from load import Connection  # bench/load.py, beside this script

from policenet.actions.exchange import import_file
from policenet.actions.hub import initialise
from policenet.actions.principals import create_principal
from policenet.domain.principals import Principal, PrincipalCreate, Role
from policenet.domain.records import Database
from policenet.matching.documents import comparison_key
from policenet.matching.identifiers import vin_check_digit
from policenet.screening.service import Screening
from policenet.store import principals as principals_store
from policenet.store.db import Database as Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

HERE = Path(__file__).resolve().parent
COUNTRIES = ("FR", "DE", "US", "GB", "IT", "ES", "NL", "BR", "JP", "IN", "NG", "MX", "CA")
PER_FILE = 1_000_000
ALPHABET = string.ascii_uppercase + string.digits
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
NAMES = (
    ("Vladimir", "Владимир"),
    ("Aleksandr", "Александр"),
    ("Mohammed", "محمد"),
    ("Ahmed", "أحمد"),
    ("Maria", "Μαρία"),
    ("Ioannis", "Ιωάννης"),
    ("David", "דוד"),
    ("Rahul", "राहुल"),
    ("Min-su", "민수"),
    ("Wei", "伟"),
)
FAMILIES = (
    ("Petrov", "Петров"),
    ("Ivanov", "Иванов"),
    ("Hassan", "حسن"),
    ("Papadopoulos", "Παπαδόπουλος"),
    ("Cohen", "כהן"),
    ("Sharma", "शर्मा"),
    ("Kim", "김"),
    ("Wang", "王"),
    ("Garcia", "García"),
    ("Muller", "Müller"),
)


def document_number(country: str, i: int) -> str:
    """Unique per country: two letters drawn from the seed, then the row number in base 36."""
    rng = random.Random(f"{country}{i}")
    digits = ""
    while True:
        i, rest = divmod(i, 36)
        digits = ALPHABET[rest] + digits
        if i == 0:
            break
    return "".join(rng.choices(string.ascii_uppercase, k=2)) + digits.rjust(7, "0")


def random_vin(rng: random.Random) -> str:
    """A North American VIN drawn from ``rng``, with its correct check digit."""
    body = "1" + "".join(rng.choices(VIN_ALPHABET, k=16))
    return body[:8] + vin_check_digit(body) + body[9:]


def vin(i: int) -> str:
    return random_vin(random.Random(i))


def plate(i: int) -> str:
    return f"B{i:07d}"


def bureau_officer(session: Session, admin: Principal, country: str) -> tuple[Principal, str]:
    """An officer of the country's bureau, made by an NCB administrator the GS ``admin``
    makes: the officer and its token."""
    ncb_admin, _ = create_principal(
        session,
        admin,
        PrincipalCreate(name=f"{country} admin", role=Role.NCB_ADMIN, country=country),
        default_ttl_days=30,
    )
    person, issued = create_principal(
        session,
        ncb_admin,
        PrincipalCreate(name=f"{country} officer", role=Role.NCB_OFFICER),
        default_ttl_days=30,
    )
    return person, issued.secret


def officer(store: Store, admin: Principal, country: str) -> tuple[Principal, str]:
    with store.transaction() as session:
        return bureau_officer(session, admin, country)


def documents_csv(country: str, start: int, count: int) -> str:
    lines = ["external_ref,issuing_country,document_type,number,status,event_date"]
    lines += [
        f"B-{country}-{i},{country},passport,{document_number(country, i)},stolen,2025-06-01"
        for i in range(start, start + count)
    ]
    return "\n".join(lines) + "\n"


def vehicles_jsonl(country: str, start: int, count: int) -> str:
    return "".join(
        json.dumps(
            {
                "external_ref": f"BV-{i}",
                "vin": vin(i),
                "plate": plate(i),
                "plate_country": country,
                "make": "Toyota",
                "theft_date": "2025-06-01",
            }
        )
        + "\n"
        for i in range(start, start + count)
    )


def persons_jsonl(start: int, count: int) -> str:
    rng = random.Random(start)
    rows = []
    for i in range(start, start + count):
        given, family = rng.choice(NAMES), rng.choice(FAMILIES)
        native = rng.random() < 0.5
        name = f"{given[native]} {family[native]} {i:x}"
        rows.append(
            json.dumps(
                {
                    "external_ref": f"BP-{i}",
                    "name": name,
                    "birth_date": f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(rows) + "\n"


def load(store: Store, args: argparse.Namespace) -> dict[str, float]:
    """Fill the hub through the bulk import; returns the import rates seen."""
    report = initialise(store, admin_name="bench", ttl_days=30)
    assert report.first_admin is not None
    admin = report.first_admin[0]
    rates: dict[str, list[float]] = {"travel_documents": [], "vehicles": [], "persons": []}
    for country in COUNTRIES:
        actors[country] = officer(store, admin, country)[0]
    done = 0
    for n, country in enumerate(COUNTRIES * 10):
        if done >= args.documents:
            break
        count = min(PER_FILE, args.documents - done)
        actor = actors[country]
        text = documents_csv(country, n * PER_FILE, count)
        started = time.perf_counter()
        import_file(store, actor, Database.TRAVEL_DOCUMENTS, text, "csv")
        rates["travel_documents"].append(count / (time.perf_counter() - started))
        done += count
        print(f"  {done:,} travel documents ({rates['travel_documents'][-1]:,.0f} rows/s)")
    for start in range(0, args.vehicles, PER_FILE):
        count = min(PER_FILE, args.vehicles - start)
        text = vehicles_jsonl("DE", start, count)
        began = time.perf_counter()
        import_file(store, actors["DE"], Database.VEHICLES, text, "jsonl")
        rates["vehicles"].append(count / (time.perf_counter() - began))
        print(f"  {start + count:,} vehicles ({rates['vehicles'][-1]:,.0f} rows/s)")
    for start in range(0, args.persons, PER_FILE):
        count = min(PER_FILE, args.persons - start)
        began = time.perf_counter()
        import_file(store, actors["FR"], Database.PERSONS, persons_jsonl(start, count), "jsonl")
        rates["persons"].append(count / (time.perf_counter() - began))
        print(f"  {start + count:,} persons ({rates['persons'][-1]:,.0f} rows/s)")
    return {k: statistics.median(v) for k, v in rates.items() if v}


actors: dict[str, Principal] = {}


def border_token(store: Store) -> str:
    """A token for an NCB officer of a country that owns nothing here (a foreign checker)."""
    with store.transaction() as session:
        admin = principals_store.first_with_role(session, Role.GS_ADMIN)
        assert admin is not None
    return officer(store, admin, "KE")[1]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def rss_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def serve(url: str, data: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {**os.environ, "POLICENET_DATABASE_URL": url, "POLICENET_DATA_DIR": str(data)}
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "policenet.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.5)
        if process.poll() is not None:
            raise SystemExit("the hub did not start")


def import_ratio(count: int) -> tuple[float, float]:
    """The same file of travel documents imported into an empty store with its validation in
    a second process and in this one: rows per second of each."""
    rates = []
    for worker_from in (0, 10**15):
        with tempfile.TemporaryDirectory(prefix="policenet-import-") as scratch:
            store = Store(f"sqlite:///{scratch}/hub.db")
            report = initialise(store, admin_name="bench", ttl_days=30)
            assert report.first_admin is not None
            actor = officer(store, report.first_admin[0], "FR")[0]
            text = documents_csv("FR", 0, count)
            began = time.perf_counter()
            import_file(
                store, actor, Database.TRAVEL_DOCUMENTS, text, "csv", worker_from=worker_from
            )
            rates.append(count / (time.perf_counter() - began))
            store.dispose()
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None, help="Keep the hub here, reuse it.")
    parser.add_argument("--documents", type=int, default=10_000_000)
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="policenet-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    db_file = data / f"hub-{args.documents}-{args.vehicles}-{args.persons}.db"
    url = f"sqlite:///{db_file}"
    # Marked complete only once loaded: an interrupted load is never taken for a finished one.
    complete = db_file.with_suffix(".complete")
    fresh = not complete.exists()
    rates: dict[str, float] = {}
    if fresh:
        for leftover in data.glob(db_file.name + "*"):
            leftover.unlink()
        store = Store(url)
        print(
            f"Loading {args.documents:,} documents, {args.vehicles:,} vehicles, "
            f"{args.persons:,} persons into {db_file} ..."
        )
        rates = load(store, args)
        complete.write_text(json.dumps(rates))
    else:
        store = Store(url)
        rates = json.loads(complete.read_text())
        print(f"Reusing {db_file}; import speeds are those measured when it was built.")
    token = border_token(store)
    ratio_rows = min(500_000, args.documents)
    with_worker, in_process = import_ratio(ratio_rows)

    # --- in this process: the screening index against plain SQL -------------------------------
    screening = Screening()
    before = rss_of(os.getpid())
    began = time.perf_counter()
    with store.reading() as session:
        screening.refresh(session)
    build_s = time.perf_counter() - began
    index_rss = rss_of(os.getpid()) - before
    keys = len(screening.keys)
    rng = random.Random(7)
    hit_numbers = [
        (c, document_number(c, i))
        for c, i in (
            (
                COUNTRIES[n % len(COUNTRIES)],
                n * PER_FILE + rng.randrange(min(PER_FILE, args.documents)),
            )
            for n in rng.choices(range(max(1, args.documents // PER_FILE)), k=5000)
        )
    ]
    miss_numbers = [
        (rng.choice(COUNTRIES), "".join(rng.choices(ALPHABET, k=8))) for _ in range(45000)
    ]
    asked = hit_numbers + miss_numbers
    rng.shuffle(asked)
    keyed = [(c, comparison_key(n)) for c, n in asked]
    began = time.perf_counter()
    found_index = sum(1 for c, k in keyed if screening.document_candidates(c, k))
    index_rate = len(keyed) / (time.perf_counter() - began)
    connection = sqlite3.connect(db_file)
    began = time.perf_counter()
    found_sql = 0
    for c, k in keyed[:20000]:
        found_sql += bool(
            connection.execute(
                "SELECT id FROM travel_documents WHERE issuing_country = ? AND number_key = ? "
                "AND withdrawn_at IS NULL",
                (c, k),
            ).fetchall()
        )
    sql_rate = 20000 / (time.perf_counter() - began)
    connection.close()
    vins = [vin(rng.randrange(max(1, args.vehicles))) for _ in range(5000)] + [
        vin(10**9 + i) for i in range(45000)
    ]
    began = time.perf_counter()
    vin_found = sum(1 for v in vins if screening.record_candidates("vin", v))
    vin_rate = len(vins) / (time.perf_counter() - began)

    # --- the hub process, over HTTP -----------------------------------------------------------
    port = 8790
    process, start_s = serve(url, data, port)
    try:
        hub_rss = rss_of(process.pid)
        bodies = []
        for c, n in asked[:2000]:
            bodies.append(
                {"path": "/v1/checks", "json": {"document": {"issuing_country": c, "number": n}}}
            )
        for i in range(1000):
            v = vin(rng.randrange(args.vehicles)) if i % 10 == 0 else vin(10**9 + i)
            bodies.append({"path": "/v1/checks", "json": {"vehicle": {"vin": v}}})
        rng.shuffle(bodies)
        bodies_file = data / "bodies.json"
        bodies_file.write_text(json.dumps(bodies))
        base = f"http://127.0.0.1:{port}"

        def run_load(file: Path, rate: float, seconds: float) -> dict[str, object]:
            out = subprocess.run(  # noqa: S603 - our own script
                [
                    sys.executable,
                    str(HERE / "load.py"),
                    base,
                    token,
                    str(rate),
                    str(seconds),
                    str(file),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            result: dict[str, object] = json.loads(out.stdout)
            return result

        # The floor: a plain HTTP round trip from the same client (health, no token work).
        floor = []
        health = Connection(base, token)
        for _ in range(300):
            t = time.perf_counter()
            health.get("/v1/health")
            floor.append(time.perf_counter() - t)
        checks = run_load(bodies_file, args.rate, args.seconds)
        latencies = checks["latencies"]
        assert isinstance(latencies, list)
        errors = checks["errors"]
        assert isinstance(errors, list)
        late = checks["late"]
        assert isinstance(late, list)
        batch_body = {"checks": [b["json"] for b in bodies[:1000]]}
        batch_times = []
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            for _ in range(5):
                t = time.perf_counter()
                answer = client.post("/v1/checks/batch", json=batch_body)
                batch_times.append(time.perf_counter() - t)
                assert answer.status_code == 200, answer.text
    finally:
        process.terminate()
        process.wait()

    records = args.documents + args.vehicles + args.persons
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    floor50 = percentile(floor, 0.5)
    print()
    print(
        f"SQLite, {args.documents:,} travel documents, {args.vehicles:,} vehicles, "
        f"{args.persons:,} persons; Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    rows: list[tuple[str, str, str, str]] = []
    for database, rate in rates.items():
        target = "≥ 50,000 rows/s" if database == "travel_documents" else "—"
        rows.append((f"import, {database}", f"{rate:,.0f} rows/s", target, "—"))
    rows.append(
        (
            f"import, {ratio_rows:,} documents into an empty store",
            f"{with_worker:,.0f} rows/s",
            "—",
            f"{with_worker / in_process:.1f}x validated in this process ({in_process:,.0f} /s)",
        )
    )
    health = f"{floor50 * 1e3:.2f} ms"
    rows += [
        (
            f"HTTP check p50 (document or vehicle, {args.rate:.0f}/s)",
            f"{p50 * 1e3:.2f} ms",
            "≤ 2 ms",
            f"{p50 / floor50:.1f}x GET /v1/health ({health})",
        ),
        ("HTTP check p99", f"{p99 * 1e3:.2f} ms", "≤ 10 ms", f"{p99 / floor50:.1f}x health p50"),
        (
            "requests answered / errors / sent > 1 ms late",
            f"{len(latencies)} / {len(errors)} / {len(late)}",
            "—",
            "—",
        ),
        (
            "1,000-item batch (median of 5)",
            f"{statistics.median(batch_times) * 1e3:.0f} ms",
            "≤ 200 ms",
            "—",
        ),
        (
            "in-process document lookup, one core",
            f"{index_rate:,.0f} /s",
            "≥ 200,000 /s",
            f"{index_rate / sql_rate:.0f}x plain indexed SQL ({sql_rate:,.0f} /s)",
        ),
        ("in-process VIN lookup, one core", f"{vin_rate:,.0f} /s", "—", "—"),
        (
            "exact-key index",
            f"{screening.keys.nbytes / max(keys, 1):.0f} bytes/key ({keys:,} keys)",
            "≤ 100 bytes/record",
            "—",
        ),
        (
            "all indexes, built in this process",
            f"{build_s:.0f} s, {index_rss / 1e6:.0f} MB resident",
            "—",
            f"{index_rss / records:.0f} bytes per record",
        ),
        (
            "hub process",
            f"started in {start_s:.0f} s, {hub_rss / 1e6:.0f} MB resident",
            "—",
            f"{hub_rss / records * 1e6 / 1e6:.0f} bytes per record",
        ),
        (
            "document lookups that hit (index / SQL sample)",
            f"{found_index} / {found_sql}",
            "—",
            "—",
        ),
        ("VIN lookups that hit", f"{vin_found} of {len(vins)}", "—", "—"),
    ]
    print("| measure | value | target | compared with |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
