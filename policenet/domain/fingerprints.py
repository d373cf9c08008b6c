"""Fingerprints as the field exchanges them: finger positions, minutiae and templates.

A minutia is where a ridge ends or splits: its position in pixels (origin at the image's top
left, y downwards), its direction in degrees counter-clockwise from the x axis, its kind and a
quality from 0 to 100, as ISO/IEC 19794-2 records them. A template holds one or more views of
a finger; policenet stores each view one extraction of the same impression (see
``matching.minutiae``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

RESOLUTION_PPI = 500  # the resolution of every template policenet makes
PIXELS_PER_CM_500PPI = 197  # 500 ppi as ISO/IEC 19794-2 writes it


class FingerPosition(IntEnum):
    """ANSI/NIST-ITL finger positions (Table 8)."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


class Impression(IntEnum):
    """ANSI/NIST-ITL and ISO impression types used here."""

    LIVE_SCAN_PLAIN = 0
    LIVE_SCAN_ROLLED = 1
    NONLIVE_PLAIN = 2  # an inked card, scanned
    NONLIVE_ROLLED = 3
    LATENT = 4  # a mark lifted at a scene (latent impression)


class MinutiaKind(StrEnum):
    ENDING = "ending"
    BIFURCATION = "bifurcation"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Minutia:
    x: int
    y: int
    angle: float  # degrees, counter-clockwise from the x axis
    kind: MinutiaKind
    quality: int  # 0..100


@dataclass(frozen=True, slots=True)
class FingerView:
    minutiae: tuple[Minutia, ...]
    position: FingerPosition = FingerPosition.UNKNOWN
    view: int = 0
    impression: Impression = Impression.LIVE_SCAN_PLAIN
    quality: int = 0  # the finger image's quality, 0..100 (0: not computed)


@dataclass(frozen=True, slots=True)
class Template:
    """A finger minutiae record: the image's size at 500 ppi and its views."""

    width: int
    height: int
    views: tuple[FingerView, ...]
    resolution_ppi: int = RESOLUTION_PPI
