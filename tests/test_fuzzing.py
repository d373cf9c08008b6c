"""Fuzzing the hub's parsers: whatever text or bytes arrive, a parser answers with what it read
or with its documented error, never with a crash.

An officer's typing, a scanner's output or a bureau's export can hold anything. An unexpected
exception (IndexError, struct.error, RecursionError...) answers a 500 and hides from the sender
what was wrong with the file; a ``PolicenetError`` names it. Random input rarely gets past a
parser's first check, so each parser is also fed mutations of a valid input (characters
flipped, cut, repeated or inserted) and, where a format has lengths or check digits, inputs
built with them right and their values random.
"""

from __future__ import annotations

import csv
import io
import json
import string
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import nistitl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from policenet.domain.databases import Database
from policenet.domain.error_codes import CODES
from policenet.domain.errors import InvalidInput, PolicenetError
from policenet.domain.fingerprints import (
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)
from policenet.formats import ansi_nist, iso19794
from policenet.formats.rows import read_rows
from policenet.matching import identifiers
from policenet.matching.mrz import MrzError, check_digit, parse_mrz

# nistitl warns that it reads Types 3, 5 to 8 (deprecated by the standard): mutations make them
pytestmark = pytest.mark.filterwarnings("ignore:Record of type:DeprecationWarning")

T = TypeVar("T")
S = TypeVar("S", str, bytes)

# Each test stays within a few seconds, so that the file runs in well under a minute.
QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refused_well(error: PolicenetError) -> None:
    """A refusal a client can act on: a registered code and a sentence."""
    assert isinstance(error.code, str) and error.code
    assert error.code in CODES, f"{error.code} is not in policenet/domain/error_codes.py"
    assert isinstance(error.message, str) and error.message.strip()


def answered(call: Callable[[], T], refusal: type[PolicenetError] = InvalidInput) -> T | None:
    """What ``call`` returns, or None when it refused with ``refusal``; any other exception
    propagates and fails the test."""
    try:
        return call()
    except refusal as error:
        refused_well(error)
        return None


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[S], pieces: st.SearchStrategy[S]) -> S:
    """One of ``seeds`` with one to four edits: a character replaced, a slice cut, the tail
    cut off, a slice repeated (a short one up to 5000 times: over-long fields, huge numbers)
    or ``pieces`` inserted."""
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 64)))
        edit = draw(st.sampled_from(("replace", "cut", "truncate", "repeat", "insert")))
        if edit == "replace":
            data = data[:start] + draw(pieces) + data[start + 1 :]
        elif edit == "cut":
            data = data[:start] + data[end:]
        elif edit == "truncate":
            data = data[:start]
        elif edit == "repeat":
            times = draw(st.sampled_from((2, 3, 5000) if end - start <= 2 else (2, 3)))
            data = data[:end] + data[start:end] * times + data[end:]
        else:
            data = data[:start] + draw(pieces) + data[start:]
    return data


# Characters that trouble text parsers: separators, NUL, lone surrogates, letters whose upper
# case is longer ('ß' -> 'SS') or not ASCII, digits of other scripts, combining marks.
AWKWARD = "\x00\n\r\t \x1c\x1d\x1e\x1f\"',;:|<>-./\\\ud800\udfff\ufeffßıİŉﬁ١²é\u0301€\U0001f600"
awkward_text = st.text(alphabet=st.sampled_from(AWKWARD), min_size=1, max_size=4)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


# --- 1. Machine readable zones (ICAO 9303) -----------------------------------------------------

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
TD1 = "\n".join(
    (
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    )
)
MRV_A = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRV_B = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"
ZONES = (TD3, TD2, TD1, MRV_A, MRV_B)
MRZ_CHARS = string.ascii_uppercase + string.digits + "<"
mrz_pieces = st.one_of(
    st.text(alphabet=MRZ_CHARS, min_size=1, max_size=3),
    st.sampled_from(("0", "<", "<<", "\n", " ", "V", "9")),
    awkward_text,
)


def parsed_zone(zone: str | list[str]) -> None:
    mrz = answered(lambda: parse_mrz(zone), MrzError)
    if mrz is not None:
        assert mrz.document_number.isascii()


@QUICK
@given(st.one_of(any_text, st.lists(any_text, max_size=4)))
@example("\n\n")
@example(["", " ", "<"])
@example("ß" * 45)  # 'SS' once upper case: 90 characters, the length of a TD1 on one line
def test_mrz_any_text(zone: str | list[str]) -> None:
    parsed_zone(zone)


@QUICK
@given(mutated(ZONES, mrz_pieces), st.booleans())
def test_mrz_mutated_zones(zone: str, as_lines: bool) -> None:
    parsed_zone(zone.split("\n") if as_lines else zone)


def _fix(line: str, position: int, data: str) -> str:
    return line[:position] + check_digit(data) + line[position + 1 :]


@st.composite
def checked_zones(draw: st.DrawFn) -> list[str]:
    """A zone of a right shape, random characters and dates, its check digits computed: what
    gets past the check digits to the dates, names and long document numbers."""
    chars = st.sampled_from(MRZ_CHARS)
    date_chars = st.sampled_from("0123456789<")
    shape = draw(st.sampled_from(("TD1", "TD2", "TD3")))
    width = {"TD1": 30, "TD2": 36, "TD3": 44}[shape]
    lines = [draw(st.text(chars, min_size=width, max_size=width)) for _ in range(3)]
    dates = [draw(st.text(date_chars, min_size=6, max_size=6)) for _ in range(2)]
    if shape == "TD1":
        l1, l2, l3 = lines
        l2 = dates[0] + l2[6:8] + dates[1] + l2[14:]
        long_number = draw(st.booleans())  # '<' as its check digit, the rest after it
        l1 = l1[:14] + "<" + l1[15:] if long_number else _fix(l1, 14, l1[5:14])
        l2 = _fix(_fix(l2, 6, l2[0:6]), 14, l2[8:14])
        l2 = _fix(l2, 29, l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        return [l1, l2, l3]
    l1, l2, _ = lines
    l2 = l2[:13] + dates[0] + l2[19:21] + dates[1] + l2[27:]
    long_number = shape == "TD2" and draw(st.booleans())
    l2 = l2[:9] + "<" + l2[10:] if long_number else _fix(l2, 9, l2[0:9])
    l2 = _fix(_fix(l2, 19, l2[13:19]), 27, l2[21:27])
    if shape == "TD3":
        l2 = _fix(l2, 42, l2[28:42])
    l2 = _fix(l2, width - 1, l2[0:10] + l2[13:20] + l2[21 : width - 1])
    return [l1, l2]


@QUICK
@given(checked_zones())
def test_mrz_zones_with_right_check_digits(zone: list[str]) -> None:
    parsed_zone(zone)


# --- 2. Identifiers of stolen objects ----------------------------------------------------------

NORMALISERS: dict[str, tuple[Callable[[str], object], tuple[str, ...]]] = {
    "vin": (identifiers.normalise_vin, ("1M8GDM9AXKP042788", "WVW ZZZ1JZ-XW000001", "AB123")),
    "check_vin": (identifiers.check_vin, ("1HGCM82633A004352", "LSGAR5AL1HH000001", "W123456")),
    "plate": (identifiers.normalise_plate, ("B-MW 1234", "АВ 1234 ВС")),
    "imo": (identifiers.normalise_imo, ("IMO 9074729", "imo:9074729", "9074729")),
    "mmsi": (identifiers.normalise_mmsi, ("MMSI 211234560", "366123456")),
    "hull_id": (identifiers.normalise_hull_id, ("ABC12345D404", "DE-ABC12345D404")),
    "serial": (identifiers.normalise_serial, ("AB-1234/56", "S.N. 0042")),
}
identifier_pieces = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=3),
    awkward_text,
)


def normalised(kind: str, text: str) -> None:
    """Read as the normaliser of ``kind``; what it keeps reads back to itself, so that the
    stored form is the key a later search computes."""
    normalise, _ = NORMALISERS[kind]
    value = answered(lambda: normalise(text))
    if isinstance(value, identifiers.VinCheck):
        value = value.vin
    if isinstance(value, str):
        again = normalise(value)
        assert (again.vin if isinstance(again, identifiers.VinCheck) else again) == value


@QUICK
@given(st.sampled_from(sorted(NORMALISERS)), any_text)
@example("vin", "IIIIIIIIIIIIIIIII")  # 17 characters, letters no VIN uses
@example("check_vin", "1" * 17)
@example("imo", "IMO\n9074729")
def test_identifiers_any_text(kind: str, text: str) -> None:
    normalised(kind, text)


@QUICK
@given(
    st.sampled_from(sorted(NORMALISERS)).flatmap(
        lambda kind: st.tuples(st.just(kind), mutated(NORMALISERS[kind][1], identifier_pieces))
    )
)
def test_identifiers_mutated(case: tuple[str, str]) -> None:
    normalised(*case)


@QUICK
@given(any_text, any_text)
def test_titles_and_serial_keys_take_any_text(first: str, second: str) -> None:
    """These never refuse: they make keys of what was recorded."""
    assert isinstance(identifiers.normalise_title(first), str)
    assert isinstance(identifiers.serial_key(first), str)
    assert isinstance(identifiers.differs_only_by_confusion(first, second), bool)


# --- 3. ANSI/NIST-ITL transactions and ISO/IEC 19794-2 records ---------------------------------


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, "PNG")
    return out.getvalue()


def _field(record: int, tag: int, *subfields: list[str]) -> nistitl.Field:
    found = nistitl.Field(record, tag)
    found.add_subfields(*(nistitl.SubField(items) for items in subfields))
    return found


def _text_record(kind: int, idc: int, fields: Sequence[tuple[int, str | list[list[str]]]]) -> Any:
    record = nistitl.AsciiRecord(kind)
    record.IDC = idc
    for tag, value in fields:
        record += (
            nistitl.Field(kind, tag, value) if isinstance(value, str) else _field(kind, tag, *value)
        )
    return record


def _type4(idc: int, header: tuple[int, int, int, int, int], data: bytes) -> Any:
    impression, position, width, height, compression = header
    record = nistitl.BinaryRecord(4)
    record.IDC = idc
    positions = bytes([position, 255, 255, 255, 255, 255])
    record.pack("!B6sBHHB", impression, positions, 0, width, height, compression, data)
    return record


def _message(tcn: str, records: Sequence[Any], nsr: str = "19.69") -> bytes:
    message = nistitl.Message()
    message[0]._2 = "0500"
    message[0].TOT = "CAR"
    message[0].DAT = "20240501"
    message[0].TCN = tcn
    message[0]._11 = nsr
    for record in records:
        message += record
    data: bytes = message.NIST
    return data


TYPE9_FIELDS: list[tuple[int, str | list[list[str]]]] = [
    (3, "1"),
    (4, "U"),
    (126, [["27", "513"]]),
    (128, "416"),
    (129, "560"),
    (130, "1"),
    (131, "500"),
    (132, "500"),
    (133, "0"),
    (134, "7"),
    (135, "70"),
    (136, "2"),
    (137, [["1", "120", "88", "45", "1", "90"], ["2", "200", "310", "0", "2", "60"]]),
]
TYPE14_FIELDS: list[tuple[int, str | list[list[str]]]] = [
    (3, "0"),
    (4, "DE-BKA"),
    (5, "20240501"),
    (6, "4"),
    (7, "3"),
    (8, "1"),
    (9, "500"),
    (10, "500"),
    (11, "PNG"),
    (12, "8"),
    (13, "3"),
]


def _type14(idc: int, fields: Sequence[tuple[int, str | list[list[str]]]], image: bytes) -> Any:
    record = _text_record(14, idc, fields)
    record += nistitl.BinaryField(14, 999, image)
    return record


def _str_items(locus: str, *alleles: str) -> list[str]:
    return ["0", locus, "1", "", "", *alleles]


CARD = _message(
    "DE-BKA-42",
    [
        _text_record(2, 0, [(18, "MUSTERMANN,ERIKA"), (19, [["GABLER,ERIKA"], ["MEYER,E"]])]),
        _type4(1, (1, 1, 4, 3, 0), bytes(range(12))),
        _type4(2, (1, 2, 4, 3, 1), b"WSQ?"),
        _text_record(9, 3, TYPE9_FIELDS),
        _type14(4, TYPE14_FIELDS, _png(4, 3)),
        _type14(5, [*TYPE14_FIELDS[:-3], (11, "NONE"), (12, "8"), (13, "4")], bytes(12)),
    ],
)
MARK = _message("FR-PTS-7", [_text_record(9, 1, [(3, "4"), *TYPE9_FIELDS[1:]])])
DNA = _message(
    "DE-LAB-7",
    [
        _text_record(
            18,
            1,
            [(16, [_str_items("D3S1358", "15", "16"), _str_items("AMEL", "X", "Y")])],
        ),
        _text_record(18, 2, [(16, [_str_items("12", "17", "18"), ["0", "TH01", "0"]])]),
    ],
)
TRANSACTIONS = (CARD, MARK, DNA)
READING = ansi_nist.Type18Reading("reference", {"12": "vWA"})
nist_pieces = st.one_of(
    st.binary(min_size=1, max_size=4),
    st.sampled_from(
        ansi_nist.FS + ansi_nist.GS + ansi_nist.RS + ansi_nist.US + b"0123456789:."
    ).map(lambda byte: bytes([byte])),
    st.sampled_from((b"\x1d1.003:", b"\x1d14.999:", b"\x1c2.001:9\x1d", b"\x00\x00\x00\x05")),
)


def read_transaction(data: bytes) -> None:
    """Every way the hub reads a transaction, as ``matching.records`` and ``formats.rows``
    call them: whole, its finger images, its minutiae (then stored as ISO/IEC 19794-2), its
    card row, its DNA profiles and its Type-2 text; and written back."""
    transaction = answered(lambda: ansi_nist.read(data))
    if transaction is not None:
        assert isinstance(ansi_nist.descriptive_text(transaction), dict)
        answered(lambda: ansi_nist.write(transaction))
        templates = answered(lambda: ansi_nist.type9_templates(transaction)) or []
        for _, _, template in templates:
            answered(lambda t=template: iso19794.encode(t))
    answered(lambda: ansi_nist.finger_images(data))
    answered(lambda: ansi_nist.card_row(data))
    rows = answered(lambda: list(ansi_nist.dna_rows(data, READING))) or []
    for number, row in rows:
        assert isinstance(number, int)
        assert isinstance(row, dict) or (isinstance(row, ValueError) and str(row))


def test_the_seed_transactions_read() -> None:
    """The seeds are valid, so that their mutations start from inside the format."""
    assert len(ansi_nist.finger_images(CARD)) == 4
    assert len(ansi_nist.type9_templates(ansi_nist.read(CARD))) == 1
    assert ansi_nist.card_row(MARK)["kind"] == "latent"
    assert [type(row) for _, row in ansi_nist.dna_rows(DNA, READING)] == [dict, dict]


@SLOW
@given(st.binary(max_size=300))
@example(b"1.001:")
@example(b"1.001:5\x1c")
@example(b"1.001:20\x1d1.002:0500\x1c")  # no 1.003 (CNT)
def test_nist_random_bytes(data: bytes) -> None:
    read_transaction(b"1.001:" + data)
    read_transaction(data)


@SLOW
@given(mutated(TRANSACTIONS, nist_pieces))
def test_nist_mutated_transactions(data: bytes) -> None:
    read_transaction(data)


# Field values as another system may write them: numbers small, huge or negative, text,
# nothing, characters above ASCII.
nist_values = st.one_of(
    st.integers(0, 300).map(str),
    st.sampled_from(("", "0", "-1", "1.5", "9" * 5000, "99999", "NONE", "WSQ20", "JP2", "²")),
    st.text(
        st.characters(max_codepoint=255, exclude_characters="\x1c\x1d\x1e\x1f"),
        max_size=8,
    ),
)
nist_items = st.lists(st.lists(nist_values, min_size=1, max_size=7), min_size=1, max_size=3)


@st.composite
def built_transactions(draw: st.DrawFn) -> bytes:
    """A transaction whose lengths and record count are right (nistitl writes them) and whose
    field values are random: what gets past the structure to the fields' meaning."""
    records: list[Any] = []
    for idc in range(1, draw(st.integers(1, 3)) + 1):
        kind = draw(st.sampled_from((4, 9, 14, 18)))
        if kind == 4:
            header = draw(st.tuples(*(st.integers(0, 255),) * 2, *(st.integers(0, 65535),) * 2))
            compression = draw(st.integers(0, 3))
            records.append(_type4(idc, (*header, compression), draw(st.binary(max_size=64))))
            continue
        fields = TYPE9_FIELDS if kind == 9 else TYPE14_FIELDS
        if kind == 18:
            fields = [(16, [_str_items("D3S1358", "15", "16")])]
        changed = dict(fields)
        for tag in draw(st.lists(st.sampled_from([tag for tag, _ in fields]), max_size=4)):
            value = draw(st.one_of(nist_values, nist_items))
            changed[tag] = value
        chosen = [(tag, value) for tag, value in changed.items() if value != ""]
        if kind == 14:
            records.append(_type14(idc, chosen, draw(st.binary(max_size=64))))
        else:
            records.append(_text_record(kind, idc, chosen))
    return _message(draw(nist_values) or "TCN", records, draw(nist_values) or "19.69")


# Regressions: values the fuzzing found crashing a reader.
SUPERSCRIPT = "\u00b2"  # '²': a digit to str.isdigit, not to int
MINUTIAE_IMPRESSION = _message("T", [_text_record(9, 1, [(3, SUPERSCRIPT), *TYPE9_FIELDS[1:]])])
MINUTIAE_HUGE = _message("T", [_text_record(9, 1, [(3, "9" * 5000), *TYPE9_FIELDS[1:]])])
MINUTIAE_WIDE = _message(  # 99999 pixels wide: more than ISO/IEC 19794-2 holds
    "T", [_text_record(9, 1, [(t, "99999" if t == 128 else v) for t, v in TYPE9_FIELDS])]
)
IMAGE_POSITION = _message("T", [_type14(1, [*TYPE14_FIELDS[:-1], (13, SUPERSCRIPT)], _png(4, 3))])


@SLOW
@given(built_transactions())
@example(MINUTIAE_IMPRESSION)
@example(MINUTIAE_HUGE)
@example(MINUTIAE_WIDE)
@example(IMAGE_POSITION)
def test_nist_transactions_with_random_values(data: bytes) -> None:
    read_transaction(data)


def _sized(prefix: bytes, rest: bytes) -> bytes:
    """``prefix``, then the record's length in digits, then ``rest``: the length counts itself."""
    for digits in range(1, 8):
        total = len(prefix) + digits + len(rest)
        if len(str(total)) == digits:
            return prefix + str(total).encode() + rest
    raise AssertionError("no record is that long")


raw_values = st.one_of(
    nist_values.map(lambda text: text.encode("latin-1")),
    st.sampled_from((b"1\x1e2", b"1\x1f2", b"\x1e", b"4\x1f1\x1e9", b"14.999:", b"9" * 5000)),
)


@st.composite
def raw_transactions(draw: st.DrawFn) -> bytes:
    """A transaction written byte by byte, each record's length right, in shapes nistitl's
    writer never makes: a first field that is not the length (n.001) or holds subfields,
    tags and IDCs of any number, values holding separators, a file content (1.003) that lists
    other records."""
    kinds = draw(st.lists(st.sampled_from((2, 4, 9, 14, 18)), max_size=3))
    records: list[bytes] = []
    for idc, kind in enumerate(kinds, start=1):
        if kind == 4:
            body = bytes([idc]) + draw(st.binary(max_size=40))
            length = draw(st.sampled_from((len(body) + 4, 0, 5, 2**32 - 1)))
            records.append(length.to_bytes(4, "big") + body)
            continue
        fields = {2: str(idc).encode()} | {
            tag: draw(raw_values)
            for tag in draw(st.lists(st.sampled_from((3, 4, 11, 13, 16, 126, 136, 137, 999))))
        }
        for tag in draw(st.lists(st.integers(0, 1000), max_size=2)):
            fields[tag] = draw(raw_values)
        first = draw(st.sampled_from(("001", "001", "001", "1", "01", "002", "999")))
        after = draw(st.sampled_from((b"", b"", b"\x1e7", b"\x1f1")))
        rest = after + b"".join(b"\x1d%d.%03d:%s" % (kind, tag, v) for tag, v in fields.items())
        records.append(_sized(f"{kind}.{first}:".encode(), rest + ansi_nist.FS))
    listed = [(1, len(records)), *((kind, idc) for idc, kind in enumerate(kinds, start=1))]
    if draw(st.booleans()):
        listed = draw(st.permutations(listed))[: draw(st.integers(0, len(listed)))]
    count = b"\x1e".join(b"%d\x1f%d" % pair for pair in listed)
    if draw(st.booleans()):
        count = draw(raw_values)
    header = _sized(b"1.001:", b"\x1d1.002:0500\x1d1.003:" + count + b"\x1d1.009:T\x1c")
    return header + b"".join(records)


# Regressions: shapes the fuzzing found crashing a reader.
HEADER = _sized(b"1.001:", b"\x1d1.002:0500\x1d1.003:1\x1f1\x1e2\x1f1\x1d1.009:T\x1c")
LENGTH_NOT_FIRST = HEADER + _sized(b"2.005:", b"\x1d2.002:1\x1c")
LENGTH_IN_SUBFIELDS = HEADER + _sized(b"2.001:", b"\x1e7\x1d2.002:1\x1c")
LENGTH_HUGE = HEADER + b"2.001:" + b"9" * 5000 + b"\x1d2.002:1\x1c"
IDC_IN_SUBFIELDS = HEADER.replace(b"\x1e2\x1f", b"\x1e9\x1f") + _sized(
    b"2.001:", b"\x1d2.002:1\x1e2\x1c"
)


@SLOW
@given(raw_transactions())
@example(LENGTH_NOT_FIRST)
@example(LENGTH_IN_SUBFIELDS)
@example(LENGTH_HUGE)
@example(IDC_IN_SUBFIELDS)
def test_nist_transactions_written_byte_by_byte(data: bytes) -> None:
    read_transaction(data)


@QUICK
@given(st.one_of(any_text, mutated(("12,vWA\n# a comment\n13,AMEL\n",), awkward_text)))
def test_locus_tables(text: str) -> None:
    answered(lambda: ansi_nist.load_locus_numbers(text))


TEMPLATE = Template(
    416,
    560,
    (
        FingerView(
            (
                Minutia(120, 88, 90.0, MinutiaKind.ENDING, 90),
                Minutia(200, 310, 0.0, MinutiaKind.BIFURCATION, 60),
            ),
            FingerPosition.LEFT_INDEX,
            0,
            Impression.LIVE_SCAN_ROLLED,
            70,
        ),
        FingerView((), FingerPosition.RIGHT_THUMB, 1, Impression.LATENT, 0),
    ),
)
RECORD = iso19794.encode(TEMPLATE)


def decoded(data: bytes) -> None:
    """Read as an ISO/IEC 19794-2 record; what is read is written again as the hub stores it."""
    template = answered(lambda: iso19794.decode(data))
    if template is not None:
        assert iso19794.decode(iso19794.encode(template)) == template


def _length_fixed(data: bytes) -> bytes:
    """The record with its length field (bytes 9-12) saying its length, so that it gets past
    that check."""
    if len(data) < 12:
        return data
    return data[:8] + len(data).to_bytes(4, "big") + data[12:]


@QUICK
@given(st.binary(max_size=200), st.booleans())
def test_iso19794_random_bytes(data: bytes, with_magic: bool) -> None:
    decoded(_length_fixed(iso19794.MAGIC + data) if with_magic else data)


@QUICK
@given(mutated((RECORD,), st.binary(min_size=1, max_size=3)), st.booleans())
def test_iso19794_mutated_records(data: bytes, length_fixed: bool) -> None:
    decoded(_length_fixed(data) if length_fixed else data)


@QUICK
@given(st.integers(0, 2**20), st.integers(0, 2**20), st.sampled_from(TEMPLATE.views))
@example(65536, 1, TEMPLATE.views[0])  # an image wider than 16 bits
def test_iso19794_templates_of_any_size_are_written_or_refused(
    width: int, height: int, view: FingerView
) -> None:
    record = answered(lambda: iso19794.encode(Template(width, height, (view,))))
    if record is not None:
        assert iso19794.decode(record).width == width


# --- 4. The rows of an import file -------------------------------------------------------------

CSV_FILES = (
    "issuing_country,document_type,number,status,holder_name,visibility,visibility_countries\n"
    "DE,passport,C01X00T47,stolen,MUSTERMANN ERIKA,countries,DE|FR\n"
    "FR,id_card,X4RTBPFW4,lost,DUPONT JEAN,,\n",
    "external_ref,name,aliases,birth_date,nationalities,identity_documents,height_cm,eye_colour\n"
    "P-1,Erika Mustermann,Erika Gabler|E. Meyer,1964-08-12,DE,DE:C01X00T47:passport,172,blue\n",
    "external_ref,vin,plate,plate_country,make,visibility\nV-1,1M8GDM9AXKP042788,B MW 1,DE,BMW,\n",
    'external_ref,kind,amelogenin,D3S1358,vWA,FGA\nD-1,reference,XY,"15,16","17,18","21,24"\n',
)
CSV_DATABASES = (
    Database.TRAVEL_DOCUMENTS,
    Database.PERSONS,
    Database.VEHICLES,
    Database.DNA,
)
JSONL = (
    '{"external_ref": "V-1", "vin": "1M8GDM9AXKP042788", "year": 2019}\n'
    '{"external_ref": "V-2", "plate": "B MW 1234", "visibility": {"scope": "all"}}\n'
)
row_pieces = st.one_of(
    awkward_text,
    st.sampled_from(('"', ",", "\n", "[", "{", "}", "]", '"a":', "1e400", "NaN", "-0")),
)


def read_all(text: str, file_format: str, database: Database) -> None:
    """Every row of the file read: a row as fields, or a ValueError the import reports with its
    line; a file that cannot be read at all refused with InvalidInput."""
    nist = READING if database is Database.DNA else None

    def rows() -> list[tuple[int, Any]]:
        return list(read_rows(text, file_format, database, nist=nist))

    for line, row in answered(rows) or []:
        assert isinstance(line, int) and line >= 1
        assert isinstance(row, dict) or (isinstance(row, ValueError) and str(row)), row


DEEP_ARRAYS = "[" * 100_000 + "]" * 100_000
DEEP_OBJECTS = '{"a":' * 100_000 + "1" + "}" * 100_000
HUGE_NUMBER = '{"year": ' + "9" * 5000 + "}"
LONG_FIELD = "x" * (csv.field_size_limit() + 1)


@SLOW
@given(any_text, st.sampled_from(("csv", "jsonl", "nist")), st.sampled_from(list(Database)))
@example(DEEP_ARRAYS, "jsonl", Database.VEHICLES)
@example(DEEP_OBJECTS, "jsonl", Database.VEHICLES)
@example(HUGE_NUMBER, "jsonl", Database.VEHICLES)
@example('{"a": 1e999999, "b": NaN}\n\x00\n{"c": "\\ud800"}', "jsonl", Database.VEHICLES)
@example("number\n" + LONG_FIELD, "csv", Database.TRAVEL_DOCUMENTS)
@example("number,status\nC01\x00X00T47,stolen\n", "csv", Database.TRAVEL_DOCUMENTS)
@example('number\n"C01X00T47\n', "csv", Database.TRAVEL_DOCUMENTS)  # a quote never closed
@example("1.001:€\x1c", "nist", Database.FINGERPRINTS)  # not Latin-1: not the file's bytes
@example("1.001:€\x1c", "nist", Database.DNA)
def test_rows_any_text(text: str, file_format: str, database: Database) -> None:
    read_all(text, file_format, database)


def test_the_seed_files_read() -> None:
    """The seeds are valid, so that their mutations start from inside the format."""
    files = [*zip(CSV_FILES, CSV_DATABASES, strict=True), (JSONL, Database.VEHICLES)]
    for text, database in files:
        file_format = "csv" if text in CSV_FILES else "jsonl"
        rows = list(read_rows(text, file_format, database))
        assert rows and all(isinstance(row, dict) for _, row in rows)


@SLOW
@given(st.sampled_from(range(len(CSV_FILES))), st.data())
def test_csv_rows_mutated(number: int, data: st.DataObject) -> None:
    text = data.draw(mutated((CSV_FILES[number],), row_pieces))
    read_all(text, "csv", CSV_DATABASES[number])


@SLOW
@given(mutated((JSONL,), row_pieces))
def test_jsonl_rows_mutated(text: str) -> None:
    read_all(text, "jsonl", Database.VEHICLES)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=())),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@QUICK
@given(st.lists(json_values, max_size=4))
def test_jsonl_rows_of_any_json(values: list[Any]) -> None:
    read_all("\n".join(json.dumps(value) for value in values), "jsonl", Database.PERSONS)
