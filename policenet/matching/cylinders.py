"""Fingerprint comparison with Minutia Cylinder-Code (MCC).

Cappelli, Ferrara and Maltoni, "Minutia Cylinder-Code: a new representation and matching
technique for fingerprint recognition", IEEE TPAMI 32(12), 2010. Each minutia gets a cylinder:
a 16x16 grid of cells around it, turned to its direction, times 6 direction sections; each cell
says how many neighbouring minutiae lie near it with a direction difference near the section's.
A cylinder does not move when the finger is shifted or turned, so two impressions are compared
cylinder by cylinder without aligning them first.

Two templates' cylinders are compared all against all (the normalised distance of their common
valid cells). The most similar pairs are taken one-to-one, then "relaxed" (LSS-R in the paper):
a pair keeps its similarity only as far as the other pairs agree with it on the distances and
angles between the minutiae. The score is the mean of the few pairs that held best. The
parameters are the paper's.

A template holds several extractions of one impression (``matching.minutiae``); the score of
two templates is the mean of their views' scores, view against the same view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from policenet.domain.fingerprints import FingerView, Template

Floats = npt.NDArray[np.float64]

RADIUS = 70.0  # R, pixels at 500 ppi
CELLS = 16  # N_S, cells a side
SECTIONS = 6  # N_D, direction sections
SIGMA_S = 28 / 3  # spatial spread
SIGMA_D = 2 * math.pi / 9  # directional spread
MU_PSI, TAU_PSI = 0.01, 400.0  # the sigmoid that turns a cell's sum into 0..1
HULL_OFFSET = 50.0  # Omega: cells this far outside the minutiae's convex hull still count
MIN_COMMON = 0.6  # of a disc's cells, valid in both cylinders for them to be compared
MAX_ROTATION = math.pi / 2  # two minutiae turned further apart are not compared
RELAXATION_ROUNDS, RELAXATION_WEIGHT = 5, 0.5
MIN_PAIRS, MAX_PAIRS, MU_P, TAU_P = 4, 12, 20.0, 0.4

_CELL_SIZE = 2 * RADIUS / CELLS
_OFFSETS = (np.arange(CELLS) - (CELLS - 1) / 2) * _CELL_SIZE
_CX, _CY = (axis.ravel() for axis in np.meshgrid(_OFFSETS, _OFFSETS, indexing="ij"))
_IN_DISC = _CX**2 + _CY**2 <= RADIUS**2
_DISC_CELLS = float(_IN_DISC.sum())
_SECTION = 2 * math.pi / SECTIONS
_SECTION_ANGLES: Floats = np.asarray(
    -math.pi + (np.arange(SECTIONS) + 0.5) * _SECTION, dtype=np.float64
)


def angle_difference(a: Floats | float, b: Floats | float) -> Floats:
    """a - b, in (-pi, pi]."""
    return np.asarray((np.asarray(a) - b + math.pi) % (2 * math.pi) - math.pi)


def _sigmoid(value: Floats | float, mu: float, tau: float) -> Floats:
    return np.asarray(1 / (1 + np.exp(-tau * (np.asarray(value) - mu))))


@dataclass(frozen=True, slots=True)
class Cylinders:
    """One view's minutiae (x, y, direction in radians) and their cylinders."""

    points: Floats
    values: npt.NDArray[np.float32]  # (n, cells x sections), 0 outside the valid cells
    valid: npt.NDArray[np.float32]  # (n, cells): 1 where the cell is valid

    def __len__(self) -> int:
        return len(self.points)


def _hull(points: Floats) -> Floats:
    """The convex hull, counter-clockwise (Andrew's monotone chain)."""
    ordered = sorted({(float(x), float(y)) for x, y in points})
    if len(ordered) < 3:
        return np.asarray(ordered, dtype=np.float64).reshape(-1, 2)

    def turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in ordered:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(ordered):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return np.asarray(lower[:-1] + upper[:-1], dtype=np.float64)


def _near_hull(hull: Floats, query: Floats) -> npt.NDArray[np.bool_]:
    """Which query points lie inside the hull or within HULL_OFFSET of it."""
    if len(hull) < 3:
        return np.ones(len(query), dtype=bool)
    start, edge = hull, np.roll(hull, -1, axis=0) - hull
    rel = query[:, None, :] - start[None, :, :]
    turns = edge[None, :, 0] * rel[:, :, 1] - edge[None, :, 1] * rel[:, :, 0]
    inside: npt.NDArray[np.bool_] = np.asarray((turns >= 0).all(1), dtype=bool)
    outside = np.flatnonzero(~inside)
    if len(outside):
        # Only the points outside need their distance to the hull's edges.
        rel_out = rel[outside]
        length2 = np.maximum((edge**2).sum(1), 1e-9)
        t = np.clip((rel_out * edge[None]).sum(2) / length2[None], 0, 1)
        gap = rel_out - t[:, :, None] * edge[None]
        inside[outside] = ((gap**2).sum(2) <= HULL_OFFSET**2).any(1)
    return inside


def cylinders(view: FingerView) -> Cylinders:
    """The view's cylinders."""
    points = np.asarray(
        [(m.x, m.y, math.radians(m.angle)) for m in view.minutiae], dtype=np.float64
    ).reshape(-1, 3)
    n = len(points)
    if n == 0:
        empty = np.zeros((0, CELLS * CELLS * SECTIONS), dtype=np.float32)
        no_cells = np.zeros((0, CELLS * CELLS), dtype=np.float32)
        return Cylinders(points, empty, no_cells)
    x, y, theta = points[:, 0], points[:, 1], points[:, 2]
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    # Cell centres in the image, the grid turned to each minutia's direction (y downwards).
    px = x[:, None] + cos * _CX[None] + sin * _CY[None]
    py = y[:, None] - sin * _CX[None] + cos * _CY[None]
    centres = np.stack([px.ravel(), py.ravel()], 1)
    valid = (_near_hull(_hull(points[:, :2]), centres).reshape(n, -1) & _IN_DISC[None]).astype(
        np.float32
    )
    d2 = (px[:, :, None] - x[None, None, :]) ** 2 + (py[:, :, None] - y[None, None, :]) ** 2
    spatial = np.exp(-d2 / (2 * SIGMA_S**2)) / (SIGMA_S * math.sqrt(2 * math.pi))
    spatial[d2 > (3 * SIGMA_S) ** 2] = 0
    spatial[np.arange(n), :, np.arange(n)] = 0  # a minutia is not its own neighbour
    turned = angle_difference(theta[:, None], theta[None, :])
    gap = angle_difference(_SECTION_ANGLES[None, None, :], turned[:, :, None])
    directional = np.exp(-(gap**2) / (2 * SIGMA_D**2)) / (SIGMA_D * math.sqrt(2 * math.pi))
    sums = np.matmul(spatial, directional * _SECTION)  # (n, cells, sections)
    values = (_sigmoid(sums, MU_PSI, TAU_PSI) * valid[:, :, None]).reshape(n, -1)
    return Cylinders(points, values.astype(np.float32), valid)


def local_similarities(a: Cylinders, b: Cylinders) -> Floats:
    """Every cylinder of a against every cylinder of b, 0..1 (0: not comparable)."""
    # Each side's norm over the cells valid in both.
    a2 = (a.values * a.values) @ np.repeat(b.valid, SECTIONS, axis=1).T
    b2 = np.repeat(a.valid, SECTIONS, axis=1) @ (b.values * b.values).T
    ab = a.values @ b.values.T
    common = a.valid @ b.valid.T
    norms = np.sqrt(np.maximum(a2, 0)) + np.sqrt(np.maximum(b2, 0))
    distance = np.sqrt(np.maximum(a2 + b2 - 2 * ab, 0))
    similarity = np.where(norms > 0, 1 - distance / np.where(norms > 0, norms, 1), 0)
    comparable = (common >= MIN_COMMON * _DISC_CELLS) & (
        np.abs(angle_difference(a.points[:, None, 2], b.points[None, :, 2])) <= MAX_ROTATION
    )
    return np.asarray(np.where(comparable, similarity, 0), dtype=np.float64)


def _one_to_one(similar: Floats, wanted: int) -> tuple[list[int], list[int]]:
    """The most similar pairs, each minutia in one pair at most, best first."""
    flat = np.flatnonzero(similar > 0)
    order = flat[np.argsort(similar.ravel()[flat], kind="stable")[::-1]]
    rows, columns = np.unravel_index(order, similar.shape)
    used_a: set[int] = set()
    used_b: set[int] = set()
    taken_a: list[int] = []
    taken_b: list[int] = []
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        taken_a.append(i)
        taken_b.append(j)
        if len(taken_a) == wanted:
            break
    return taken_a, taken_b


def _towards(points: Floats) -> Floats:
    """For each pair (t, k): the angle between t's direction and the line from t to k."""
    line = np.arctan2(
        -(points[None, :, 1] - points[:, None, 1]), points[None, :, 0] - points[:, None, 0]
    )
    return angle_difference(points[:, None, 2], line)


def view_score(a: Cylinders, b: Cylinders) -> float:
    """The similarity of two views, 0..1."""
    if len(a) < 2 or len(b) < 2:
        return 0.0
    similar = local_similarities(a, b)
    fewest = min(len(a), len(b))
    rows, columns = _one_to_one(similar, fewest)
    if len(rows) < 2:
        return 0.0
    pa, pb = a.points[rows], b.points[columns]
    initial = similar[rows, columns]
    spans_a = np.hypot(pa[:, None, 0] - pa[None, :, 0], pa[:, None, 1] - pa[None, :, 1])
    spans_b = np.hypot(pb[:, None, 0] - pb[None, :, 0], pb[:, None, 1] - pb[None, :, 1])
    turns_a = angle_difference(pa[:, None, 2], pa[None, :, 2])
    turns_b = angle_difference(pb[:, None, 2], pb[None, :, 2])
    agreement = (
        _sigmoid(np.abs(spans_a - spans_b), 5, -8 / 5)
        * _sigmoid(np.abs(angle_difference(turns_a, turns_b)), math.pi / 12, -30)
        * _sigmoid(np.abs(angle_difference(_towards(pa), _towards(pb))), math.pi / 12, -30)
    )
    np.fill_diagonal(agreement, 0)
    relaxed = initial.copy()
    others = len(relaxed) - 1
    for _ in range(RELAXATION_ROUNDS):
        relaxed = (
            RELAXATION_WEIGHT * relaxed + (1 - RELAXATION_WEIGHT) * (agreement @ relaxed) / others
        )
    efficiency = relaxed / np.maximum(initial, 1e-9)
    kept = MIN_PAIRS + round(float(_sigmoid(float(fewest), MU_P, TAU_P)) * (MAX_PAIRS - MIN_PAIRS))
    best = np.argsort(efficiency, kind="stable")[::-1][:kept]
    return float(relaxed[best].mean())


@dataclass(frozen=True, slots=True)
class Prepared:
    """A template's cylinders, view by view, ready to compare."""

    views: tuple[Cylinders, ...]


def prepare(template: Template) -> Prepared:
    return Prepared(tuple(cylinders(view) for view in template.views))


def similarity(a: Prepared, b: Prepared) -> float:
    """The similarity of two templates: the mean of their views' scores, each view against
    the other template's view of the same number (the same extraction)."""
    pairs = list(zip(a.views, b.views, strict=False))
    if not pairs:
        return 0.0
    return sum(view_score(x, y) for x, y in pairs) / len(pairs)
