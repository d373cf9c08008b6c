"""Index codes of fingerprints: a few bytes per finger that rank a whole gallery in seconds,
so that the full cylinder comparison (``matching.cylinders``) runs only on the best.

A finger's code is its ``CYLINDERS`` most central Minutia Cylinder-Codes (those with the most
valid cells: the least cut by the print's edge), each projected on the ``DIMENSIONS`` first
principal axes of the cylinders of synthetic prints (``scripts/make_print_basis.py``; no real
print chose them), scaled to unit length and kept as signed bytes. A cylinder's cells outside
the print take the mean value of that cell, so that the projection of a cylinder near the edge
is not pulled towards zero.

Two codes are compared cylinder against cylinder (dot products: one matrix product for a
whole gallery); each of the probe's cylinders keeps its best match, and the score is the mean
of the ``BEST`` best of those. The cylinders are turned with their minutia, so no alignment is
needed, as in the full comparison. On the FVC sets of ``../shared`` (each impression against
the 238 others), the codes alone rank an impression of the same finger first for 97.5 % of
impressions, the full comparison on one extraction for 98.3 %, at under a hundredth of the cost: a
first pass, never the answer (``bench/fingerprint_search.py`` measures both, and the search at
200,000 persons).
"""

from __future__ import annotations

import base64
import binascii
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from policenet.formats import iso19794
from policenet.matching.cylinders import _DISC_CELLS, SECTIONS, Cylinders, cylinders

if TYPE_CHECKING:
    from collections.abc import Mapping

BASIS_FILE = Path(__file__).parent / "data" / "print_basis.npz"
CYLINDERS = 24  # cylinders a code keeps
DIMENSIONS = 48  # values a cylinder keeps
SCALE = 200  # a unit-length cylinder's values times this, rounded, fit a signed byte
BEST = 8  # the probe's cylinders whose best matches make the score
# The mean score of two different fingers' codes: 0.554 on synthetic prints (0.537 on the FVC
# impostor pairs). Ranking a record on several fingers adds what each finger scores above it.
DIFFERENT_FINGERS = 0.55
VERSION = "1"  # of the basis and the layout: a stored code of another version is made again
CODE_BYTES = CYLINDERS * DIMENSIONS
_CHUNK = 4096  # gallery codes turned to floats at once (about 19 MB)

Code = npt.NDArray[np.int8]  # (CYLINDERS, DIMENSIONS)
Codes = npt.NDArray[np.int8]  # (n, CYLINDERS, DIMENSIONS)


class CodeInvalid(ValueError):
    """A stored code that is not one: the record is indexed from its template instead."""


@cache
def _basis() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    with np.load(BASIS_FILE) as found:
        cell_mean = np.asarray(found["cell_mean"], dtype=np.float32)
        mean = np.asarray(found["mean"], dtype=np.float32)
        axes = np.asarray(found["axes"][:DIMENSIONS], dtype=np.float32)
    return cell_mean, mean, np.ascontiguousarray(axes.T)


def code(found: Cylinders) -> Code:
    """The code of one view's cylinders (all zeros when it has none)."""
    out = empty()
    if len(found) == 0:
        return out
    cell_mean, mean, axes = _basis()
    valid_share = found.valid.sum(1) / _DISC_CELLS
    central = np.argsort(-valid_share, kind="stable")[:CYLINDERS]
    mask = np.repeat(found.valid[central], SECTIONS, axis=1)
    filled = found.values[central] * mask + cell_mean * (1 - mask)
    projected = (filled - mean) @ axes
    projected /= np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-6)
    out[: len(central)] = np.clip(np.round(projected * SCALE), -127, 127).astype(np.int8)
    return out


def empty() -> Code:
    """The code of a finger without minutiae: it matches nothing."""
    return np.zeros((CYLINDERS, DIMENSIONS), dtype=np.int8)


def to_text(value: Code) -> str:
    return f"{VERSION}:" + base64.b64encode(value.tobytes()).decode("ascii")


def from_text(text: str) -> Code:
    version, _, encoded = text.partition(":")
    if version != VERSION:
        raise CodeInvalid(f"a code of version {version!r}, not {VERSION!r}")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CodeInvalid("not base64") from None
    if len(raw) != CODE_BYTES:
        raise CodeInvalid(f"{len(raw)} bytes, not {CODE_BYTES}")
    return np.frombuffer(raw, dtype=np.int8).reshape(CYLINDERS, DIMENSIONS)


def template_code(template_text: str) -> Code:
    """The code of a stored finger's template (base64 ISO/IEC 19794-2), from its first view."""
    template = iso19794.decode(base64.b64decode(template_text, validate=True))
    if not template.views:
        return empty()
    return code(cylinders(template.views[0]))


def record_codes(data: Mapping[str, Any]) -> list[tuple[int, Code]]:
    """(finger position, code) of each finger of a stored fingerprint record: the code kept
    with the finger, or made from its template when the record predates codes."""
    found = []
    for finger in data.get("fingers", ()):
        try:
            value = from_text(finger["code"])
        except (KeyError, CodeInvalid):
            value = template_code(finger["template"])
        found.append((int(finger["position"]), value))
    return found


def scores(
    probe: Code, gallery: Codes, rows: npt.NDArray[np.intp] | None = None
) -> npt.NDArray[np.float32]:
    """The probe's score against each gallery code (or each of ``rows``), about -1..1
    (higher: more alike). The gallery is read a block at a time, never copied whole."""
    count = len(gallery) if rows is None else len(rows)
    result = np.zeros(count, dtype=np.float32)
    query = np.ascontiguousarray(probe.astype(np.float32).T) / (SCALE * SCALE)
    for start in range(0, count, _CHUNK):
        if rows is None:
            block = gallery[start : start + _CHUNK]
        else:
            block = gallery[rows[start : start + _CHUNK]]
        # One matrix product for the whole block: (n x gallery cylinders, probe cylinders),
        # then each probe cylinder's best match within each gallery code.
        flat = block.reshape(-1, DIMENSIONS).astype(np.float32) @ query
        best = flat.reshape(len(block), CYLINDERS, CYLINDERS).max(axis=1)
        top = np.partition(best, best.shape[1] - BEST, axis=1)[:, -BEST:]
        result[start : start + len(block)] = top.mean(axis=1)
    return result
