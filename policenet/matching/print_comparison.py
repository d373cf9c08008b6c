"""How a probe's fingers compare with a fingerprint record's: which fingers are paired, how a
record's score is made of its fingers' scores, and the thresholds a score is judged by.

- Two ten-prints are compared finger by finger at the same positions: each of the probe's
  fingers keeps its best score against the record's fingers at its position, and the record's
  score is the sum.
- A mark and a ten-print, in either direction: the mark's best finger against the ten-print's
  fingers (only those at the mark's position when it has one).
- Two fingers score the mean of their views' scores (``matching.cylinders``), view against the
  same view, on as many extractions as the caller asks (one for a first pass, four in full).

Where the cylinders come from is the caller's to say (``CylinderSource``): a search builds the
probe's once and takes the stored fingers' from the shared cache (``screening.print_cache``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from policenet.domain.fingerprints import FingerPosition, PrintKind, Template
from policenet.formats import iso19794
from policenet.matching import print_codes
from policenet.matching.cylinders import view_score

if TYPE_CHECKING:
    from policenet.domain.records import Record
    from policenet.matching.cylinders import Cylinders
    from policenet.matching.print_codes import Code

# A mark and a new ten-print this similar make a reverse match for the mark's examiners:
# above the highest score of the 8,640 impostor pairs of the three FVC sets (0.031; 0.025 is
# a false match rate of 0.1 %), where 17 % of the genuine pairs score lower.
REVERSE_THRESHOLD = 0.035
# A pair of fingers this similar matches in a 1:1 verification: a false match rate of 0.1 % on
# the FVC impostor pairs. Two fingers of a ten-print must reach it (one, when only one pair
# is compared), so that ten chances of a false match do not add up.
VERIFY_THRESHOLD = 0.025

FingerKey = tuple[int, str, int]  # (record id, updated at, finger index)


@dataclass(frozen=True, slots=True)
class Finger:
    """One finger of a probe or a record, with what a cache knows it by (``key``): a record's
    key changes with the record, so a cached finger of its old version is never used."""

    key: FingerKey
    position: FingerPosition
    template: Template


class CylinderSource(Protocol):
    """Where a comparison takes a finger's cylinders for one view."""

    def get(self, finger: Finger, view: int) -> Cylinders: ...


@dataclass(frozen=True, slots=True)
class Probe:
    """What is searched or verified: a ten-print or a mark, and the record it comes from
    (None for fingers sent once)."""

    kind: PrintKind
    fingers: list[Finger]
    record_id: int | None


def read_fingers(record_id: int, stamp: str, data: dict[str, Any]) -> list[Finger]:
    """The fingers of a record's data (or of a probe's, with record id 0 and its own stamp).
    Raises what base64 and ISO/IEC 19794-2 decoding raise on a template that cannot be read."""
    return [
        Finger(
            (record_id, stamp, number),
            FingerPosition(finger["position"]),
            iso19794.decode(base64.b64decode(finger["template"], validate=True)),
        )
        for number, finger in enumerate(data["fingers"])
    ]


def record_fingers(record: Record) -> list[Finger]:
    """A stored record's fingers, known by the record's id and its last update."""
    return read_fingers(record.id, record.updated_at.isoformat(), record.data)


def finger_score(a: Finger, b: Finger, views: int, source: CylinderSource) -> float:
    """The mean of the two fingers' scores on their first ``views`` extractions (0 when
    either has none)."""
    count = min(views, len(a.template.views), len(b.template.views))
    if count == 0:
        return 0.0
    total = sum(view_score(source.get(a, v), source.get(b, v)) for v in range(count))
    return total / count


def comparable(probe: Probe, record: Record) -> bool:
    """Whether a record is compared with the probe at all: a mark with the ten-prints only; a
    ten-print with the ten-prints and the unsolved marks."""
    kind = PrintKind(record.data["kind"])
    if probe.kind is PrintKind.LATENT:
        return kind is PrintKind.TENPRINT
    return kind is PrintKind.TENPRINT or not record.data.get("solved", False)


def compare(
    probe: Probe, kind: PrintKind, fingers: list[Finger], views: int, source: CylinderSource
) -> tuple[float, list[dict[str, Any]]]:
    """A record's score against the probe (``kind`` is the record's, ``fingers`` those of its
    fingers to compare), and the finger pairs that made it."""
    pairs: list[dict[str, Any]] = []
    if probe.kind is PrintKind.TENPRINT and kind is PrintKind.TENPRINT:
        total = 0.0
        for mine in probe.fingers:
            same = [f for f in fingers if f.position is mine.position]
            if not same:
                continue
            best = max(finger_score(mine, theirs, views, source) for theirs in same)
            total += best
            pairs.append(
                {"probe": int(mine.position), "candidate": int(mine.position), "score": best}
            )
        return total, pairs
    # A mark against a ten-print, in either direction: the mark's best finger.
    marks, prints = (
        (probe.fingers, fingers) if probe.kind is PrintKind.LATENT else (fingers, probe.fingers)
    )
    best_score, best_pair = 0.0, None
    for mark in marks:
        for finger in prints:
            if mark.position is not FingerPosition.UNKNOWN and finger.position is not mark.position:
                continue
            score = finger_score(mark, finger, views, source)
            if score > best_score:
                best_score = score
                best_pair = (finger.position, mark.position)
    if best_pair is not None:
        printed, marked = best_pair
        probe_side, candidate_side = (
            (marked, printed) if probe.kind is PrintKind.LATENT else (printed, marked)
        )
        pairs.append(
            {"probe": int(probe_side), "candidate": int(candidate_side), "score": best_score}
        )
    return best_score, pairs


def probe_codes(fingers: list[Finger], source: CylinderSource) -> list[tuple[int, Code]]:
    """(finger position, index code) of each of the probe's fingers, from its first view: what
    the fingerprint index ranks a gallery on (``matching.print_codes``)."""
    return [
        (
            int(f.position),
            print_codes.code(source.get(f, 0)) if f.template.views else print_codes.empty(),
        )
        for f in fingers
    ]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A 1:1 verification's answer: the pairs compared, each with its score rounded and
    whether it reaches ``VERIFY_THRESHOLD``, and the decision."""

    decision: str  # "match" or "no_match"
    fingers: list[dict[str, Any]]
    needed: int  # compared fingers that must reach the threshold

    @property
    def rule(self) -> str:
        plural = "s" if self.needed > 1 else ""
        return f"match when {self.needed} compared finger{plural} reach the threshold"


def verdict(pairs: list[dict[str, Any]]) -> Verdict:
    """Judge the pairs of a full comparison against ``VERIFY_THRESHOLD``: a match when two
    fingers reach it, or the one finger when only one was compared."""
    judged = []
    for pair in pairs:
        score = round(pair["score"], 6)
        judged.append(pair | {"score": score, "match": score >= VERIFY_THRESHOLD})
    # Fingers, not pairs: a rolled and a plain print of one finger are one finger's evidence.
    matched = len({pair["probe"] for pair in judged if pair["match"]})
    needed = min(2, len({pair["probe"] for pair in judged}))
    decision = "match" if judged and matched >= needed else "no_match"
    return Verdict(decision, judged, needed)
