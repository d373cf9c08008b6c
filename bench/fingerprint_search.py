"""Fingerprint search at scale, on synthetic prints (``matching/synthetic_prints.py``), one
core.

A ten-print probe (10 fingers, each a second impression of its master) is searched against a
gallery of N persons the way ``actions.fingerprints`` does it: every finger at the same
position scored on one view, then the best 30 persons on all four views. One gallery person
is the probe's mate (first impressions of the same masters); the others' fingers are
first impressions of other masters, each turned, shifted, jittered and thinned at the
minutiae level so that the gallery has N x 10 distinct fingers without growing an image
for each.

The figures: the search time with no cylinder in memory (they are built during the
search), the rank of the mate, and the 200,000-person time extrapolated from the per-finger
costs, with the cylinders built during the search and with all of them kept in memory. The
baseline, timed in the same process, is one bozorth3 comparison through ``nbis-py``.

    .venv/bin/python bench/fingerprint_search.py [--persons 200 1000] [--masters 40]
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from dataclasses import replace

import nbis
import numpy as np

from policenet.domain.fingerprints import FingerView, Template
from policenet.matching.cylinders import Cylinders, cylinders, view_score
from policenet.matching.minutiae import extract
from policenet.matching.synthetic_prints import impression, master

TARGET_PERSONS, TARGET_SECONDS = 200_000, 60.0
SHORTLIST = 30


def perturbed(template: Template, rng: np.random.Generator) -> Template:
    """Another finger's template for the gallery: turned, shifted, jittered, thinned."""
    angle = rng.uniform(-0.4, 0.4)
    dx, dy = rng.uniform(-30, 30, 2)
    cos, sin = math.cos(angle), math.sin(angle)
    views = []
    for view in template.views:
        kept = [m for m in view.minutiae if rng.random() > 0.15]
        moved = tuple(
            replace(
                m,
                x=max(0, round(cos * m.x - sin * m.y + dx + rng.normal(0, 2))),
                y=max(0, round(sin * m.x + cos * m.y + dy + rng.normal(0, 2))),
                angle=(m.angle - math.degrees(angle)) % 360,
            )
            for m in kept
        )
        views.append(FingerView(moved, view.position, view.view, view.impression))
    return replace(template, views=tuple(views))


def search_time(probe: list[Template], gallery: list[list[Template]]) -> tuple[float, int]:
    """Seconds for one search with no cylinder in memory, and the rank of person 0 (the
    mate)."""
    built: dict[tuple[int, int, int], Cylinders] = {}

    def cyl(person: int, finger: int, view: int) -> Cylinders:
        key = (person, finger, view)
        if key not in built:
            built[key] = cylinders(gallery[person][finger].views[view])
        return built[key]

    started = time.perf_counter()
    probe_cyl = [[cylinders(t.views[v]) for v in range(4)] for t in probe]
    first = [
        sum(view_score(probe_cyl[f][0], cyl(p, f, 0)) for f in range(10))
        for p in range(len(gallery))
    ]
    shortlist = np.argsort(first)[::-1][:SHORTLIST]
    final = {
        int(p): sum(
            sum(view_score(probe_cyl[f][v], cyl(int(p), f, v)) for v in range(4)) / 4
            for f in range(10)
        )
        for p in shortlist
    }
    elapsed = time.perf_counter() - started
    ranking = sorted(final, key=lambda p: -final[p])
    rank = ranking.index(0) + 1 if 0 in ranking else 0
    return elapsed, rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--masters", type=int, default=40)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    masters = [master(seed) for seed in range(args.masters)]
    first = [extract(impression(m, seed=1)) for m in masters]
    second = [extract(impression(m, seed=2)) for m in masters[:10]]
    made = time.perf_counter() - started
    print(f"{args.masters} synthetic masters and their impressions made in {made:.0f} s")

    # The baseline: one plain NBIS comparison, in this process.
    settings = nbis.NbisExtractorSettings(
        min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=False, ppi=None
    )
    extractor = nbis.new_nbis_extractor(settings)
    a = extractor.extract_minutiae(impression(masters[0], seed=1))
    b = extractor.extract_minutiae(impression(masters[0], seed=2))
    runs = 50
    t = time.perf_counter()
    for _ in range(runs):
        a.compare(b)
    bozorth_ms = (time.perf_counter() - t) / runs * 1000

    views = [v for t in first for v in t.views]
    t = time.perf_counter()
    built = [cylinders(v) for v in views]
    cylinder_ms = (time.perf_counter() - t) / len(views) * 1000
    t = time.perf_counter()
    for x, y in itertools.pairwise(built):
        view_score(x, y)
    compare_ms = (time.perf_counter() - t) / (len(built) - 1) * 1000
    minutiae = np.mean([len(v.minutiae) for v in views])
    bytes_per_view = np.mean([c.values.nbytes + c.valid.nbytes + c.points.nbytes for c in built])

    print()
    print(
        f"| persons | one ten-print search | mate's rank | x one bozorth3 comparison "
        f"({bozorth_ms:.2f} ms) |"
    )
    print("|---|---|---|---|")
    for persons in args.persons:
        gallery = [first[:10]] + [
            [perturbed(first[int(rng.integers(10, args.masters))], rng) for _ in range(10)]
            for _ in range(persons - 1)
        ]
        seconds, rank = search_time(second, gallery)
        print(f"| {persons:,} | {seconds:.1f} s | {rank} | {seconds * 1000 / bozorth_ms:,.0f}x |")
    fingers = TARGET_PERSONS * 10
    cold_total = fingers * (cylinder_ms + compare_ms) / 1000
    warm_total = fingers * compare_ms / 1000
    print()
    print(
        f"per finger: {minutiae:.0f} minutiae a view, cylinders built in {cylinder_ms:.1f} ms a "
        f"view, one view compared in {compare_ms:.2f} ms, {bytes_per_view / 1024:.0f} kB of "
        "cylinders a view"
    )
    print(
        f"{TARGET_PERSONS:,} persons, extrapolated: {cold_total:,.0f} s with cylinders built, "
        f"{warm_total:,.0f} s with them kept ({fingers * bytes_per_view / 2**30:,.0f} GiB), "
        f"against a target of {TARGET_SECONDS:.0f} s: "
        + ("met" if warm_total <= TARGET_SECONDS else "NOT met")
    )


if __name__ == "__main__":
    main()
