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
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policenet.domain.databases import Database
from policenet.domain.ids import MAX_ID
from policenet.domain.terms import RecordTerms

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
    SWIPE = 8
    CONTACTLESS = 9


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


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    """What a fingerprint record was made from, kept for examiners: a finger's image as
    received, or the ANSI/NIST-ITL transaction the record came in."""

    kind: Literal["image", "transaction"]
    finger: int | None  # an image's finger: its place in the record's fingers, from 0
    media_type: str
    ppi: float | None
    data: bytes


# --- records and searches --------------------------------------------------------------------

MAX_IMAGE_BASE64 = 8_000_000  # characters: a 6 MB image, far above a 500 ppi finger's
MAX_TRANSACTION_BASE64 = 40_000_000  # a ten-print card's transaction, uncompressed, and more


# A Type-2 field: 2.003 to 2.999 (2.001 and 2.002 are the record's length and IDC).
FieldNumber = Annotated[str, Field(pattern=r"^2\.(00[3-9]|0[1-9][0-9]|[1-9][0-9]{2})$")]
# Text without the separators and control characters of a transaction.
FieldText = Annotated[str, Field(max_length=10_000, pattern=r"^[^\x00-\x1f\x7f]*$")]


class PrintKind(StrEnum):
    TENPRINT = "tenprint"  # up to ten fingers of a known person (a card or a live scan)
    LATENT = "latent"  # a mark lifted at a crime scene


class FingerInput(BaseModel):
    """One finger: its image (base64: PNG, JPEG, BMP, TIFF or WSQ) or a template made
    elsewhere (base64 ISO/IEC 19794-2:2005). Stored, it is the template policenet made."""

    model_config = ConfigDict(extra="forbid")

    position: FingerPosition = Field(
        description="ANSI/NIST finger position: 1-5 right thumb to little, 6-10 left; 0 unknown."
    )
    impression: Literal["plain", "rolled", "latent"] = "plain"
    image: str | None = Field(default=None, max_length=MAX_IMAGE_BASE64)
    ppi: float | None = Field(
        default=None, gt=0, description="The image's resolution, if its file does not say it."
    )
    template: str | None = Field(default=None, max_length=200_000)

    @model_validator(mode="after")
    def _one_source(self) -> FingerInput:
        if (self.image is None) == (self.template is None):
            raise ValueError("give the finger's 'image' or its 'template', one of the two")
        return self


class FingerprintEntry(RecordTerms):
    """A ten-print record or a latent mark, as a bureau sends it."""

    database: ClassVar[Database] = Database.FINGERPRINTS

    kind: PrintKind
    fingers: list[FingerInput] = Field(default_factory=list, max_length=20)
    transaction: str | None = Field(
        default=None,
        max_length=MAX_TRANSACTION_BASE64,
        description="Instead of 'fingers': an ANSI/NIST-ITL transaction (base64) whose Type-4 "
        "and Type-14 records are the fingers.",
    )
    person_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The person record, when the person is known."
    )
    case_ref: str | None = Field(default=None, min_length=1, max_length=100)
    solved: bool = Field(
        default=False, description="A latent mark identified: no longer searched in reverse."
    )
    descriptive: dict[FieldNumber, FieldText] | None = Field(
        default=None,
        max_length=200,
        description="Descriptive text, field by field: from a transaction, its Type-2 record "
        '("2.018" -> "DOE, JOHN"), kept as it came.',
    )

    @model_validator(mode="after")
    def _shape(self) -> FingerprintEntry:
        if (self.transaction is None) == (not self.fingers):
            raise ValueError("give the 'fingers' or an ANSI/NIST-ITL 'transaction', one of the two")
        if self.transaction is not None:
            if self.kind is PrintKind.LATENT and self.case_ref is None:
                raise ValueError("a latent mark needs the case it was lifted in ('case_ref')")
            return self  # its fingers are checked once read from it
        if self.kind is PrintKind.LATENT:
            if len(self.fingers) != 1:
                raise ValueError("a latent mark is one finger: record each mark on its own")
            if self.case_ref is None:
                raise ValueError("a latent mark needs the case it was lifted in ('case_ref')")
        else:
            seen = set()
            for finger in self.fingers:
                if finger.position is FingerPosition.UNKNOWN:
                    raise ValueError("each finger of a ten-print needs its position (1 to 10)")
                if finger.impression == "latent":
                    raise ValueError("a ten-print holds plain or rolled impressions")
                key = (finger.position, finger.impression)
                if key in seen:
                    raise ValueError(
                        f"finger {int(finger.position)} has two {finger.impression} impressions"
                    )
                seen.add(key)
        return self


class FingerprintSearch(BaseModel):
    """A search: one of your bureau's stored records, or fingers sent once."""

    model_config = ConfigDict(extra="forbid")

    record_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    probe: FingerprintEntry | None = None
    limit: int = Field(default=10, ge=1, le=100, description="Candidates listed, best first.")


class FingerprintVerify(BaseModel):
    """A 1:1 verification: are these fingers those of that record? The probe is one of your
    bureau's records or fingers sent once; the record one whose content you may read."""

    model_config = ConfigDict(extra="forbid")

    record_id: int = Field(ge=1, le=MAX_ID, description="The record to verify against.")
    probe_record_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    probe: FingerprintEntry | None = None


class Decision(StrEnum):
    IDENTIFIED = "identified"
    NOT_IDENTIFIED = "not_identified"
    INCONCLUSIVE = "inconclusive"


class ExaminerDecision(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Decision
    note: str | None = Field(default=None, max_length=2000)
