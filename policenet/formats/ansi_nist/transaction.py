"""Whole ANSI/NIST-ITL 1-2011 transactions, read with ``nistitl`` and written back byte for byte.

A transaction is a Type-1 record (its transaction control number in field 1.009) followed by
the records it announces. Whole transactions are read into a ``Transaction`` (``read``) and
written back (``write``) byte for byte: tagged-field records keep their fields in the order
written, with every subfield and information item; Type-4 records keep their binary header.
``nistitl`` checks the structure and writes each record (computing its length, n.001); policenet
computes the file content (1.003).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import nistitl

from policenet.domain.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

FS, GS, RS, US = b"\x1c", b"\x1d", b"\x1e", b"\x1f"  # record, field, subfield, item separators
_LENGTH_TAG = re.compile(rb"(\d+)\.0*1:(\d+)\x1d")  # a tagged record's n.001
_COUNT_TAG = re.compile(rb"0*1\.0*3:")  # the Type-1 record's file content, 1.003 CNT
_MAX_DIGITS = 12  # more than the type or length of any record has
_ONE_VALUE = (
    "a field of one number (a record's IDC, n.002, or the types and IDCs of field 1.003) holds "
    "subfields or items"
)


MEDIA_TYPE = "application/octet-stream"  # no media type is registered; files end in .an2


class MalformedTransaction(InvalidInput):
    code = "nist_malformed"


def parse(data: bytes) -> nistitl.Message:
    """The transaction, or ``nist_malformed`` naming the record and what is wrong with it."""
    if not data.startswith(b"1.001:"):
        raise MalformedTransaction(
            "This is not an ANSI/NIST-ITL transaction: it must begin with the Type-1 record "
            "(1.001:). Export the file from your system as an ANSI/NIST-ITL 1-2011 transaction."
        )
    header = data.split(FS, 1)[0].split(GS)
    if not any(_COUNT_TAG.match(field) for field in header):
        # nistitl takes the field for granted and fails with a TypeError without it
        raise MalformedTransaction(
            "record 1 (Type-1): field 1.003 (CNT, the file content) is missing: it lists every "
            "record of the transaction. Export the file again as an ANSI/NIST-ITL transaction."
        )
    message = nistitl.Message()
    try:
        message.parse(data)
    except (
        nistitl.NistException,
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        UnicodeError,
    ) as exc:
        where = _locate(data)
        # nistitl reads the numbers it checks (an IDC against 1.003) without looking at their
        # shape: its TypeError is subfields or items where it expects one value
        reason = _ONE_VALUE if isinstance(exc, TypeError) else str(exc)
        found = f"{where} ({reason})" if where else reason
        raise MalformedTransaction(
            f"The ANSI/NIST-ITL transaction cannot be read: {found}. Check the record's length "
            "field (n.001) and its separators, or export the file again."
        ) from None
    _check_ends(message, data)
    return message


def _check_ends(message: Any, data: bytes) -> None:  # noqa: ANN401 - a nistitl message
    """Every tagged record ends with its separator where its length field says: nistitl takes
    the last byte for the separator without looking, and would cut an image short."""
    offset = 0
    for number, record in enumerate(message, start=1):
        if isinstance(record, nistitl.BinaryRecord):
            offset += record.length
            continue
        found = record[1]
        # nistitl takes the record's first field for its length whatever its tag, and keeps a
        # length written with subfield separators as subfields
        length = found.value if found is not None else None
        if not isinstance(length, int):
            raise MalformedTransaction(
                f"record {number} (Type-{record.type}): its first field must be "
                f"{record.type}.001 (LEN), the record's length in bytes as one whole number. "
                "Export the file again."
            )
        offset += length
        if data[offset - 1 : offset] != FS:
            raise MalformedTransaction(
                f"record {number} (Type-{record.type}): field {record.type}.001 (LEN) says "
                f"{length} bytes, but the record does not end there with its separator."
            )


def _locate(data: bytes) -> str:
    """Where a transaction ``nistitl`` refused goes wrong, when a record's length is the cause:
    the record, by number and type, and its length field; empty when the lengths all fit."""
    header = data.split(FS, 1)[0].split(GS)
    count = next((f[6:] for f in header if f.startswith(b"1.003:")), b"")
    kinds = [sub.split(US)[0].decode("latin-1") for sub in count.split(RS)]
    offset, number = 0, 1
    while offset < len(data):
        if number > len(kinds):
            return (
                f"{len(data) - offset} bytes follow the {len(kinds)} records that field 1.003 "
                "(CNT) announces"
            )
        tagged = _LENGTH_TAG.match(data, offset)
        if tagged and max(len(tagged.group(1)), len(tagged.group(2))) > _MAX_DIGITS:
            # Python converts no number of over 4300 digits, and no record is nearly as long
            return (
                f"record {number}: the record type or the length of its field n.001 (LEN) has "
                f"more than {_MAX_DIGITS} digits"
            )
        kind = tagged.group(1).decode() if tagged else kinds[number - 1]
        if tagged:
            length, where = int(tagged.group(2)), f"field {kind}.001 (LEN)"
        else:
            length, where = int.from_bytes(data[offset : offset + 4]), "its length (bytes 1-4)"
        where = f"record {number} (Type-{kind}): {where} says {length} bytes"
        left = len(data) - offset
        if length > left or length < 5:
            return f"{where} but {left} remain: the file is cut short or the length is wrong"
        separator = data.find(FS, offset)
        if tagged and _data_tag(int(kind)) is None and separator + 1 != offset + length:
            return f"{where} but its record separator ends it after {separator + 1 - offset}"
        if tagged and data[offset + length - 1 : offset + length] != FS:
            return f"{where} but its last byte is not the record separator"
        offset, number = offset + length, number + 1
    return ""


def _items(value: Any) -> list[list[str]]:  # noqa: ANN401 - nistitl's value: str, int or lists
    """A field's value as subfields of items, whatever shape ``nistitl`` gives it."""
    if isinstance(value, list):
        return [[str(i) for i in sub] if isinstance(sub, list) else [str(sub)] for sub in value]
    return [[str(value)]]


Items: TypeAlias = tuple[tuple[str, ...], ...]  # a field's subfields, each its information items
Value: TypeAlias = Items | bytes  # bytes: the image field (n.999) that ends a record
VERSION = "0500"  # 1.002 VER of ANSI/NIST-ITL 1-2011
CNT_FIELD = 3  # 1.003: file content, (type, IDC) of every record
TYPE4_HEADER = struct.Struct(">B6sBHHB")  # IMP, FGP, ISR, HLL, VLL, GCA after LEN and IDC
_SEPARATORS = frozenset("\x1c\x1d\x1e\x1f")


@dataclass(frozen=True, slots=True)
class TaggedRecord:
    """A tagged-field ("ASCII") record: its fields in the order written, each (tag, value).
    The length field (n.001) is not kept: the writer computes it."""

    type: int
    fields: tuple[tuple[int, Value], ...]

    def get(self, tag: int) -> Value | None:
        return next((value for found, value in self.fields if found == tag), None)

    def text(self, tag: int) -> str | None:
        """The field's first information item: the whole value of a one-item field."""
        value = self.get(tag)
        if value is None or isinstance(value, bytes):
            return None
        return value[0][0] if value and value[0] else ""


@dataclass(frozen=True, slots=True)
class Type4Record:
    """A legacy Type-4 finger image: the fields of its binary header, then the image."""

    idc: int
    impression: int  # IMP
    positions: bytes  # FGP: six finger positions, 255 where unused
    resolution: int  # ISR: 0 the minimum scanning resolution (500 ppi), 1 the native (1.011)
    width: int  # HLL
    height: int  # VLL
    compression: int  # GCA: 0 none, 1 WSQ
    image: bytes
    type: ClassVar[int] = 4


@dataclass(frozen=True, slots=True)
class BinaryRecord:
    """Another binary record (Types 3, 5 to 8), kept as its IDC and bytes."""

    type: int
    idc: int
    data: bytes


Record: TypeAlias = TaggedRecord | Type4Record | BinaryRecord


@dataclass(frozen=True, slots=True)
class Transaction:
    """A transaction's records in order, the Type-1 record first."""

    records: tuple[Record, ...]

    def with_records(self, *records: Record) -> Transaction:
        """The transaction with ``records`` appended and its file content (1.003) counting them."""
        added = (*self.records, *records)
        return Transaction((_counted(added), *added[1:]))


def read(data: bytes) -> Transaction:
    """A transaction's records as written; ``nist_malformed`` names the record and field."""
    records: list[Record] = []
    offset = 0
    for number, parsed in enumerate(parse(data), start=1):
        if isinstance(parsed, nistitl.BinaryRecord):
            end = offset + parsed.length
            records.append(_binary(parsed, number))
        else:
            end = offset + int(parsed[1].value)
            records.append(_tagged(data[offset:end], parsed, number))
        offset = end
    return Transaction(tuple(records))


def _data_tag(kind: int) -> int | None:
    """The tag of the image field that ends a record of this type, in nistitl's table."""
    return next(
        (tag for tag, name in nistitl.ALIASES.get(kind, {}).items() if name == "DATA"), None
    )


def _tagged(raw: bytes, parsed: Any, number: int) -> TaggedRecord:  # noqa: ANN401 - nistitl's
    kind = int(parsed.type)
    body, image = raw[:-1], None  # parse() saw the record end with its separator
    data_tag = _data_tag(kind)
    found = parsed[data_tag] if data_tag is not None else None
    if data_tag is not None and isinstance(found, nistitl.BinaryField):
        # nistitl cuts the image field off the text; its tag is the last one before the image
        image = (data_tag, bytes(found.value))
        body = body[: len(body) - len(image[1])].rpartition(GS)[0]
    fields = _text_fields(body, kind, number)
    if image is not None:
        fields.append(image)
    return TaggedRecord(kind, tuple(fields))


def _text_fields(body: bytes, kind: int, number: int) -> list[tuple[int, Value]]:
    """The fields of a tagged record's text (its separator left off), the length field (n.001)
    checked to come first and left out."""
    fields: list[tuple[int, Value]] = []
    for position, field_text in enumerate(body.split(GS)):
        tag_text, _, content = field_text.partition(b":")
        tag = int(tag_text.partition(b".")[2])
        if (tag == 1) != (position == 0):
            raise MalformedTransaction(
                f"record {number} (Type-{kind}): field {kind}.001 (LEN) must come first."
            )
        if tag != 1:
            text = content.decode("latin-1")
            fields.append((tag, tuple(tuple(sub.split("\x1f")) for sub in text.split("\x1e"))))
    return fields


def _binary(parsed: Any, number: int) -> Type4Record | BinaryRecord:  # noqa: ANN401 - nistitl's
    value = bytes(parsed.value)
    if parsed.type != Type4Record.type:
        return BinaryRecord(int(parsed.type), int(parsed.IDC), value)
    if len(value) < TYPE4_HEADER.size:
        raise MalformedTransaction(
            f"record {number} (Type-4): the record is shorter than its 18-byte header."
        )
    impression, positions, resolution, width, height, compression = TYPE4_HEADER.unpack_from(value)
    pixels = value[TYPE4_HEADER.size :]
    idc = int(parsed.IDC)
    return Type4Record(idc, impression, positions, resolution, width, height, compression, pixels)


def write(transaction: Transaction) -> bytes:
    """The transaction as ANSI/NIST-ITL bytes: each record's length (n.001) and the file content
    (1.003) computed; everything else as it stands in the records."""
    records = (_counted(transaction.records), *transaction.records[1:])
    return b"".join(_written(record, number) for number, record in enumerate(records, start=1))


def _written(record: Record, number: int) -> bytes:
    out: Any
    try:
        if isinstance(record, Type4Record):
            out = nistitl.BinaryRecord(4)
            out.IDC = record.idc
            header = TYPE4_HEADER.pack(
                record.impression,
                record.positions,
                record.resolution,
                record.width,
                record.height,
                record.compression,
            )
            out.value = header + record.image
        elif isinstance(record, BinaryRecord):
            out = nistitl.BinaryRecord(record.type)
            out.IDC, out.value = record.idc, record.data
        else:
            # Not sorted: the fields go out in the order read (nistitl sorts them by default)
            out = nistitl.AsciiRecord(record.type, autocreate=False, autosort=False)
            out += nistitl.Field(record.type, 1, 0)  # LEN, which nistitl computes
            for tag, value in record.fields:
                out += _field_out(record.type, tag, value, number)
        written: bytes = out.NIST
    except (nistitl.NistException, KeyError, struct.error) as exc:
        raise MalformedTransaction(
            f"record {number} (Type-{record.type}) cannot be written: {exc}."
        ) from None
    return written


def _field_out(kind: int, tag: int, value: Value, number: int) -> Any:  # noqa: ANN401 - nistitl's
    if isinstance(value, bytes):
        return nistitl.BinaryField(kind, tag, value)
    if any(_SEPARATORS.intersection(item) for items in value for item in items):
        raise MalformedTransaction(
            f"record {number} (Type-{kind}): field {kind}.{tag:03d} holds a separator character "
            "(0x1C to 0x1F): give the text without it."
        )
    return nistitl.Field(kind, tag, [list(items) for items in value])


def _counted(records: tuple[Record, ...]) -> TaggedRecord:
    """The Type-1 record, its file content (1.003) counting ``records``. A count that already
    says the same numbers is kept as written: systems write an IDC as "1" or "01", and nistitl
    would rewrite it (a Type-4's as "1"), changing the bytes of a file read and written back."""
    header = records[0] if records else None
    if not isinstance(header, TaggedRecord) or header.type != 1:
        raise MalformedTransaction("A transaction begins with its Type-1 record.")
    others = enumerate(records[1:], start=2)
    wanted = (("1", str(len(records) - 1)), *((str(r.type), _idc(r, n)) for n, r in others))
    current = header.get(CNT_FIELD)
    if isinstance(current, tuple) and _numbers(current) == _numbers(wanted):
        return header
    fields = [(tag, value) for tag, value in header.fields if tag != CNT_FIELD]
    at = next((i for i, (tag, _) in enumerate(fields) if tag > CNT_FIELD), len(fields))
    fields.insert(at, (CNT_FIELD, wanted))
    return TaggedRecord(1, tuple(fields))


def _idc(record: Record, number: int) -> str:
    if not isinstance(record, TaggedRecord):
        return str(record.idc)
    idc = record.text(2)
    if idc is None:
        raise MalformedTransaction(
            f"record {number} (Type-{record.type}): field {record.type}.002 (IDC) is missing: "
            "every record after the Type-1 record has one."
        )
    return idc


def _numbers(value: Items) -> list[tuple[int, ...]] | None:
    try:
        return [tuple(int(item) for item in items) for items in value]
    except ValueError:
        return None


def _text(text: str) -> Items:
    return ((text,),)


def new_transaction(
    tot: str, dai: str, ori: str, tcn: str, when: date, descriptive: Mapping[int, str]
) -> Transaction:
    """A transaction of ANSI/NIST-ITL 1-2011: its Type-1 record (type of transaction, destination
    and originating agencies, control number, date) and a Type-2 record (IDC 0) holding the
    ``descriptive`` fields (2.003 and on, by number). Append the finger records with
    ``with_records``."""
    if any(tag < 3 for tag in descriptive):  # 2.001 LEN, 2.002 IDC
        raise MalformedTransaction("Type-2 fields 2.001 and 2.002 are the record's own.")
    header = TaggedRecord(
        1,
        (
            (2, _text(VERSION)),
            (4, _text(tot)),
            (5, _text(when.strftime("%Y%m%d"))),
            (7, _text(dai)),
            (8, _text(ori)),
            (9, _text(tcn)),
            # NSR and NTR: 00.00 when the Type-4 images say their resolution as the minimum
            (11, _text("00.00")),
            (12, _text("00.00")),
        ),
    )
    described = TaggedRecord(
        2, ((2, _text("0")), *((tag, _text(descriptive[tag])) for tag in sorted(descriptive)))
    )
    return Transaction((header,)).with_records(described)


def descriptive_text(transaction: Transaction) -> dict[str, str]:
    """The first Type-2 record's fields to show, "2.018" -> text: a subfield's items joined by
    ", ", the subfields by "; ". Empty when the transaction has no Type-2 record."""
    for record in transaction.records:
        if isinstance(record, TaggedRecord) and record.type == 2:
            return {
                f"2.{tag:03d}": "; ".join(", ".join(i for i in items if i) for items in value)
                for tag, value in record.fields
                if tag != 2 and not isinstance(value, bytes)  # 2.002 IDC
            }
    return {}
