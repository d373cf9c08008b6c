"""ANSI/NIST-ITL 1-2011 transactions: files another system writes (built here item by item with
nistitl, not with policenet's writer) read and written back byte for byte; transactions
policenet writes read back to the same templates and images; malformed files refused with the
record and field named."""

from __future__ import annotations

import io
import re
from datetime import date

import nistitl
import pytest
import wsq  # noqa: F401 - registers the WSQ format with Pillow
from PIL import Image

from policenet.domain.fingerprints import (
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)
from policenet.formats.ansi_nist import (
    MalformedTransaction,
    TaggedRecord,
    Type4Record,
    descriptive_text,
    finger_images,
    image_record,
    legacy_image_record,
    minutiae_record,
    new_transaction,
    read,
    type9_templates,
    write,
)
from policenet.matching.minutiae import extract
from tests.test_fingerprints import fvc, needs_fvc

# (index, x, y, angle in 2-degree units, type, quality) as INCITS 378 writes them in 9.137
MINUTIAE = [
    ["1", "120", "88", "45", "1", "90"],
    ["2", "200", "310", "0", "2", "60"],
    ["3", "33", "400", "179", "0", "15"],
]


def finger(width: int = 64, height: int = 48) -> Image.Image:
    """A small grey image with ridges of a sort: enough for WSQ and PNG to encode."""
    image = Image.new("L", (width, height))
    image.putdata(
        [
            (x * 37 + y * 11) % 256 if (x + y) % 9 < 5 else 30
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def encoded(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()


def text_field(record: int, tag: int, *subfields: list[str]) -> nistitl.Field:
    found = nistitl.Field(record, tag)
    found.add_subfields(*(nistitl.SubField(items) for items in subfields))
    return found


def type9(
    idc: int, minutiae: list[list[str]], *, count: int | None = None, ppi: str = "500"
) -> nistitl.AsciiRecord:
    """A Type-9 record with the INCITS 378 block, as another system's extractor writes it."""
    record = nistitl.AsciiRecord(9)
    record.IDC = idc
    for tag, value in (
        (3, "1"),
        (4, "U"),
        (128, "416"),
        (129, "560"),
        (130, "1"),
        (131, ppi),
        (132, ppi),
        (133, "0"),
        (134, "7"),
        (135, "70"),
        (136, str(len(minutiae) if count is None else count)),
    ):
        record += nistitl.Field(9, tag, value)
    record += text_field(9, 126, ["27", "513"])
    record += text_field(9, 137, *minutiae)
    return record


def type14(
    idc: int, position: int, compression: str, data: bytes, image: Image.Image
) -> nistitl.AsciiRecord:
    record = nistitl.AsciiRecord(14)
    record.IDC = idc
    for tag, value in (
        (3, "0"),
        (4, "DE-BKA"),
        (5, "20240501"),
        (6, str(image.width)),
        (7, str(image.height)),
        (8, "1"),
        (9, "500"),
        (10, "500"),
        (11, compression),
        (12, "8"),
        (13, str(position)),
    ):
        record += nistitl.Field(14, tag, value)
    record += nistitl.BinaryField(14, 999, data)
    return record


def type4(
    idc: int, position: int, compression: int, data: bytes, image: Image.Image
) -> nistitl.BinaryRecord:
    record = nistitl.BinaryRecord(4)
    record.IDC = idc
    positions = bytes([position, 255, 255, 255, 255, 255])
    record.pack("!B6sBHHB", 1, positions, 0, image.width, image.height, compression, data)
    return record


def foreign(minutiae: list[list[str]] = MINUTIAE, *, count: int | None = None) -> bytes:
    """A card as another system sends it: Type-1, a Type-2 with a field of subfields and one of
    items, Type-4 uncompressed and in WSQ, Type-9 minutiae, Type-14 in WSQ and in PNG."""
    image = finger()
    message = nistitl.Message()
    message[0]._2 = "0500"
    message[0].TOT = "CAR"
    message[0].DAT = "20240501"
    message[0].TCN = "DE-BKA-42"
    described = nistitl.AsciiRecord(2)
    described.IDC = 0
    described += nistitl.Field(2, 18, "MUSTERMANN,ERIKA")
    described += text_field(2, 19, ["GABLER,ERIKA"], ["MEYER,E"])
    described += nistitl.Field(2, 22, "19640812")
    described += text_field(2, 84, ["7", "XX"])
    message += described
    message += type4(1, 1, 0, image.tobytes(), image)
    message += type4(2, 2, 1, encoded(image, "WSQ"), image)
    message += type9(3, minutiae, count=count)
    message += type14(4, 3, "WSQ20", encoded(image, "WSQ"), image)
    message += type14(5, 4, "PNG", encoded(image, "PNG"), image)
    data: bytes = message.NIST
    return data


# --- files another system wrote -----------------------------------------------------------------


def test_a_foreign_transaction_is_written_back_byte_for_byte() -> None:
    data = foreign()
    transaction = read(data)
    assert write(transaction) == data
    assert [record.type for record in transaction.records] == [1, 2, 4, 4, 9, 14, 14]
    described = transaction.records[1]
    assert described == TaggedRecord(
        2,
        (
            (2, (("0",),)),
            (18, (("MUSTERMANN,ERIKA",),)),
            (19, (("GABLER,ERIKA",), ("MEYER,E",))),
            (22, (("19640812",),)),
            (84, (("7", "XX"),)),
        ),
    )
    legacy = transaction.records[2]
    assert legacy == Type4Record(
        1, 1, bytes([1, 255, 255, 255, 255, 255]), 0, 64, 48, 0, finger().tobytes()
    )


def test_fields_out_of_order_stay_in_the_order_written() -> None:
    """nistitl sorts a record's fields when it writes a file it read; policenet keeps them."""
    message = nistitl.Message()
    described = nistitl.AsciiRecord(2, autosort=False)
    described.IDC = 1
    described += nistitl.Field(2, 22, "19640812")
    described += nistitl.Field(2, 18, "MUSTERMANN,ERIKA")
    message += described
    data = message.NIST
    assert b"2.022:19640812\x1d2.018:MUSTERMANN,ERIKA\x1c" in data
    assert write(read(data)) == data


def test_a_last_byte_that_is_not_the_separator_is_refused() -> None:
    """nistitl takes a record's last byte for its separator without looking: here it would
    quietly cut the last byte off the image."""
    data = foreign()
    assert data.endswith(b"\x1c")
    message = refused(data[:-1] + b"\x00")
    length = int(re.findall(rb"\x1c14\.001:(\d+)", data)[-1])
    assert message == (
        f"record 7 (Type-14): field 14.001 (LEN) says {length} bytes, but the record does not "
        "end there with its separator."
    )


def test_the_type2_record_reads_as_text_to_show() -> None:
    assert descriptive_text(read(foreign())) == {
        "2.018": "MUSTERMANN,ERIKA",
        "2.019": "GABLER,ERIKA; MEYER,E",
        "2.022": "19640812",
        "2.084": "7, XX",
    }


def test_identifiers_written_with_two_digits_survive_where_nistitl_drops_the_zero() -> None:
    """Another system writes IDCs as "01", in the records and in 1.003. nistitl reads them as
    numbers and writes "1" back (and a Type-4's IDC in 1.003 always as "1"): policenet keeps
    the file as it was."""
    image = finger()
    header = nistitl.AsciiRecord(1)
    header._2 = "0500"
    header.DAT = "20240501"
    header.TCN = "FR-SDPTS-9"
    header.CNT = [["1", "2"], ["2", "00"], ["4", "01"]]
    described = nistitl.AsciiRecord(2)
    described.IDC = "00"
    described += nistitl.Field(2, 18, "DUPONT,JEAN")
    data = header.NIST + described.NIST + type4(1, 6, 0, image.tobytes(), image).NIST
    assert b"1.003:1\x1f2\x1e2\x1f00\x1e4\x1f01\x1d" in data
    rewritten = nistitl.Message()
    rewritten.parse(data)
    assert b"2.002:0\x1d" in rewritten.NIST  # nistitl's own writer changes the file
    assert write(read(data)) == data


def test_type9_minutiae_are_read_in_pixels_and_degrees() -> None:
    [(number, position, template)] = type9_templates(read(foreign()))
    assert (number, position) == (5, FingerPosition.LEFT_INDEX)
    assert template == Template(
        416,
        560,
        (
            FingerView(
                (
                    Minutia(120, 88, 90.0, MinutiaKind.ENDING, 90),
                    Minutia(200, 310, 0.0, MinutiaKind.BIFURCATION, 60),
                    Minutia(33, 400, 358.0, MinutiaKind.OTHER, 15),
                ),
                FingerPosition.LEFT_INDEX,
                0,
                Impression.LIVE_SCAN_ROLLED,
                70,
            ),
        ),
    )


def test_type9_minutiae_at_1000_ppi_come_at_500() -> None:
    message = nistitl.Message()
    message += type9(1, [["1", "240", "176", "90", "1", "50"]], ppi="1000")
    [(_, _, template)] = type9_templates(read(message.NIST))
    assert (template.width, template.height, template.resolution_ppi) == (208, 280, 500)
    assert template.views[0].minutiae == (Minutia(120, 88, 180.0, MinutiaKind.ENDING, 50),)


# --- transactions policenet writes --------------------------------------------------------------


TEMPLATE = Template(
    400,
    500,
    (
        FingerView(
            (
                Minutia(10, 20, 0.0, MinutiaKind.ENDING, 80),
                Minutia(100, 200, 91.0, MinutiaKind.BIFURCATION, 40),
                Minutia(399, 499, 359.0, MinutiaKind.OTHER, 0),
                Minutia(250, 30, 180.4, MinutiaKind.ENDING, 100),
            ),
            FingerPosition.RIGHT_THUMB,
            0,
            Impression.LIVE_SCAN_PLAIN,
            55,
        ),
    ),
)


def written(template: Template, image: Image.Image) -> bytes:
    on = date(2024, 5, 1)
    transaction = new_transaction(
        "CAR", "DE-BKA", "FR-SDPTS", "FR-1", on, {18: "DUPONT,JEAN", 22: "19700101"}
    ).with_records(
        minutiae_record(1, FingerPosition.RIGHT_THUMB, Impression.LIVE_SCAN_PLAIN, template),
        image_record(
            2,
            FingerPosition.RIGHT_THUMB,
            Impression.LIVE_SCAN_PLAIN,
            encoded(image, "WSQ"),
            "WSQ20",
            image.width,
            image.height,
            500,
            source="FR-SDPTS",
            captured=on,
        ),
        image_record(
            3,
            FingerPosition.RIGHT_INDEX,
            Impression.LIVE_SCAN_ROLLED,
            image.tobytes(),
            "NONE",
            image.width,
            image.height,
            500,
            source="FR-SDPTS",
            captured=on,
        ),
        legacy_image_record(
            4,
            FingerPosition.LEFT_THUMB,
            Impression.NONLIVE_ROLLED,
            encoded(image, "WSQ"),
            image.width,
            image.height,
            wsq=True,
        ),
    )
    data = write(transaction)
    assert read(data) == transaction
    return data


def test_a_template_written_to_type9_reads_back_up_to_the_angle_step() -> None:
    data = written(TEMPLATE, finger())
    [(number, position, template)] = type9_templates(read(data))
    assert (number, position) == (3, FingerPosition.RIGHT_THUMB)
    view = template.views[0]
    assert [(m.x, m.y, m.kind, m.quality) for m in view.minutiae] == [
        (m.x, m.y, m.kind, m.quality) for m in TEMPLATE.views[0].minutiae
    ]
    # INCITS 378 keeps angles in steps of 2 degrees: 91 -> 92, 359 -> 0, 180.4 -> 180
    assert [m.angle for m in view.minutiae] == [0.0, 92.0, 0.0, 180.0]
    assert (template.width, template.height, view.quality, view.position) == (
        400,
        500,
        55,
        FingerPosition.RIGHT_THUMB,
    )


def test_written_images_read_back_as_the_same_fingers() -> None:
    image = finger()
    data = written(TEMPLATE, image)
    fingers = finger_images(data)
    assert [(f.record, f.position, f.impression, f.ppi) for f in fingers] == [
        (4, 1, "plain", 500.0),
        (5, 2, "rolled", 500.0),
        (6, 6, "rolled", 500.0),
    ]
    assert fingers[0].image == encoded(image, "WSQ")
    assert fingers[2].image == encoded(image, "WSQ")
    assert Image.open(io.BytesIO(fingers[1].image)).tobytes() == image.tobytes()
    assert descriptive_text(read(data)) == {"2.018": "DUPONT,JEAN", "2.022": "19700101"}
    assert data.startswith(b"1.001:")
    assert (
        b"1.002:0500\x1d1.003:1\x1f5\x1e2\x1f0\x1e9\x1f1\x1e14\x1f2\x1e14\x1f3\x1e4\x1f4\x1d"
        in data
    )
    assert (
        b"\x1d14.002:2\x1d14.003:0\x1d14.004:FR-SDPTS\x1d14.005:20240501\x1d14.006:64\x1d"
        b"14.007:48\x1d14.008:1\x1d14.009:500\x1d14.010:500\x1d14.011:WSQ20\x1d14.012:8\x1d"
        b"14.013:1\x1d14.999:"
    ) in data
    assert (
        b"\x1d9.002:1\x1d9.003:0\x1d9.004:U\x1d9.126:27\x1f513\x1d9.128:400\x1d9.129:500\x1d"
        b"9.130:1\x1d9.131:500\x1d9.132:500\x1d9.133:0\x1d9.134:1\x1d9.135:55\x1d9.136:4\x1d"
        b"9.137:1\x1f10\x1f20\x1f0\x1f1\x1f80\x1e2\x1f100\x1f200\x1f46\x1f2\x1f40\x1e"
        b"3\x1f399\x1f499\x1f0\x1f0\x1f0\x1e4\x1f250\x1f30\x1f90\x1f1\x1f100\x1c"
    ) in data


@needs_fvc
def test_a_template_extracted_from_a_real_finger_survives_the_transaction() -> None:
    photo = fvc("101_1")
    extracted = extract(photo, position=FingerPosition.RIGHT_INDEX)
    image = Image.open(io.BytesIO(photo)).convert("L")
    [(_, _, template)] = type9_templates(read(written(extracted, image)))
    original = extracted.views[0].minutiae
    read_back = template.views[0].minutiae
    assert len(read_back) == len(original) > 20
    assert [(m.x, m.y, m.kind, m.quality) for m in read_back] == [
        (m.x, m.y, m.kind, m.quality) for m in original
    ]
    assert all(
        abs((a.angle - b.angle + 180) % 360 - 180) <= 1
        for a, b in zip(read_back, original, strict=True)
    )


# --- malformed files ----------------------------------------------------------------------------


def refused(data: bytes) -> str:
    with pytest.raises(MalformedTransaction) as raised:
        read(data)
    assert raised.value.code == "nist_malformed"
    return raised.value.message


def test_a_truncated_file_names_the_cut_record_and_its_length() -> None:
    data = foreign()
    start = data.rfind(b"\x1c14.001:") + 1
    length = int(re.match(rb"14\.001:(\d+)", data[start:]).group(1))  # type: ignore[union-attr]
    message = refused(data[:-100])
    assert f"record 7 (Type-14): field 14.001 (LEN) says {length} bytes but {length - 100} " in (
        message
    )


def test_a_record_whose_length_lies_is_named() -> None:
    data = foreign()
    length = int(re.search(rb"\x1c2\.001:(\d+)", data).group(1))  # type: ignore[union-attr]
    lying = data.replace(f"\x1c2.001:{length}".encode(), f"\x1c2.001:{length + 3}".encode())
    message = refused(lying)
    assert (
        f"record 2 (Type-2): field 2.001 (LEN) says {length + 3} bytes but its record "
        f"separator ends it after {length}"
    ) in message
    shorter = data.replace(f"\x1c2.001:{length}".encode(), f"\x1c2.001:{length - 2}".encode())
    assert f"record 2 (Type-2): field 2.001 (LEN) says {length - 2} bytes" in refused(shorter)


def test_a_bad_minutia_is_named_by_record_field_and_subfield() -> None:
    bad = [*MINUTIAE[:2], ["3", "33", "400", "200", "0", "15"]]
    message = nistitl.Message()
    message += type9(1, MINUTIAE)
    message += type9(2, bad)
    transaction = read(message.NIST)
    with pytest.raises(MalformedTransaction) as raised:
        type9_templates(transaction)
    assert raised.value.message == (
        "record 3 (Type-9): field 9.137, subfield 3: the angle (MAV) is 200: 0 to 179, in "
        "units of 2 degrees."
    )
    crooked = [*MINUTIAE[:2], ["3", "33", "four hundred", "90", "0", "15"]]
    with pytest.raises(MalformedTransaction, match=r"subfield 3: item y \(YCM\) is 'four hun"):
        type9_templates(read(foreign(crooked)))
    short = [*MINUTIAE[:2], ["3", "33", "400"]]
    with pytest.raises(MalformedTransaction, match=r"9.137, subfield 3: a minutia has 6 items"):
        type9_templates(read(foreign(short)))


def test_a_minutiae_count_that_disagrees_is_refused() -> None:
    with pytest.raises(MalformedTransaction) as raised:
        type9_templates(read(foreign(count=4)))
    assert raised.value.message == (
        "record 5 (Type-9): field 9.136 (NOM) says 4 minutiae, field 9.137 (FMD) holds 3: "
        "export the record again."
    )


def test_a_type14_record_without_its_image_is_refused() -> None:
    message = nistitl.Message()
    record = nistitl.AsciiRecord(14)
    record.IDC = 1
    for tag, value in ((3, "0"), (6, "64"), (7, "48"), (11, "NONE"), (13, "2")):
        record += nistitl.Field(14, tag, value)
    message += record
    with pytest.raises(MalformedTransaction) as raised:
        finger_images(message.NIST)
    assert raised.value.message == "record 2 (Type-14): field 14.999 (the image) is missing."


def test_text_holding_a_separator_is_not_written() -> None:
    transaction = new_transaction("CAR", "DE", "FR", "FR-2", date(2024, 5, 1), {18: "A\x1eB"})
    with pytest.raises(MalformedTransaction) as raised:
        write(transaction)
    assert raised.value.message == (
        "record 2 (Type-2): field 2.018 holds a separator character (0x1C to 0x1F): give the "
        "text without it."
    )
