"""An ANSI/NIST-ITL transaction read from a file one record at a time, never held whole.

A laboratory's batch of DNA profiles is one transaction of as many Type-18 records as it has
profiles: ``records`` reads its Type-1 record, then each record the Type-1 record announces
(field 1.003, CNT), by the length it gives for itself (n.001 for a tagged record, its first
four bytes for a binary one), and hands over one record's bytes at a time. It checks what the
whole-file reader (``transaction.parse``) checks of each record's frame: the length, the
separator that ends it, its type against CNT, and that nothing follows the last record. A
record's fields are read by ``text_record``, for records that hold no image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.formats.ansi_nist.transaction import (
    FS,
    GS,
    RS,
    US,
    MalformedTransaction,
    TaggedRecord,
    _text_fields,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

_LENGTH = re.compile(rb"(\d{1,12})\.0*1:(\d{1,12})\x1d")  # a tagged record's n.001, at its start
_PREFIX = 64  # bytes enough to hold any record's n.001 field
_COUNT_TAG = re.compile(rb"0*1\.0*3:")  # the Type-1 record's file content, 1.003 CNT
_PAIR = re.compile(rb"\d{1,12}\x1f\d{1,12}")  # a record's type and IDC, in CNT
_TAG = re.compile(rb"(\d{1,12})\.\d{1,12}:")  # a field's tag: record type, field number
_BINARY_TYPES = frozenset(range(3, 9))  # Types 3 to 8: a four-byte length, then the IDC
_MIN_BINARY = 5  # the length and the IDC
_LONGEST = 64 << 20  # bytes a record may take: a Type-1 record announcing millions, an image


@dataclass(frozen=True, slots=True)
class Framed:
    """A record as the file holds it: its number (the Type-1 record is 1), its type, and its
    bytes, the separator that ends a tagged record included."""

    number: int
    type: int
    data: bytes


class _Source:
    """A binary file read forward, with a look at the bytes ahead before taking them."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._ahead = b""

    def peek(self, size: int) -> bytes:
        if len(self._ahead) < size:
            self._ahead += self._stream.read(size - len(self._ahead))
        return self._ahead[:size]

    def take(self, size: int) -> bytes:
        held, self._ahead = self._ahead[:size], self._ahead[size:]
        return held + self._stream.read(size - len(held)) if len(held) < size else held


def records(stream: BinaryIO) -> tuple[TaggedRecord, Iterator[Framed]]:
    """The transaction's Type-1 record (without its field 1.003, CNT), read now, and the
    records it announces, each read when it is asked for; ``nist_malformed`` names the record
    and what is wrong with it, when it is reached. What is held meanwhile is one record, and
    the Type-1 record's bytes: its CNT lists every record, in about ten bytes each."""
    source = _Source(stream)
    first, content = _first(source)
    return text_record(first, 1, 1), _rest(source, content)


def announced(stream: BinaryIO, kind: int) -> int:
    """How many records of this type the transaction's field 1.003 (CNT) announces: its
    Type-1 record is all that is read."""
    _, content = _first(_Source(stream))
    return sum(1 for found in _announced(content) if found == kind)


def _first(source: _Source) -> tuple[bytes, bytes]:
    """The Type-1 record without its field 1.003 (CNT), and that field's content, checked."""
    if source.peek(6) != b"1.001:":
        raise MalformedTransaction(
            "This is not an ANSI/NIST-ITL transaction: it must begin with the Type-1 record "
            "(1.001:). Export the file from your system as an ANSI/NIST-ITL 1-2011 transaction."
        )
    first, content = _without_count(_tagged(source, 1, 1))
    _check_count(content)
    return first, content


def _without_count(first: bytes) -> tuple[bytes, bytes]:
    """The Type-1 record without its field 1.003 (CNT), and that field's content."""
    fields = first[:-1].split(GS)
    for position, field in enumerate(fields):
        if _COUNT_TAG.match(field):
            content = field.partition(b":")[2]
            return GS.join(fields[:position] + fields[position + 1 :]) + FS, content
    raise MalformedTransaction(
        "record 1 (Type-1): field 1.003 (CNT, the file content) is missing: it lists every "
        "record of the transaction. Export the file again as an ANSI/NIST-ITL transaction."
    )


def _announced(content: bytes) -> Iterator[int]:
    """The record types field 1.003 (CNT) lists, one (type, IDC) pair at a time, the Type-1
    record's own first."""
    start, position = 0, 0
    while True:
        end = content.find(RS, start)
        pair = content[start:end] if end >= 0 else content[start:]
        position += 1
        if _PAIR.fullmatch(pair) is None:
            raise MalformedTransaction(
                f"record 1 (Type-1): field 1.003 (CNT), subfield {position}, must be a record "
                "type and its IDC, two numbers. Export the file again."
            )
        yield int(pair.partition(US)[0])
        if end < 0:
            return
        start = end + 1


def _check_count(content: bytes) -> None:
    """Field 1.003 (CNT) lists (type, IDC) pairs, the Type-1 record's own first."""
    kinds = _announced(content)
    if next(kinds) != 1:
        raise MalformedTransaction(
            "record 1 (Type-1): field 1.003 (CNT) must begin with the Type-1 record itself "
            "(1, then the number of records that follow)."
        )
    for _ in kinds:
        pass


def _rest(source: _Source, content: bytes) -> Iterator[Framed]:
    number = 1
    kinds = _announced(content)
    next(kinds)  # the Type-1 record's own
    for kind in kinds:
        number += 1
        if kind in _BINARY_TYPES:
            yield Framed(number, kind, _binary(source, number, kind))
        else:
            yield Framed(number, kind, _tagged(source, number, kind))
    left = len(source.peek(_PREFIX))
    if left:
        more = f"{left} bytes" if left < _PREFIX else "bytes"
        raise MalformedTransaction(
            f"{more} follow the {number} records that field 1.003 (CNT) announces: "
            "list every record in CNT, or remove what follows the last one."
        )


def _tagged(source: _Source, number: int, kind: int) -> bytes:
    found = _LENGTH.match(source.peek(_PREFIX))
    if found is None:
        raise MalformedTransaction(
            f"record {number} (Type-{kind}): its first field must be {kind}.001 (LEN), the "
            "record's length in bytes as one whole number. Export the file again."
        )
    written = int(found.group(1))
    if written != kind:
        raise MalformedTransaction(
            f"record {number}: field 1.003 (CNT) announces a Type-{kind} record, but it begins "
            f"with field {written}.001. Export the file again."
        )
    length = int(found.group(2))
    where = f"record {number} (Type-{kind}): field {kind}.001 (LEN) says {length} bytes"
    if length <= len(found.group(0)):
        raise MalformedTransaction(f"{where}: fewer than its own length field takes.")
    data = source.take(_within(length, where))
    if len(data) < length:
        raise MalformedTransaction(
            f"{where} but {len(data)} remain: the file is cut short or the length is wrong."
        )
    if data[-1:] != FS:
        raise MalformedTransaction(f"{where}, but its last byte is not the record separator.")
    return data


def _binary(source: _Source, number: int, kind: int) -> bytes:
    length = int.from_bytes(source.peek(4))
    where = f"record {number} (Type-{kind}): its length (bytes 1-4) says {length} bytes"
    if length < _MIN_BINARY:
        raise MalformedTransaction(f"{where}: fewer than its length and IDC take.")
    data = source.take(_within(length, where))
    if len(data) < length:
        raise MalformedTransaction(
            f"{where} but {len(data)} remain: the file is cut short or the length is wrong."
        )
    return data


def _within(length: int, where: str) -> int:
    """The record's length, unless it is more than any record read one at a time may take."""
    if length > _LONGEST:
        raise MalformedTransaction(
            f"{where}: more than the {_LONGEST >> 20} MiB a record of a DNA transaction may "
            "take. Check the length field, or export the file again."
        )
    return length


def text_record(data: bytes, kind: int, number: int) -> TaggedRecord:
    """A tagged record that holds no image (Type-1, Type-2, Type-18…), from its bytes as
    ``records`` frames them: every field tagged with the record's type, none holding the
    record separator."""
    body = data[:-1]
    if FS in body:
        raise MalformedTransaction(
            f"record {number} (Type-{kind}): its record separator ends it after "
            f"{body.index(FS) + 1} bytes, before the length its field {kind}.001 (LEN) says."
        )
    for position, field in enumerate(body.split(GS), start=1):
        tag = _TAG.match(field)
        if tag is None or int(tag.group(1)) != kind:
            raise MalformedTransaction(
                f"record {number} (Type-{kind}): its field {position} does not begin with a "
                f"tag of the record's type ({kind}.NNN:). Export the file again."
            )
    return TaggedRecord(kind, tuple(_text_fields(body, kind, number)))
