"""Build ``policenet/matching/data/print_basis.npz``, the projection of the fingerprint index
(``matching.print_codes``), from synthetic prints only: no real print chooses it.

240 impressions (120 synthetic masters, two impressions each) are extracted as the hub
extracts them; every cylinder of their first view, its invalid cells filled with the mean of
the valid ones at that cell, gives the cell means, the mean cylinder and the first
``DIMENSIONS`` principal axes. Deterministic: the same seeds give the same file.

    .venv/bin/python scripts/make_print_basis.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from policenet.demo.synthetic_prints import impression, master
from policenet.matching.cylinders import SECTIONS, cylinders
from policenet.matching.minutiae import extract
from policenet.matching.print_codes import BASIS_FILE, DIMENSIONS

MASTERS, FIRST_SEED = 120, 1000


def main() -> None:
    values, masks = [], []
    for number in range(MASTERS):
        finger = master(seed=FIRST_SEED + number)
        for seed in (1, 2):
            found = cylinders(extract(impression(finger, seed=seed)).views[0])
            values.append(found.values)
            masks.append(np.repeat(found.valid, SECTIONS, axis=1))
    value, mask = np.concatenate(values), np.concatenate(masks)
    cell_mean = (value * mask).sum(0) / np.maximum(mask.sum(0), 1)
    filled = value * mask + cell_mean * (1 - mask)
    mean = filled.mean(0)
    _, _, axes = np.linalg.svd(filled[::3] - mean, full_matrices=False)
    target = Path(BASIS_FILE)
    np.savez_compressed(
        target,
        cell_mean=cell_mean.astype(np.float32),
        mean=mean.astype(np.float32),
        axes=axes[:DIMENSIONS].astype(np.float32),
    )
    print(f"{target}: {len(value)} cylinders of {MASTERS * 2} synthetic impressions")


if __name__ == "__main__":
    main()
