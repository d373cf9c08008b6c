"""DNA search speed: one profile against 1,000,000 and 10,000,000 stored profiles at moderate
stringency, partial profiles, on one core.

Stored profiles are drawn from the NIST 1036 Caucasian allele frequencies shipped with the
hub, over the 24 loci, each locus missing with probability 0.25 (partial profiles); one in 20
is a two-person mixture. The query is a stored reference profile with 16 loci. The baseline,
timed in the same process, is one vectorised pass over one locus column (``column == q``):
the ratio says how many such passes a search costs.

    .venv/bin/python bench/dna.py [--sizes 1000000 10000000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from policenet.domain.dna import LOCI, Stringency
from policenet.matching.dna import populations
from policenet.screening.dna import DnaIndex


def build(size: int, rng: np.random.Generator) -> tuple[DnaIndex, dict[str, list[str]]]:
    """An index of ``size`` synthetic profiles, and one of them as the query (16 loci)."""
    table = populations()["Cauc"]
    index = DnaIndex(capacity=size)
    masks = np.zeros((len(LOCI), size), dtype=np.uint64)
    mixture = rng.random(size) < 0.05
    query: dict[str, list[str]] = {}
    row = size // 2
    for i, locus in enumerate(LOCI):
        if locus not in table.alleles:
            continue
        alleles = sorted(table.alleles[locus], key=float)[:63]
        freqs = np.array([table.alleles[locus][a] for a in alleles])
        freqs = freqs / freqs.sum()
        index._vocab[i] = {a: bit for bit, a in enumerate(alleles)}
        one = np.uint64(1)
        a = rng.choice(len(alleles), size=size, p=freqs).astype(np.uint64)
        b = rng.choice(len(alleles), size=size, p=freqs).astype(np.uint64)
        column = (one << a) | (one << b)
        extra = rng.choice(len(alleles), size=size, p=freqs).astype(np.uint64)
        column[mixture] |= one << extra[mixture]
        missing = rng.random(size) < 0.25
        missing[row] = False
        column[missing] = 0
        masks[i] = column
        if len(query) < 16:
            bits = int(column[row])
            query[locus] = [alleles[k] for k in range(len(alleles)) if bits >> k & 1]
    index.add_encoded(np.arange(1, size + 1, dtype=np.int64), masks, mixture)
    return index, query


def timed(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(1036)
    print(
        "| profiles | search p50 ms | max ms | matches | baseline pass ms | x baseline | "
        "target | bytes/profile |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        index, query = build(size, rng)
        column = index._masks[LOCI.index(next(iter(query))), :size]
        q = column[size // 2]
        baseline = statistics.median(timed(lambda: column == q, args.repeat))  # noqa: B023
        found: list[tuple[int, int]] = []

        def run(
            index: DnaIndex = index,
            query: dict[str, list[str]] = query,
            found: list[tuple[int, int]] = found,
        ) -> None:
            found[:] = index.search(query, Stringency.MODERATE, min_loci=6, limit=50)

        times = timed(run, args.repeat)
        p50 = statistics.median(times)
        target = 100 if size <= 1_000_000 else 1000
        verdict = "met" if p50 <= target else "missed"
        print(
            f"| {size:,} | {p50:.1f} | {max(times):.1f} | {len(found)} | {baseline:.2f} | "
            f"{p50 / baseline:.1f} | ≤ {target} ms: {verdict} | {index.bytes_per_profile} |"
        )
        del index


if __name__ == "__main__":
    main()
