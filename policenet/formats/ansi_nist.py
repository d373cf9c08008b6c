"""ANSI/NIST-ITL 1-2011 transactions, read with ``nistitl``: the DNA profiles of Type-18
records, and the fingerprint images of Type-4 and Type-14 records.

A transaction is a Type-1 record (its transaction control number in field 1.009) followed by
the records it announces. A Type-18 record carries one specimen's DNA; its autosomal STR
alleles are in field 18.016 (STR DNA profile), one subfield per locus, whose information items
are, in the order of the 2013 update of the standard:

====  =====  ====================================================================
item  name   what it holds
====  =====  ====================================================================
1     DST    the kind of STR (autosomal, X, Y)
2     DLR    the locus reference
3     ALL    the allele indicator: 1 when alleles were called, 0 when not
4, 5         the analysis and precise-call indicators (not used here)
6-8   AL1-3  the allele calls, up to four characters each ("11", "23.3"); AL3 for a
             tri-allele
====  =====  ====================================================================

The standard numbers the loci in a table of its own; laboratories' systems write either that
number or the locus's name in DLR. A name is read as policenet reads every locus name
(``domain.dna.canonical_locus``); a number is read through the table the importing bureau gives
(``locus_numbers``), since the numbering of a laboratory's system is the one to trust.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nistitl
from PIL import Image

from policenet.domain.dna import canonical_locus
from policenet.domain.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

DNA_RECORD = 18  # Type-18: DNA
STR_FIELD = 16  # 18.016: STR DNA profile
TCN_FIELD = 9  # 1.009: transaction control number
DLR, ALL, AL1 = 1, 2, 5  # 0-based positions of the items in an 18.016 subfield
AMELOGENIN = frozenset({"AMEL", "AMELOGENIN", "AM"})


class MalformedTransaction(InvalidInput):
    code = "nist_malformed"


@dataclass(frozen=True, slots=True)
class Type18Reading:
    """How to read a transaction's Type-18 records as profiles: the kind every profile is
    (the records do not say it in policenet's terms) and the laboratory's locus numbers."""

    kind: str
    locus_numbers: Mapping[str, str] = field(default_factory=dict)


def parse(data: bytes) -> nistitl.Message:
    """The transaction, or ``nist_malformed`` naming the record and what is wrong with it."""
    if not data.startswith(b"1.001:"):
        raise MalformedTransaction(
            "This is not an ANSI/NIST-ITL transaction: it must begin with the Type-1 record "
            "(1.001:). Export the file from your system as an ANSI/NIST-ITL 1-2011 transaction."
        )
    message = nistitl.Message()
    try:
        message.parse(data)
    except (nistitl.NistException, ValueError, IndexError, KeyError, UnicodeError) as exc:
        raise MalformedTransaction(
            f"The ANSI/NIST-ITL transaction cannot be read: {exc}. Check the record's length "
            "field (n.001) and its separators, or export the file again."
        ) from None
    return message


def _items(value: Any) -> list[list[str]]:  # noqa: ANN401 - nistitl's value: str, int or lists
    """A field's value as subfields of items, whatever shape ``nistitl`` gives it."""
    if isinstance(value, list):
        return [[str(i) for i in sub] if isinstance(sub, list) else [str(sub)] for sub in value]
    return [[str(value)]]


def load_locus_numbers(text: str) -> dict[str, str]:
    """A laboratory's locus numbering, one ``number,locus`` pair per line."""
    table: dict[str, str] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        number, _, name = (part.strip() for part in line.partition(","))
        locus = canonical_locus(name)
        if not number or (locus is None and name.upper() not in AMELOGENIN):
            raise InvalidInput(
                f"Locus table, line {line_number}: write NUMBER,LOCUS with LOCUS one of the 24 "
                f"exchanged loci or Amelogenin, not {line.strip()!r}.",
                code="locus_table_invalid",
            )
        table[number] = locus or "AMEL"
    return table


def dna_rows(
    data: bytes, reading: Type18Reading
) -> Iterator[tuple[int, dict[str, Any] | Exception]]:
    """(record number, profile as an import row) for every Type-18 record of a transaction;
    a record that cannot be read comes as an exception naming its profile, field and locus."""
    message = parse(data)
    records = list(message)
    tcn = _tcn(records[0]) if records else ""
    found = False
    for number, record in enumerate(records, start=1):
        if getattr(record, "type", None) != DNA_RECORD:
            continue
        found = True
        idc = str(record[2].value) if record[2] is not None else str(number)
        ref = f"{tcn}/{idc}" if tcn else f"IDC-{idc}"
        try:
            yield number, _profile(record, ref, reading)
        except ValueError as exc:
            yield number, ValueError(f"profile {ref}: {exc}")
    if not found:
        raise InvalidInput(
            "The transaction holds no Type-18 (DNA) record: nothing to import.",
            code="nist_no_profiles",
        )


def _tcn(header: Any) -> str:  # noqa: ANN401 - a nistitl record
    found = header[TCN_FIELD]
    return str(found.value).strip() if found is not None else ""


def _profile(record: Any, ref: str, reading: Type18Reading) -> dict[str, Any]:  # noqa: ANN401
    found = record[STR_FIELD]
    if found is None:
        raise ValueError("field 18.016 (STR DNA profile) is missing: the record holds no STR loci")
    loci: dict[str, list[str]] = {}
    amelogenin: str | None = None
    for position, items in enumerate(_items(found.value), start=1):
        where = f"field 18.016, subfield {position}"
        if len(items) <= DLR or not items[DLR].strip():
            raise ValueError(f"{where}: the locus reference (item 2, DLR) is empty")
        written = items[DLR].strip()
        locus = _locus(written, reading.locus_numbers)
        if locus is None:
            hint = (
                "give the locus table of your laboratory's system (--locus-table) to read its "
                "numbers"
                if written.isdigit()
                else "it is not one of the 24 exchanged loci"
            )
            raise ValueError(f"{where}, locus {written!r}: {hint}")
        indicator = items[ALL].strip() if len(items) > ALL else "1"
        if indicator == "0":
            continue  # not typed at this locus
        if indicator != "1":
            raise ValueError(
                f"{where}, locus {locus}: the allele indicator (item 3, ALL) is {indicator!r}; "
                "it must be 1 (alleles called) or 0 (none)"
            )
        alleles = [a.strip() for a in items[AL1 : AL1 + 3] if a.strip()]
        if not alleles:
            raise ValueError(f"{where}, locus {locus}: the allele indicator is 1 but no allele")
        if locus == "AMEL":
            amelogenin = "".join(sorted(alleles)).upper()
        elif locus in loci:
            raise ValueError(f"{where}: the locus {locus} is given twice")
        else:
            loci[locus] = alleles
    row: dict[str, Any] = {"external_ref": ref, "kind": reading.kind, "loci": loci}
    if amelogenin is not None:
        row["amelogenin"] = amelogenin
    return row


def _locus(written: str, numbers: Mapping[str, str]) -> str | None:
    if written.isdigit():
        return numbers.get(written) or numbers.get(written.lstrip("0"))
    if written.upper() in AMELOGENIN:
        return "AMEL"
    return canonical_locus(written)


# --- fingerprint images: Type-4 and Type-14 ---------------------------------------------------

TYPE4_HEADER = struct.Struct(">B6sBHHB")  # IMP, FGP, ISR, HLL, VLL, GCA after LEN and IDC
MINIMUM_SCANNING_PPI = 500  # Type-4's ISR 0: 19.69 pixels per millimetre
# Impression codes: 0/2 plain, 1/3 rolled (live-scan, non-live-scan); 4 to 7 and 12 to 19
# latent impressions, tracings, photos and lifts.
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
    if value is None or not value.isdigit():
        raise MalformedTransaction(
            f"{where}: field {record.type}.{tag:03d} ({name}) is {value!r}: a number is required."
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
