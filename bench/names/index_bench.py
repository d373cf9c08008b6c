"""Speed and recall of PersonIndex on synthetic persons, beside brute force and pg_trgm.

Generates N persons (default 1,000,000) of 116 countries, in their native script or
romanised, some with an alias in the other form, with birth dates; a fixed seed makes them the
same every run. Their names are spread more as real names are than popular-name lists alone
would make them: a share comes from each country's list of most popular names (a large one
where a few family names cover most people: Kim, Wang, Nguyen), the rest from the name words
of Wikidata's person names, weighted by how often they occur there
(NETransliteration-COLING2018 under ../shared/data/names; Russian, Arabic, Chinese, Katakana,
Korean and Hebrew tables). The table is chosen by the script the country's popular list is
written in, not by its language: a country whose list is romanised (Egypt, Iran, Pakistan) or
whose script has no table (Greece, Georgia, India) draws Latin words, even into its
native-script names. Where a country has only one of the two lists (42 lack family names, 10
given names), the other side of every name comes from the tail alone. Those words are mostly
Western names transliterated (John tops most tables), and given and family names share one
pool: the tail gives the population a realistic number of distinct names, not realistic
names. The share of records without an exact namesake (another record holding a name of the
same romanised words; a native form and a romanised one are not joined, so it errs high) is
printed: 86 % at 1,000,000. Then plants variants of 1,000 of them as queries (a typo, the
parts swapped, the record's name in its other form, which the record also holds, an initial,
a missing middle name, the name as recorded; each with the record's nationality, as a
passport or a diffusion gives it, and half with the birth date; the mix is printed) and
measures:

- build time and memory per record of the index;
- search latency p50 / p99 on one core, and recall of the planted record in the results;
  each miss is scored against every record, to tell a query that does not single its record
  out (ten others score higher, or a full page of namesakes scores as high: "M. Kim" without
  a birth date) from a miss of the index; recall by kind of variant, with and without the
  birth date; and recall of the same queries without their nationality;
- a brute-force rapidfuzz scan (token_sort_ratio over every name) on the same queries;
- PostgreSQL pg_trgm similarity search over the same names (romanised), when
  POLICENET_BENCH_DATABASE_URL names a database where the extension may be created.

Usage: python bench/names/index_bench.py [--persons N]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gc
import itertools
import os
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from policenet.matching.names import PARTICLES, latin, script_of
from policenet.matching.persons import PartialDate, PersonQuery, PersonRecord, compare
from policenet.screening.persons import PersonIndex

NAMES = Path(__file__).resolve().parents[3] / "shared/data/names"
DATA = NAMES / "sigpwned_popular_names"
WIKIDATA = NAMES / "netransliteration_coling2018"
QUERIES = 1000
# Share of given and family names drawn from a country's list of most popular names (all of
# them from the tail where the country has no such list); the rest come from the long tail
# of name words of Wikidata's person names in the country's script, weighted by how often each
# occurs there. Where a few family names cover most people (Kim, Lee and Park; Wang, Li and
# Zhang; Nguyen), the popular list carries the most.
POPULAR_GIVEN = 0.35
POPULAR_FAMILY = 0.25
FEW_FAMILY_NAMES = {"CN": 0.7, "TW": 0.7, "KR": 0.8, "VN": 0.7}
# The tail for a country whose popular names are written in a script with its own Wikidata
# table; every other country draws from the Latin words of the four token tables.
TAIL_BY_SCRIPT = {"CYRILLIC": "ru", "ARABIC": "ar", "CJK": "zh", "HANGUL": "ko", "HEBREW": "he"}
TAIL_BY_COUNTRY = {"JP": "ja_katakana"}

Name = tuple[str, str]  # as written in the country's script, and romanised


def names_by_country(file: str) -> dict[str, list[Name]]:
    found: dict[str, list[Name]] = {}
    with (DATA / file).open(encoding="utf-8") as source:
        for row in csv.DictReader(source):
            roman, local = row["Romanized Name"], row["Localized Name"].strip()
            # Some names are romanised with a hyphen: Korean and Taiwanese given names
            # (Ji-an, Shu-fen), Amir-Ali, Abdel-Rahman.
            if roman.replace("-", "").isalpha() and len(roman) > 1 and local and " " not in local:
                found.setdefault(row["Country"], []).append((row["Localized Name"], roman))
    return found


class Tail:
    """Real name words with their Wikidata frequencies, drawn in proportion to them."""

    def __init__(self, counts: Counter[Name]) -> None:
        self.names = list(counts)
        self.cumulative = list(itertools.accumulate(counts.values()))

    def draw(self, rng: random.Random) -> Name:
        point = rng.random() * self.cumulative[-1]
        return self.names[bisect.bisect_right(self.cumulative, point)]


def _word(roman: str) -> bool:
    return roman.isalpha() and roman.isascii() and len(roman) > 2 and roman not in PARTICLES


def tails() -> dict[str, Tail]:
    """Name words by table: each token table as it is, each full-name table split into its
    words where both sides have two, and the Latin words of all of them."""
    counts: dict[str, Counter[Name]] = {}
    latin_words: Counter[Name] = Counter()
    for table in ("ru", "ar", "zh", "ja_katakana"):
        found: Counter[Name] = Counter()
        with (WIKIDATA / f"tokens_en_{table}.tsv").open(encoding="utf-8") as source:
            rows = csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)
            for roman, native, count, _split in rows:
                if _word(roman):
                    found[(native.capitalize(), roman.capitalize())] += int(count)
                    latin_words[(roman.capitalize(), roman.capitalize())] += int(count)
        counts[table] = found
    for table in ("ko", "he"):
        found = Counter()
        with (WIKIDATA / f"fullnames_en_{table}.tsv").open(encoding="utf-8") as source:
            rows = csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)
            for english, native in rows:
                romans, natives = english.split(), native.split()
                if len(romans) == len(natives) == 2:
                    for roman, word in zip(romans, natives, strict=True):
                        if _word(roman.lower()):
                            found[(word, roman)] += 1
        counts[table] = found
    return {table: Tail(found) for table, found in counts.items()} | {"latin": Tail(latin_words)}


def pick(rng: random.Random, popular: list[Name], share: float, tail: Tail) -> Name:
    return rng.choice(popular) if popular and rng.random() < share else tail.draw(rng)


def generate(count: int, rng: random.Random) -> list[PersonRecord]:
    given, family = (
        names_by_country("common-forenames-by-country.csv"),
        names_by_country("common-surnames-by-country.csv"),
    )
    countries = sorted(set(given) | set(family))
    pools = tails()
    tail_of = {}
    for country in countries:
        given.setdefault(country, [])
        family.setdefault(country, [])
        scripts = Counter(script_of(local) for local, _ in given[country] + family[country])
        script = max((s for s in scripts if s != "LATIN"), key=scripts.__getitem__, default="")
        table = TAIL_BY_COUNTRY.get(country) or TAIL_BY_SCRIPT.get(script, "latin")
        tail_of[country] = pools[table]
    records = []
    for number in range(count):
        country = rng.choice(countries)
        tail = tail_of[country]
        popular_family = FEW_FAMILY_NAMES.get(country, POPULAR_FAMILY)
        (g_local, g_roman), (f_local, f_roman), (_m_local, m_roman) = (
            pick(rng, given[country], POPULAR_GIVEN, tail),
            pick(rng, family[country], popular_family, tail),
            pick(rng, given[country], POPULAR_GIVEN, tail),
        )
        native = f"{g_local} {f_local}"
        roman = f"{g_roman} {f_roman}" if rng.random() < 0.7 else f"{g_roman} {m_roman} {f_roman}"
        names = (
            (native, roman)
            if native != roman and rng.random() < 0.5
            else ((native,) if rng.random() < 0.5 else (roman,))
        )
        birth = PartialDate(rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28))
        records.append(PersonRecord(number, names, (birth,), (country,)))
    return records


def without_namesake(records: list[PersonRecord]) -> tuple[float, float]:
    """Shares of records with no exact namesake, and with more than ten: another record
    holding a name of the same romanised words, in any order."""
    held = [{" ".join(sorted(latin(w) for w in n.split())) for n in r.names} for r in records]
    counts = Counter(name for names in held for name in names)
    most = [max(counts[name] for name in names) - 1 for names in held]
    return sum(m == 0 for m in most) / len(most), sum(m > 10 for m in most) / len(most)


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
    return kind, PersonQuery((" ".join(words),), birth, record.nationalities[0])


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
    gc.freeze()  # as the hub does once its indexes are loaded (policenet.api.app)

    latencies, found, tied = [], 0, 0
    by_kind: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    missed: list[tuple[PersonRecord, PersonQuery]] = []
    for (kind, query), record in zip(made, planted, strict=True):
        begin = time.perf_counter()
        matches = index.search(query, limit=10)
        latencies.append(time.perf_counter() - begin)
        dated = "dated" if query.birth_date else "undated"
        by_kind[kind][dated] += 1
        if any(m.record_id == record.id for m in matches):
            found += 1
            by_kind[kind][f"{dated} found"] += 1
        elif (
            len(matches) == 10
            and (planted_score := compare(query, record).score) >= 0.85
            and (planted_score == matches[-1].score)
        ):
            tied += 1  # a full page of records scoring exactly as high: namesakes
            by_kind[kind][f"{dated} tied"] += 1
        else:
            missed.append((record, query))
    # The same queries on the name (and birth date) alone: what a nationality adds.
    name_only = sum(
        any(m.record_id == record.id for m in index.search(replace(query, nationality=None)))
        for query, record in zip(queries, planted, strict=True)
    )
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
    alone, crowded = without_namesake(records)
    print(
        f"{args.persons:,} persons ({len(all_names):,} names); {alone:.1%} without an exact "
        f"namesake, {crowded:.1%} with more than ten. {QUERIES} planted queries: "
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
    singled_out = QUERIES - tied - outranked
    print(
        f"| recall of the planted record, the queries without their nationality | "
        f"{name_only / QUERIES:.3f} |"
    )
    print(
        f"| recall of the planted record where the exhaustive scorer singles it out "
        f"({singled_out} queries) | {found / singled_out:.3f} |"
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
    print("\n| variant | with birth date: found / tied / asked | without: found / tied / asked |")
    print("|---|---|---|")
    for kind, seen in by_kind.items():
        print(
            f"| {kind} | "
            + " | ".join(
                f"{seen[f'{dated} found']} / {seen[f'{dated} tied']} / {seen[dated]}"
                for dated in ("dated", "undated")
            )
            + " |"
        )


if __name__ == "__main__":
    main()
