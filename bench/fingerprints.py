"""Fingerprint accuracy on real prints: plain NBIS (mindtct + bozorth3) against policenet's
matcher (four mindtct extractions, Minutia Cylinder-Code), on the same pairs, in one run.

The FVC "B" sets under ``../shared/data/fingerprints`` hold 10 fingers x 8 impressions. Genuine
pairs are every two impressions of one finger (280 a set), impostor pairs every two impressions
of different fingers (2,880). For each set and each matcher: the equal error rate (EER), and
the false non-match rate where the false match rate is at most 1 % (FMR100), 0.1 % (FMR1000)
and 0 (ZeroFMR). Nothing here is tuned on these pairs: the matcher's parameters are the MCC
paper's.

    .venv/bin/python bench/fingerprints.py [--data ../shared/data/fingerprints]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

import nbis
import numpy as np

from policenet.matching.cylinders import Prepared, prepare, similarity
from policenet.matching.minutiae import ImageUnreadable, extract

SETS = ("FVC2002_DB1_B", "FVC2002_DB3_B", "FVC2000_DB1_B")
PUBLISHED_BEST_OPEN_SOURCE_EER = 3.9  # % on FVC-onGoing, the figure


def error_rates(genuine: list[float], impostor: list[float]) -> dict[str, float]:
    """EER and the FNMR at FMR <= 1 %, 0.1 % and 0, in percent (accept when score >= t)."""
    g = np.asarray(genuine, dtype=np.float64)
    i = np.asarray(impostor, dtype=np.float64)
    thresholds = np.unique(np.concatenate([g, i, [np.inf]]))
    fmr = np.array([(i >= t).mean() for t in thresholds])
    fnmr = np.array([(g < t).mean() for t in thresholds])
    crossing = int(np.argmin(np.abs(fmr - fnmr)))

    def fnmr_at(limit: float) -> float:
        allowed = fmr <= limit
        return float(fnmr[allowed].min()) if allowed.any() else 1.0

    return {
        "EER": 100 * float(fmr[crossing] + fnmr[crossing]) / 2,
        "FMR100": 100 * fnmr_at(0.01),
        "FMR1000": 100 * fnmr_at(0.001),
        "ZeroFMR": 100 * fnmr_at(0.0),
    }


def _nbis_extractor() -> nbis.NbisExtractor:
    settings = nbis.NbisExtractorSettings(
        min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=False, ppi=None
    )
    return nbis.new_nbis_extractor(settings)


def _enrolled(image: bytes) -> Prepared:
    """The impression's template; one policenet refuses (fewer than 4 minutiae: a failure
    to enrol) scores 0 against everything, as the FVC protocol counts it."""
    try:
        return prepare(extract(image))
    except ImageUnreadable:
        return Prepared(())


def run_set(folder: Path) -> tuple[dict[str, float], dict[str, float], float, float, int]:
    files = sorted(folder.glob("*.tif"))
    extractor = _nbis_extractor()
    plain = {f.stem: extractor.extract_minutiae(f.read_bytes()) for f in files}
    ours: dict[str, Prepared] = {f.stem: _enrolled(f.read_bytes()) for f in files}
    pairs = list(itertools.combinations(sorted(plain), 2))
    labels = [a.split("_")[0] == b.split("_")[0] for a, b in pairs]

    started = time.perf_counter()
    bozorth = [float(plain[a].compare(plain[b])) for a, b in pairs]
    bozorth_us = (time.perf_counter() - started) / len(pairs) * 1e6
    started = time.perf_counter()
    cylinder = [similarity(ours[a], ours[b]) for a, b in pairs]
    ours_us = (time.perf_counter() - started) / len(pairs) * 1e6

    def split(scores: list[float]) -> dict[str, float]:
        genuine = [s for s, same in zip(scores, labels, strict=True) if same]
        impostor = [s for s, same in zip(scores, labels, strict=True) if not same]
        assert len(genuine) == 280 and len(impostor) == 2880, (len(genuine), len(impostor))
        return error_rates(genuine, impostor)

    refused = sum(1 for prepared in ours.values() if not prepared.views)
    return split(bozorth), split(cylinder), bozorth_us, ours_us, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "fingerprints"
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no fingerprint sets at {args.data}: nothing to measure", file=sys.stderr)
        raise SystemExit(1)
    print("| set | matcher | EER % | FMR100 % | FMR1000 % | ZeroFMR % | EER vs NBIS | µs/pair |")
    print("|---|---|---|---|---|---|---|---|")
    verdicts = []
    times = []
    for name in SETS:
        plain, ours, plain_us, ours_us, refused = run_set(args.data / name)
        times.append(ours_us / plain_us)
        for label, rates, us in (("NBIS bozorth3", plain, plain_us), ("policenet", ours, ours_us)):
            ratio = rates["EER"] / plain["EER"] if plain["EER"] else float("nan")
            print(
                f"| {name} | {label} | {rates['EER']:.2f} | {rates['FMR100']:.2f} | "
                f"{rates['FMR1000']:.2f} | {rates['ZeroFMR']:.2f} | {ratio:.2f}x | {us:,.0f} |"
            )
        half = ours["EER"] <= plain["EER"] / 2
        verdict = f"{name}: EER {ours['EER']:.2f} % vs half of NBIS {plain['EER'] / 2:.2f} %"
        verdict += " (met)" if half else " (NOT met)"
        if name.startswith("FVC2002"):
            met = ours["EER"] <= PUBLISHED_BEST_OPEN_SOURCE_EER
            verdict += f"; <= {PUBLISHED_BEST_OPEN_SOURCE_EER} %: {'met' if met else 'NOT met'}"
        verdict += f"; {refused} of 80 impressions refused by policenet (failure to enrol)"
        verdicts.append(verdict)
    print()
    for verdict in verdicts:
        print(verdict)
    print(f"policenet's comparison costs {statistics.median(times):.2f}x bozorth3's (median).")


if __name__ == "__main__":
    main()
