"""Type-9 minutiae, read and written in the INCITS 378 block of ANSI/NIST-ITL 1-2011 (fields
9.126 to 9.150): 9.128/9.129 the image's size, 9.130 to 9.132 its resolution (SLC 1: pixels
per inch, 2: per centimetre), 9.133 the view, 9.134 the finger, 9.135 its quality, 9.136 the
number of minutiae and 9.137 one subfield per minutia: index, x, y (pixels from the top left),
angle (0 to 179, in units of 2 degrees counter-clockwise, as INCITS 378 stores it), type (0
other, 1 ridge ending, 2 bifurcation) and quality (0 to 100). The field numbers and the order of
the 9.137 items were checked against public implementations (NIST's biomdi, nist4j, the NIST
Python library), not against the text of the standard; also unverified: 9.004 FMT "U" for this
block, 9.126 CBEFF owner 27 and format type 513 (INCITS M1, ANSI 378), and 9.135 holding the
quality value as its first item (the vendor and algorithm items are not written).
"""

from __future__ import annotations

from policenet.domain.errors import InvalidInput
from policenet.domain.fingerprints import (
    PIXELS_PER_CM_500PPI,
    RESOLUTION_PPI,
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)
from policenet.formats.ansi_nist.images import _LATENT
from policenet.formats.ansi_nist.transaction import (
    Items,
    MalformedTransaction,
    TaggedRecord,
    Transaction,
    _text,
)

MINUTIAE_RECORD = 9
INCITS_BLOCK = range(126, 151)  # 9.126 to 9.150
CBEFF_INCITS_378 = ("27", "513")  # 9.126 CBI: format owner INCITS M1, format type ANSI 378
_MINUTIA_TYPES = {MinutiaKind.OTHER: 0, MinutiaKind.ENDING: 1, MinutiaKind.BIFURCATION: 2}
_MINUTIA_KINDS = {code: kind for kind, code in _MINUTIA_TYPES.items()}
_FMD_ITEMS = ("index (MDI)", "x (XCM)", "y (YCM)", "angle (MAV)", "type (MTY)", "quality (MQV)")
MAX_ANGLE_UNITS = 179  # 358 degrees
# No value of the block has more digits (sizes, counts, scales: 5 at most); the bound also keeps
# a field of thousands of digits from Python's limit on converting them (a ValueError).
MAX_DIGITS = 9
MAX_SIZE = 0xFFFF  # the image's width and height as ISO/IEC 19794-2 stores them, in 16 bits


def minutiae_record(
    idc: int, position: FingerPosition, impression: Impression, template: Template
) -> TaggedRecord:
    """A Type-9 record holding the template's first finger view in the INCITS 378 block, at the
    template's resolution (a Type-9 record holds one view)."""
    if not template.views:
        raise InvalidInput("The template holds no finger view.", code="template_invalid")
    view = template.views[0]
    ppi = str(template.resolution_ppi)
    values: list[tuple[int, Items]] = [
        (2, _text(str(idc))),
        (3, _text(str(int(impression)))),
        (4, _text("U")),  # FMT: not the legacy ANSI/NIST minutiae of fields 9.005 to 9.012
        (126, (CBEFF_INCITS_378,)),
        (128, _text(str(template.width))),
        (129, _text(str(template.height))),
        (130, _text("1")),  # SLC: pixels per inch
        (131, _text(ppi)),
        (132, _text(ppi)),
        (133, _text(str(view.view))),
        (134, _text(str(int(position)))),
    ]
    if view.quality:
        values.append((135, _text(str(view.quality))))
    values.append((136, _text(str(len(view.minutiae)))))
    if view.minutiae:
        values.append((137, tuple(_fmd(i, m) for i, m in enumerate(view.minutiae, start=1))))
    return TaggedRecord(MINUTIAE_RECORD, tuple(values))


def _fmd(index: int, m: Minutia) -> tuple[str, ...]:
    angle = round(m.angle / 2) % (MAX_ANGLE_UNITS + 1)
    numbers = (index, m.x, m.y, angle, _MINUTIA_TYPES[m.kind], m.quality)
    return tuple(str(n) for n in numbers)


def type9_templates(transaction: Transaction) -> list[tuple[int, FingerPosition, Template]]:
    """(record number, finger, template at 500 ppi) for every Type-9 record with the INCITS 378
    block; ``nist_malformed`` names the record, field and subfield of the first one wrong."""
    found = []
    for number, record in enumerate(transaction.records, start=1):
        if (
            isinstance(record, TaggedRecord)
            and record.type == MINUTIAE_RECORD
            and any(tag in INCITS_BLOCK for tag, _ in record.fields)
        ):
            template = _template(record, f"record {number} (Type-9)")
            found.append((number, template.views[0].position, template))
    return found


def _whole(
    record: TaggedRecord, tag: int, where: str, name: str, default: int | None = None
) -> int:
    text = record.text(tag)
    if text is None and default is not None:
        return default
    if text is None or not (text.isascii() and text.isdigit()):
        raise MalformedTransaction(
            f"{where}: field 9.{tag:03d} ({name}) is {text!r}: a whole number is required."
        )
    if len(text) > MAX_DIGITS:
        raise MalformedTransaction(
            f"{where}: field 9.{tag:03d} ({name}) has {len(text)} digits: a whole number of at "
            f"most {MAX_DIGITS} digits is required."
        )
    return int(text)


def _template(record: TaggedRecord, where: str) -> Template:
    x_scale = RESOLUTION_PPI / _ppi(record, 131, where)
    y_scale = RESOLUTION_PPI / _ppi(record, 132, where)
    width = round(_whole(record, 128, where, "HLL, the image's width") * x_scale)
    height = round(_whole(record, 129, where, "VLL, the image's height") * y_scale)
    if width > MAX_SIZE or height > MAX_SIZE:
        raise MalformedTransaction(
            f"{where}: fields 9.128 and 9.129 (HLL, VLL) give an image of {width}x{height} "
            f"pixels at {RESOLUTION_PPI} ppi; a template holds at most {MAX_SIZE} each way: check "
            "the sizes and the pixel scale (9.130 to 9.132)."
        )
    count = _whole(record, 136, where, "NOM, the number of minutiae")
    data = record.get(137) or ()
    if isinstance(data, bytes) or len(data) != count:
        raise MalformedTransaction(
            f"{where}: field 9.136 (NOM) says {count} minutiae, field 9.137 (FMD) holds "
            f"{len(data)}: export the record again."
        )
    minutiae = tuple(
        _minutia(items, f"{where}: field 9.137, subfield {n}", x_scale, y_scale)
        for n, items in enumerate(data, start=1)
    )
    position = _whole(record, 134, where, "FGP, the finger position")
    if position > FingerPosition.LEFT_LITTLE:
        raise MalformedTransaction(
            f"{where}: field 9.134 (FGP) is {position}, not a single finger (0 to 10)."
        )
    impression = _whole(record, 3, where, "IMP, the impression type")
    if impression in _LATENT:
        impression = Impression.LATENT
    if impression not in set(Impression):
        raise MalformedTransaction(
            f"{where}: field 9.003 (IMP) is {impression}: policenet reads plain, rolled, latent, "
            "swipe and contactless impressions (0 to 9, 12 to 19)."
        )
    quality = _whole(record, 135, where, "FQD, the finger's quality", default=0)
    view = FingerView(
        minutiae,
        FingerPosition(position),
        _whole(record, 133, where, "FVW, the view number", default=0),
        Impression(impression),
        quality if quality <= 100 else 0,  # 254, 255: no quality computed
    )
    return Template(width, height, (view,), RESOLUTION_PPI)


def _ppi(record: TaggedRecord, tag: int, where: str) -> float:
    """The resolution a 9.131/9.132 pixel scale says, in pixels per inch."""
    scale = record.text(130)
    if scale is None or scale == "0":
        return RESOLUTION_PPI  # no scale given: taken as the minimum scanning resolution
    if scale not in ("1", "2"):
        raise MalformedTransaction(
            f"{where}: field 9.130 (SLC) is {scale!r}: 1 (pixels per inch) or 2 (per centimetre)."
        )
    value = _whole(record, tag, where, "the pixel scale")
    if value == 0:
        raise MalformedTransaction(f"{where}: field 9.{tag:03d} (the pixel scale) is 0.")
    if scale == "2":
        return RESOLUTION_PPI if value == PIXELS_PER_CM_500PPI else value * 2.54
    return value


def _minutia(items: tuple[str, ...], where: str, x_scale: float, y_scale: float) -> Minutia:
    if len(items) != len(_FMD_ITEMS):
        raise MalformedTransaction(
            f"{where}: a minutia has 6 items (index, x, y, angle, type, quality), this one "
            f"{len(items)}."
        )
    for name, item in zip(_FMD_ITEMS, items, strict=True):
        if not (item.isascii() and item.isdigit()) or len(item) > MAX_DIGITS:
            shown = item if len(item) <= MAX_DIGITS else f"{item[:MAX_DIGITS]}..."
            raise MalformedTransaction(
                f"{where}: item {name} is {shown!r}: a whole number of at most {MAX_DIGITS} "
                "digits is required."
            )
    _, x, y, angle, kind, quality = (int(item) for item in items)
    if angle > MAX_ANGLE_UNITS:
        raise MalformedTransaction(
            f"{where}: the angle (MAV) is {angle}: 0 to 179, in units of 2 degrees."
        )
    if kind not in _MINUTIA_KINDS:
        raise MalformedTransaction(
            f"{where}: the type (MTY) is {kind}: 0 (other), 1 (ridge ending) or 2 (bifurcation)."
        )
    if quality > 100:
        raise MalformedTransaction(f"{where}: the quality (MQV) is {quality}: 0 to 100.")
    return Minutia(
        round(x * x_scale), round(y * y_scale), angle * 2.0, _MINUTIA_KINDS[kind], quality
    )
