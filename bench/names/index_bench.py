"""Speed and recall of PersonIndex on synthetic persons, beside brute force and pg_trgm.

Generates N persons (default 1,000,000) from the popular names of many countries, in their
native script or romanised, some with an alias in the other form, with birth dates; a fixed
seed makes them the same every run. Then plants variants of 1,000 of them as queries (typos,
swapped order, the other script, an initial, a missing middle name; the mix is printed) and
measures:

- build time and memory per record of the index;
- search latency p50 / p99 on one core, and recall of the planted record in the results;
  each miss is scored against every record, to tell a query that does not single its record
  out (ten others score higher) from a miss of the index;
- a brute-force rapidfuzz scan (token_sort_ratio over every name) on the same queries;
- PostgreSQL pg_trgm similarity search over the same names (romanised), when
  POLICENET_BENCH_DATABASE_URL names a database where the extension may be created.

Usage: python bench/names/index_bench.py [--persons N]
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

from policenet.matching.names import latin
from policenet.matching.persons import PartialDate, PersonQuery, PersonRecord, compare
from policenet.screening.persons import PersonIndex

DATA = Path(__file__).resolve().parents[3] / "shared/data/names/sigpwned_popular_names"
QUERIES = 1000


def names_by_country(file: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    with (DATA / file).open(encoding="utf-8") as source:
        for row in csv.DictReader(source):
            roman, local = row["Romanized Name"], row["Localized Name"].strip()
            if roman.isalpha() and len(roman) > 1 and local and " " not in local:
                found.setdefault(row["Country"], []).append((row["Localized Name"], roman))
    return found


def generate(count: int, rng: random.Random) -> list[PersonRecord]:
    given, family = (
        names_by_country("common-forenames-by-country.csv"),
        names_by_country("common-surnames-by-country.csv"),
    )
    countries = sorted(set(given) & set(family))
    records = []
    for number in range(count):
        country = rng.choice(countries)
        (g_local, g_roman), (f_local, f_roman) = (
            rng.choice(given[country]),
            rng.choice(family[country]),
        )
        (_m_local, m_roman) = rng.choice(given[country])
        native = f"{g_local} {f_local}"
        roman = f"{g_roman} {f_roman}" if rng.random() < 0.7 else f"{g_roman} {m_roman} {f_roman}"
        names = (
            (native, roman)
            if native != roman and rng.random() < 0.5
            else ((native,) if rng.random() < 0.5 else (roman,))
        )
        birth = PartialDate(rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28))
        records.append(PersonRecord(number, names, (birth,)))
    return records


KINDS = ("typo", "swap", "other_form", "initial", "no_middle", "as_recorded")


def variant(rng: random.Random, record: PersonRecord) -> tuple[str, PersonQuery]:
    """A query for the record, and the kind of variant, chosen among those that apply."""
    name = rng.choice(record.names)
    words = name.split()
    others = [n for n in record.names if n != name]
    applicable = ["as_recorded", "swap"] if len(words) > 1 else ["as_recorded"]
    if len(words[-1]) > 3:
        applicable.append("typo")
    if others:
        applicable.append("other_form")
    if len(words) > 1 and words[0].isascii():
        applicable.append("initial")
    if len(words) > 2:
        applicable.append("no_middle")
    kind = rng.choice(applicable)
    if kind == "typo":
        i = rng.randrange(1, len(words[-1]) - 1)
        words[-1] = words[-1][:i] + words[-1][i + 1] + words[-1][i] + words[-1][i + 2 :]
    elif kind == "swap":
        words = [words[-1] + ",", *words[:-1]]
    elif kind == "other_form":
        words = others[0].split()
    elif kind == "initial":
        words[0] = words[0][0] + "."
    elif kind == "no_middle":
        words = [words[0], words[-1]]
    birth = record.birth_dates[0] if rng.random() < 0.5 else None
    return kind, PersonQuery((" ".join(words),), birth)


def resident_bytes() -> int:
    """The process's resident memory (Linux), so that the index is measured as the OS sees it."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def pg_trgm(records: list[PersonRecord], queries: list[PersonQuery]) -> float | None:
    url = os.environ.get("POLICENET_BENCH_DATABASE_URL")
    if not url:
        return None
    from sqlalchemy import text

    from policenet.store.db import Database

    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        connection.execute(text("DROP TABLE IF EXISTS bench_names"))
        connection.execute(text("CREATE TABLE bench_names (id integer, name text)"))
        rows = [
            {"id": r.id, "name": " ".join(latin(w) for w in n.split())}
            for r in records
            for n in r.names
        ]
        for start in range(0, len(rows), 50_000):
            connection.execute(
                text("INSERT INTO bench_names VALUES (:id, :name)"), rows[start : start + 50_000]
            )
        connection.execute(text("CREATE INDEX ON bench_names USING gin (name gin_trgm_ops)"))
        connection.execute(text("ANALYZE bench_names"))
    samples = []
    with database.engine.connect() as connection:
        for query in queries[:200]:
            asked = " ".join(latin(w) for w in query.names[0].split())
            start = time.perf_counter()
            connection.execute(
                text(
                    "SELECT id FROM bench_names WHERE name % :q ORDER BY similarity(name, :q) DESC "
                    "LIMIT 10"
                ),
                {"q": asked},
            ).all()
            samples.append(time.perf_counter() - start)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE bench_names"))
    database.dispose()
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(1923)
    records = generate(args.persons, rng)
    planted = rng.sample(records, QUERIES)
    made = [variant(rng, r) for r in planted]
    queries = [query for _, query in made]
    kinds = Counter(kind for kind, _ in made)

    gc.collect()
    before = resident_bytes()
    start = time.perf_counter()
    index = PersonIndex.build(records)
    build = time.perf_counter() - start
    gc.collect()
    memory = resident_bytes() - before

    latencies, found, tied = [], 0, 0
    missed: list[tuple[PersonRecord, PersonQuery]] = []
    for record, query in zip(planted, queries, strict=True):
        begin = time.perf_counter()
        matches = index.search(query, limit=10)
        latencies.append(time.perf_counter() - begin)
        if any(m.record_id == record.id for m in matches):
            found += 1
        elif (
            len(matches) == 10
            and (planted_score := compare(query, record).score) >= 0.85
            and (planted_score == matches[-1].score)
        ):
            tied += 1  # a full page of records scoring exactly as high: namesakes
        else:
            missed.append((record, query))
    # Each other miss against every record (the scorer run exhaustively): when ten others
    # score higher than the planted record, the query does not single it out (a name without
    # its middle name and no birth date, among namesakes) and no index could list it.
    outranked = 0
    for record, query in missed:
        planted_score = compare(query, record).score
        better = sum(
            1 for r in records if r.id != record.id and compare(query, r).score > planted_score
        )
        outranked += better >= 10

    all_names = [n for r in records for n in r.names]
    brute = []
    for query in queries[:20]:
        begin = time.perf_counter()
        process.extract(query.names[0], all_names, scorer=fuzz.token_sort_ratio, limit=10)
        brute.append(time.perf_counter() - begin)
    trgm = pg_trgm(records, queries)

    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    print(
        f"{args.persons:,} persons ({len(all_names):,} names); {QUERIES} planted queries: "
        + ", ".join(f"{kind} {kinds[kind]}" for kind in KINDS)
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| build time | {build:.1f} s ({build / args.persons * 1e6:.0f} µs per record) |")
    print(
        f"| index memory (resident, with parse caches) | {memory / args.persons:.0f} bytes "
        "per record |"
    )
    print(f"| search p50 / p99 | {p50 * 1000:.2f} ms / {p99 * 1000:.2f} ms |")
    print(f"| recall of the planted record (in the top 10) | {found / QUERIES:.3f} |")
    print(f"| ... or a full page of namesakes scoring exactly as high | {tied / QUERIES:.3f} |")
    print(
        f"| ... or ten others scoring higher, over every record (exhaustive) | "
        f"{outranked / QUERIES:.3f} |"
    )
    print(
        f"| misses of the index against the exhaustive scorer | "
        f"{(len(missed) - outranked) / QUERIES:.3f} |"
    )
    brute_median = statistics.median(brute)
    print(
        f"| brute-force rapidfuzz scan, median | {brute_median * 1000:.0f} ms "
        f"({brute_median / p50:.0f}x the index) |"
    )
    if trgm is not None:
        print(
            f"| PostgreSQL pg_trgm, median | {trgm * 1000:.1f} ms ({trgm / p50:.1f}x the index) |"
        )


if __name__ == "__main__":
    main()
