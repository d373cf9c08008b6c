"""Fingerprint search at scale: a ten-print and a mark against a gallery of 200,000 persons
(2,000,000 fingers), the way ``actions.fingerprints`` searches, on one process.

1. The fingerprint index (``screening.prints``) ranks every finger of the gallery on its
   code (``matching.print_codes``);
2. the best ``INDEX_SHORTLIST`` records of each kind are compared in full on one extraction
   (Minutia Cylinder-Code, their cylinders built during the search: nothing is cached);
3. the best ``SHORTLIST`` on all four extractions.

The prints are synthetic (``demo/synthetic_prints.py``). The mates are first impressions
of the probe's masters, the probes second impressions. The other persons' fingers are drawn
from a pool of first impressions of other masters, each turned, shifted, jittered and thinned
at the minutiae level; a pool finger serves several persons (a gallery of 2,000,000 images
would take days to grow), so that the index holds 2,000,000 codes, and the full comparison
builds the cylinders of every finger it compares as if each were a new one.

Accuracy is reported beside the speed: the mate's rank for each search here, and on the real
FVC prints of ``../shared`` how often an impression's mate ranks first among the 238 others on
the codes alone and with the full comparison. The baseline, timed in the same process, is the
search without the index (every finger compared in full on one extraction), extrapolated from
its per-finger cost.

    .venv/bin/python bench/fingerprint_search.py [--persons 200000] [--probes 3]
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from policenet.actions.fingerprints import INDEX_SHORTLIST, MARK_FINGERS, SHORTLIST
from policenet.demo.synthetic_prints import impression, master
from policenet.domain.fingerprints import FingerView, PrintKind, Template
from policenet.matching.cylinders import Cylinders, cylinders, view_score
from policenet.matching.minutiae import ImageUnreadable, extract
from policenet.matching.print_codes import Code, code, scores
from policenet.screening.prints import PrintIndex

TARGET_PERSONS, TARGET_SECONDS = 200_000, 60.0
FVC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fingerprints"
FVC_SETS = ("FVC2002_DB1_B", "FVC2002_DB3_B", "FVC2000_DB1_B")


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


@dataclass
class Gallery:
    index: PrintIndex
    templates: dict[tuple[int, int], Template]  # (record id, position) -> template
    mates: list[int]  # record ids of the probes' mates
    built_seconds: float


def first_view_code(template: Template) -> Code:
    return code(cylinders(template.views[0]))


def build_gallery(
    persons: int,
    mates: list[list[Template]],
    pool: list[Template],
    marks: int,
    rng: np.random.Generator,
) -> Gallery:
    pool_codes = [first_view_code(t) for t in pool]
    mate_codes = [[first_view_code(t) for t in person] for person in mates]
    started = time.perf_counter()
    index = PrintIndex(capacity=persons * 10 + marks)
    templates: dict[tuple[int, int], Template] = {}
    mate_ids = []
    for record_id in range(1, persons + 1):
        if record_id <= len(mates):
            fingers = [(p + 1, mate_codes[record_id - 1][p]) for p in range(10)]
            for p in range(10):
                templates[(record_id, p + 1)] = mates[record_id - 1][p]
            mate_ids.append(record_id)
        else:
            drawn = rng.integers(0, len(pool), 10)
            fingers = [(p + 1, pool_codes[int(d)]) for p, d in enumerate(drawn)]
            for p, d in enumerate(drawn):
                templates[(record_id, p + 1)] = pool[int(d)]
        index.add(record_id, PrintKind.TENPRINT, False, fingers)
    for record_id in range(persons + 1, persons + marks + 1):
        drawn = int(rng.integers(0, len(pool)))
        index.add(record_id, PrintKind.LATENT, False, [(0, pool_codes[drawn])])
        templates[(record_id, 0)] = pool[drawn]
    return Gallery(index, templates, mate_ids, time.perf_counter() - started)


class ProbeCylinders:
    """The probe's cylinders, built once a search (as ``actions.fingerprints`` does); the
    gallery's are built at every comparison (the hub's cache is cold for a new probe)."""

    def __init__(self) -> None:
        self._built: dict[tuple[int, int], Cylinders] = {}

    def of(self, template: Template, view: int) -> Cylinders:
        key = (id(template), view)
        if key not in self._built:
            self._built[key] = cylinders(template.views[view])
        return self._built[key]


def views_score(probe: Template, other: Template, views: int, cache: ProbeCylinders) -> float:
    count = min(views, len(probe.views), len(other.views))
    if count == 0:
        return 0.0
    total = sum(view_score(cache.of(probe, v), cylinders(other.views[v])) for v in range(count))
    return total / count


def tenprint_search(gallery: Gallery, probe: list[Template]) -> tuple[float, dict[int, float]]:
    """Seconds for one ten-print search, and the final scores of the ten-print records."""
    started = time.perf_counter()
    cache = ProbeCylinders()
    probe_codes = [(p + 1, code(cache.of(t, 0))) for p, t in enumerate(probe)]
    ranked = gallery.index.search(
        PrintKind.TENPRINT, probe_codes, allowed=lambda _: True, limit=INDEX_SHORTLIST
    )
    tenprints = [r.record_id for r in ranked if (r.record_id, 1) in gallery.templates]
    marks = [r.record_id for r in ranked if (r.record_id, 0) in gallery.templates]

    def record_score(record_id: int, views: int) -> float:
        return sum(
            views_score(probe[p], gallery.templates[(record_id, p + 1)], views, cache)
            for p in range(10)
        )

    first = {r: record_score(r, 1) for r in tenprints}
    for mark in marks:  # each open mark against the probe's fingers: the best counts
        mark_cylinders = cylinders(gallery.templates[(mark, 0)].views[0])
        first[mark] = max(view_score(cache.of(t, 0), mark_cylinders) for t in probe)
    best = sorted(first, key=lambda r: -first[r])[:SHORTLIST]
    final = {r: record_score(r, 4) for r in best if r in tenprints}
    return time.perf_counter() - started, final


def latent_search(gallery: Gallery, mark: Template) -> tuple[float, dict[int, float]]:
    """Seconds for one mark of unknown position, and the final scores of the records."""
    started = time.perf_counter()
    cache = ProbeCylinders()
    ranked = gallery.index.search(
        PrintKind.LATENT,
        [(0, code(cache.of(mark, 0)))],
        allowed=lambda _: True,
        limit=INDEX_SHORTLIST,
    )
    first: dict[int, tuple[float, int]] = {}
    for r in ranked:
        if (r.record_id, 1) not in gallery.templates:
            continue
        tried = [
            (views_score(mark, gallery.templates[(r.record_id, p)], 1, cache), p)
            for p in r.positions[:MARK_FINGERS]
        ]
        first[r.record_id] = max(tried)
    best = sorted(first, key=lambda r: -first[r][0])[:SHORTLIST]
    final = {r: views_score(mark, gallery.templates[(r, first[r][1])], 4, cache) for r in best}
    return time.perf_counter() - started, final


def rank_of(scores_by_record: dict[int, float], record_id: int) -> int | None:
    ordered = sorted(scores_by_record, key=lambda r: (-scores_by_record[r], r))
    return ordered.index(record_id) + 1 if record_id in ordered else None


def fvc_first_ranks() -> tuple[float, float, int] | None:
    """On the FVC sets: the share of impressions whose mate ranks first among all the others,
    on codes alone and with the full comparison (one extraction)."""
    if not FVC.is_dir():
        return None
    found: list[tuple[tuple[str, str], Template]] = []
    for name in FVC_SETS:
        for path in sorted((FVC / name).glob("*.tif")):
            try:
                found.append(((name, path.stem.split("_")[0]), extract(path.read_bytes())))
            except ImageUnreadable:
                continue  # a failure to enrol: no code, no comparison
    groups = [g for g, _ in found]
    built = [cylinders(t.views[0]) for _, t in found]
    codes = np.stack([code(c) for c in built])
    by_code = np.stack([scores(codes[i], codes) for i in range(len(found))])
    full = np.array([[view_score(a, b) for b in built] for a in built])

    def first_share(matrix: np.ndarray) -> float:
        hits = 0
        for i in range(len(found)):
            row = matrix[i].copy()
            row[i] = -np.inf
            hits += groups[int(np.argmax(row))] == groups[i]
        return hits / len(found)

    return first_share(by_code), first_share(full), len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=TARGET_PERSONS)
    parser.add_argument("--probes", type=int, default=3)
    parser.add_argument("--pool-masters", type=int, default=40)
    parser.add_argument("--pool", type=int, default=4000, help="distinct distractor fingers")
    parser.add_argument("--marks", type=int, default=2000, help="open marks in the gallery")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)

    started = time.perf_counter()
    probe_masters = [[master(seed=10 * p + f) for f in range(10)] for p in range(args.probes)]
    mates = [[extract(impression(m, seed=1)) for m in person] for person in probe_masters]
    probes = [[extract(impression(m, seed=2)) for m in person] for person in probe_masters]
    others = [
        extract(impression(master(seed=10_000 + s), seed=1)) for s in range(args.pool_masters)
    ]
    pool = [perturbed(others[int(rng.integers(len(others)))], rng) for _ in range(args.pool)]
    print(f"synthetic prints made in {time.perf_counter() - started:.0f} s")
    gallery = build_gallery(args.persons, mates, pool, args.marks, rng)
    index = gallery.index
    print(
        f"index: {len(index):,} records, {index.fingers:,} fingers filed in "
        f"{gallery.built_seconds:.1f} s, {index.nbytes / 2**20:,.0f} MiB "
        f"({index.nbytes / index.fingers:,.0f} bytes a finger)"
    )

    # The baseline, in this process: every finger compared in full on one extraction.
    sample = pool[:200]
    t = time.perf_counter()
    built = [cylinders(x.views[0]) for x in sample]
    per_finger = (time.perf_counter() - t) / len(sample)
    t = time.perf_counter()
    for a, b in itertools.pairwise(built):
        view_score(a, b)
    per_finger += (time.perf_counter() - t) / (len(built) - 1)
    exhaustive = per_finger * args.persons * 10

    print()
    print("| search | persons | time | mate's rank | x the search without index |")
    print("|---|---|---|---|---|")
    times: dict[str, list[float]] = {"ten-print": [], "latent": []}
    ranks: dict[str, list[int | None]] = {"ten-print": [], "latent": []}
    for number, probe in enumerate(probes):
        seconds, final = tenprint_search(gallery, probe)
        times["ten-print"].append(seconds)
        ranks["ten-print"].append(rank_of(final, gallery.mates[number]))
        finger = int(rng.integers(10))
        seconds, final = latent_search(gallery, probe[finger])
        times["latent"].append(seconds)
        ranks["latent"].append(rank_of(final, gallery.mates[number]))
    for kind in ("ten-print", "latent"):
        median = statistics.median(times[kind])
        shown = ", ".join("not listed" if r is None else str(r) for r in ranks[kind])
        print(
            f"| {kind} (median of {len(times[kind])}) | {args.persons:,} | {median:.1f} s | "
            f"{shown} | {median / exhaustive:.4f}x ({exhaustive:,.0f} s) |"
        )
    worst = max(max(times["ten-print"]), max(times["latent"]))
    verdict = "met" if worst <= TARGET_SECONDS and args.persons >= TARGET_PERSONS else "NOT met"
    print()
    print(
        f"slowest search {worst:.1f} s against a target of {TARGET_SECONDS:.0f} s at "
        f"{TARGET_PERSONS:,} persons: {verdict}"
    )
    found = fvc_first_ranks()
    if found is None:
        print("FVC sets not found: the accuracy of the codes on real prints is not measured")
        return
    by_code, full, count = found
    print()
    print(f"FVC, {count} impressions, each against all the others (mate ranked first):")
    print("| comparison | mate first |")
    print("|---|---|")
    print(f"| index codes only | {100 * by_code:.1f} % |")
    print(f"| full cylinder comparison, one extraction | {100 * full:.1f} % |")


if __name__ == "__main__":
    main()
