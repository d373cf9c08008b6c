"""The cost of checks against a record of many long names, with and without the cost limit.

A person may be recorded with a name and 30 aliases of 300 characters (12 parts each, the
most a name keeps): scoring is parts times parts for every name, so a long query against such
a record cost about 10 ms a check. The index now scores only the ``SCORED_NAMES`` names that
share most with the query. This times, in one process on one index of 2,000 ordinary persons
and one such record: long queries that reach the heavy record and two-word queries that share
a word with it, scored on every name (the baseline: the limit lifted) and under the limit.

    python bench/names/cost.py [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from policenet.matching.persons import PersonQuery, PersonRecord
from policenet.screening import persons
from policenet.screening.persons import PersonIndex


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)

    def word(length: int = 7) -> str:
        return "".join(rng.choice("abcdefghijklmnoprstuvy") for _ in range(length)).capitalize()

    index = PersonIndex()
    for number in range(2000):
        index.add(PersonRecord(number, (f"{word()} {word()}",)))
    pool = [word() for _ in range(60)]

    def long_name() -> str:
        return " ".join(rng.choice(pool) for _ in range(40))[:300]

    index.add(PersonRecord("heavy", tuple(long_name() for _ in range(31))))
    long_queries = [PersonQuery((long_name(),)) for _ in range(args.queries)]
    short_queries = [PersonQuery((f"{rng.choice(pool)} {word()}",)) for _ in range(args.queries)]

    def timed(queries: list[PersonQuery]) -> list[float]:
        samples = []
        for query in queries:
            began = time.perf_counter()
            index.search(query)
            samples.append((time.perf_counter() - began) * 1000)
        return samples

    print("| queries | every name scored p50 / p99 ms | limited p50 / p99 ms | ratio (p50) |")
    print("|---|---|---|---|")
    limit = persons.SCORED_NAMES
    for label, queries in (
        ("300 characters, reaching the record of 31 long names", long_queries),
        ("two words, one shared with that record", short_queries),
    ):
        persons.SCORED_NAMES = 10**6
        every = timed(queries)
        persons.SCORED_NAMES = limit
        limited = timed(queries)
        print(
            f"| {label} | {statistics.median(every):.2f} / {percentile(every, 0.99):.2f} | "
            f"{statistics.median(limited):.2f} / {percentile(limited, 0.99):.2f} | "
            f"{statistics.median(limited) / statistics.median(every):.2f}x |"
        )


if __name__ == "__main__":
    main()
