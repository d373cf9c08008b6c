"""The single-finger images of a transaction's Type-4 and Type-14 records: read out of a
transaction as files Pillow reads (WSQ included), and written as new records."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

from policenet.domain.errors import InvalidInput
from policenet.formats.ansi_nist.transaction import (
    TYPE4_HEADER,
    MalformedTransaction,
    Record,
    TaggedRecord,
    Type4Record,
    _items,
    _text,
    parse,
    read,
)

if TYPE_CHECKING:
    from datetime import date

    from policenet.domain.fingerprints import FingerPosition, Impression

MINIMUM_SCANNING_PPI = 500  # Type-4's ISR 0: 19.69 pixels per millimetre
# Impression codes: 0/2 plain, 1/3 rolled (live-scan, non-live-scan); 4 to 7 and 12 to 19
# latent impressions, tracings, photos and lifts.
TCN_FIELD = 9  # 1.009: the transaction control number
_MAX_DIGITS = 9  # no number of these records has more (sizes and scales have 5 at most)
_ROLLED = frozenset({1, 3})
_LATENT = frozenset({4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19})
_COMPRESSIONS = {
    "NONE": "raw",
    "WSQ20": "image",
    "WSQ": "image",
    "JPEGB": "image",
    "JPEGL": "image",
    "PNG": "image",
    "JP2": "image",
    "JP2L": "image",
}


@dataclass(frozen=True, slots=True)
class TransactionFinger:
    """One finger's image out of a transaction: a file Pillow reads (WSQ included)."""

    record: int  # the record's number in the transaction
    position: int
    impression: str  # plain, rolled or latent
    image: bytes
    ppi: float | None


def _impression(code: int) -> str:
    if code in _ROLLED:
        return "rolled"
    return "latent" if code in _LATENT else "plain"


def _raw_png(pixels: bytes, width: int, height: int, where: str) -> bytes:
    if width * height == 0 or len(pixels) < width * height:
        raise MalformedTransaction(
            f"{where}: an uncompressed image of {width}x{height} pixels needs "
            f"{width * height} bytes, the record holds {len(pixels)}."
        )
    out = io.BytesIO()
    Image.frombytes("L", (width, height), pixels[: width * height]).save(out, "PNG")
    return out.getvalue()


def _field(record: Any, tag: int) -> str | None:  # noqa: ANN401 - a nistitl record
    found = record[tag]
    if found is None:
        return None
    items = _items(found.value)
    return items[0][0].strip() if items and items[0] else None


def _number(record: Any, tag: int, where: str, name: str) -> int:  # noqa: ANN401
    value = _field(record, tag)
    field = f"{where}: field {record.type}.{tag:03d} ({name})"
    if value is None:
        raise MalformedTransaction(f"{field} is missing: a whole number is required.")
    # ASCII digits only ('²' is a digit to str.isdigit, not to int), few enough for int()
    if not (value.isascii() and value.isdigit()) or len(value) > _MAX_DIGITS:
        shown = value if len(value) <= _MAX_DIGITS else f"{value[:_MAX_DIGITS]}..."
        raise MalformedTransaction(
            f"{field} is {shown!r}: a whole number of at most {_MAX_DIGITS} digits is required."
        )
    return int(value)


def _type14(record: Any, number: int) -> TransactionFinger:  # noqa: ANN401
    where = f"record {number} (Type-14)"
    data = record[999]
    if data is None or not data.value:
        raise MalformedTransaction(f"{where}: field 14.999 (the image) is missing.")
    position = _number(record, 13, where, "finger position")
    impression = _number(record, 3, where, "impression type")
    compression = (_field(record, 11) or "NONE").upper()
    if compression not in _COMPRESSIONS:
        raise MalformedTransaction(
            f"{where}: field 14.011 names the compression {compression!r}; policenet reads "
            f"{', '.join(_COMPRESSIONS)}."
        )
    image = bytes(data.value)
    if _COMPRESSIONS[compression] == "raw":
        width = _number(record, 6, where, "horizontal line length")
        height = _number(record, 7, where, "vertical line length")
        image = _raw_png(image, width, height, where)
    scale = _field(record, 8)
    ppi: float | None = None
    if scale in ("1", "2"):
        pixels = float(_number(record, 9, where, "horizontal pixel scale"))
        ppi = pixels if scale == "1" else pixels * 2.54
    return TransactionFinger(number, position, _impression(impression), image, ppi)


def _type4(record: Any, number: int, native_ppi: float | None) -> TransactionFinger:  # noqa: ANN401
    where = f"record {number} (Type-4)"
    value = bytes(record.value)
    if len(value) < TYPE4_HEADER.size:
        raise MalformedTransaction(f"{where}: the record is shorter than its header.")
    impression, positions, resolution, width, height, compression = TYPE4_HEADER.unpack_from(value)
    pixels = value[TYPE4_HEADER.size :]
    if compression == 0:
        image = _raw_png(pixels, width, height, where)
    elif compression == 1:
        image = pixels  # WSQ
    else:
        raise MalformedTransaction(
            f"{where}: compression algorithm {compression} is not read: send the image "
            "uncompressed (0) or in WSQ (1)."
        )
    ppi = native_ppi if resolution == 1 and native_ppi else float(MINIMUM_SCANNING_PPI)
    return TransactionFinger(number, positions[0], _impression(impression), image, ppi)


def finger_images(data: bytes) -> list[TransactionFinger]:
    """Every single-finger image of a transaction's Type-4 and Type-14 records."""
    records = list(parse(data))
    native = _field(records[0], 11) if records else None  # 1.011 NSR, pixels per mm
    try:
        native_ppi = float(native) * 25.4 if native else None
    except ValueError:
        native_ppi = None
    found = []
    for number, record in enumerate(records, start=1):
        kind = getattr(record, "type", None)
        if kind == 14:
            finger = _type14(record, number)
        elif kind == 4:
            finger = _type4(record, number, native_ppi)
        else:
            continue
        if not 0 <= finger.position <= 10:
            raise MalformedTransaction(
                f"record {number}: finger position {finger.position} is a slap, a palm or "
                "another area: send each finger as its own image (positions 1 to 10)."
            )
        found.append(finger)
    if not found:
        raise InvalidInput(
            "The transaction holds no Type-4 or Type-14 fingerprint image.",
            code="nist_no_fingers",
        )
    return found


def image_record(
    idc: int,
    position: FingerPosition,
    impression: Impression,
    image: bytes,
    compression: str,
    width: int,
    height: int,
    ppi: float,
    *,
    source: str,
    captured: date,
) -> TaggedRecord:
    """A Type-14 record of one finger with its mandatory fields: ``image`` is the file as
    ``compression`` (14.011: WSQ20, PNG, JPEGB...) says, or for NONE 8-bit grey pixels row by
    row; ``source`` the agency that captured it (14.004)."""
    if compression not in _COMPRESSIONS:
        raise MalformedTransaction(
            f"field 14.011: the compression is one of {', '.join(_COMPRESSIONS)}, not "
            f"{compression!r}."
        )
    values: tuple[tuple[int, str], ...] = (
        (2, str(idc)),
        (3, str(int(impression))),
        (4, source),
        (5, captured.strftime("%Y%m%d")),
        (6, str(width)),
        (7, str(height)),
        (8, "1"),  # SLC: pixels per inch
        (9, str(round(ppi))),
        (10, str(round(ppi))),
        (11, compression),
        (12, "8"),  # BPX: 8 bits of grey
        (13, str(int(position))),
    )
    return TaggedRecord(14, (*((tag, _text(v)) for tag, v in values), (999, image)))


def legacy_image_record(
    idc: int,
    position: FingerPosition,
    impression: Impression,
    image: bytes,
    width: int,
    height: int,
    *,
    wsq: bool,
) -> Type4Record:
    """A Type-4 record of one finger scanned at 500 ppi: WSQ, or 8-bit grey pixels row by row."""
    positions = bytes([int(position), 255, 255, 255, 255, 255])
    return Type4Record(idc, int(impression), positions, 0, width, height, int(wsq), image)


def card_row(data: bytes) -> dict[str, Any]:
    """A transaction of one person's fingers (a ten-print card) or of a mark, as the import
    row of one fingerprint record: the transaction itself, its control number (1.009) as the
    bureau's reference (importing it again updates the record), and its kind, from the
    impression types of its finger records (all latent: a mark, whose case is the control
    number)."""
    transaction = read(data)
    header = transaction.records[0] if transaction.records else None
    tcn = header.text(TCN_FIELD) if isinstance(header, TaggedRecord) else None
    if not tcn:
        raise MalformedTransaction(
            "record 1 (Type-1): field 1.009 (the transaction control number) is empty: it is "
            "the record's reference, so that importing the file again updates it."
        )
    codes = [
        int(found)
        for record in transaction.records
        if (found := _impression_code(record)) is not None
        # ASCII digits, few enough for int(): anything else is no latent impression's code
        and found.isascii()
        and found.isdigit()
        and len(found) <= _MAX_DIGITS
    ]
    latent = bool(codes) and all(code in _LATENT for code in codes)
    row: dict[str, Any] = {
        "kind": "latent" if latent else "tenprint",
        "external_ref": tcn,
        "transaction": base64.b64encode(data).decode("ascii"),
    }
    if latent:
        row["case_ref"] = tcn
    return row


def _impression_code(record: Record) -> str | None:
    if isinstance(record, Type4Record):
        return str(record.impression)
    if isinstance(record, TaggedRecord) and record.type in (9, 14):
        return record.text(3)
    return None
