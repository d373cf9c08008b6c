"""ISO/IEC 19794-2:2005 finger minutiae records, written and read.

The record is a 24-byte header ("FMR\\0", " 20\\0", the record's length, the capture device,
the image's size, its resolution in pixels per centimetre, the number of finger views), then
for each view a 4-byte header (finger position, view number and impression type, quality,
number of minutiae), 6 bytes per minutia (kind and x, y, angle in steps of 360/256 degrees,
quality) and the length of an extended data block, which policenet leaves empty and skips when
reading.
"""

from __future__ import annotations

import struct

from policenet.domain.errors import InvalidInput
from policenet.domain.fingerprints import (
    PIXELS_PER_CM_500PPI,
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)

MAGIC = b"FMR\x00 20\x00"
HEADER = struct.Struct(">8sIHHHHHBB")
VIEW = struct.Struct(">BBBB")
MINUTIA = struct.Struct(">HHBB")
ANGLE_STEP = 360 / 256
_KIND_BITS = {MinutiaKind.OTHER: 0, MinutiaKind.ENDING: 1, MinutiaKind.BIFURCATION: 2}
_KINDS = {bits: kind for kind, bits in _KIND_BITS.items()} | {3: MinutiaKind.OTHER}
MAX_COORDINATE = 0x3FFF
MAX_SIZE = 0xFFFF  # the image's width and height, 16 bits each


class TemplateInvalid(InvalidInput):
    code = "template_invalid"


def encode(template: Template) -> bytes:
    """The template as an ISO/IEC 19794-2:2005 record."""
    body = bytearray()
    for view in template.views:
        if len(view.minutiae) > 255:
            raise TemplateInvalid("A finger view holds at most 255 minutiae in ISO/IEC 19794-2.")
        body += VIEW.pack(
            int(view.position),
            (view.view & 0x0F) << 4 | (int(view.impression) & 0x0F),
            view.quality,
            len(view.minutiae),
        )
        for m in view.minutiae:
            body += MINUTIA.pack(
                _KIND_BITS[m.kind] << 14 | min(max(m.x, 0), MAX_COORDINATE),
                min(max(m.y, 0), MAX_COORDINATE),
                round(m.angle / ANGLE_STEP) % 256,
                m.quality,
            )
        body += b"\x00\x00"  # no extended data
    resolution = round(template.resolution_ppi / 2.54)
    length = HEADER.size + len(body)
    if not (0 <= template.width <= MAX_SIZE and 0 <= template.height <= MAX_SIZE):
        raise TemplateInvalid(
            f"The image is {template.width}x{template.height} pixels: an ISO/IEC 19794-2 record "
            f"holds at most {MAX_SIZE} each way; scan or crop the finger alone."
        )
    header = HEADER.pack(
        MAGIC,
        length,
        0,
        template.width,
        template.height,
        resolution,
        resolution,
        len(template.views),
        0,
    )
    return header + bytes(body)


def decode(data: bytes) -> Template:
    """An ISO/IEC 19794-2:2005 record as a template; ``template_invalid`` says what is wrong."""
    if len(data) < HEADER.size or not data.startswith(MAGIC):
        raise TemplateInvalid(
            "This is not an ISO/IEC 19794-2:2005 finger minutiae record: it must begin with "
            "'FMR' and version ' 20'."
        )
    _, length, _, width, height, x_res, _, count, _ = HEADER.unpack_from(data)
    if length != len(data):
        raise TemplateInvalid(
            f"The record says it is {length} bytes long but holds {len(data)}: it was cut or "
            "padded; export it again."
        )
    ppi = round(x_res * 2.54) if x_res else 500
    if x_res == PIXELS_PER_CM_500PPI:
        ppi = 500
    offset = HEADER.size
    views = []
    for number in range(1, count + 1):
        if offset + VIEW.size > len(data):
            raise TemplateInvalid(f"Finger view {number} of {count} is missing.")
        position, view_impression, quality, n = VIEW.unpack_from(data, offset)
        offset += VIEW.size
        end = offset + n * MINUTIA.size + 2
        if end > len(data):
            raise TemplateInvalid(f"Finger view {number} says {n} minutiae but the record ends.")
        minutiae = []
        for _ in range(n):
            kind_x, y, angle, q = MINUTIA.unpack_from(data, offset)
            offset += MINUTIA.size
            minutiae.append(
                Minutia(
                    kind_x & MAX_COORDINATE,
                    y & MAX_COORDINATE,
                    angle * ANGLE_STEP,
                    _KINDS[kind_x >> 14],
                    min(q, 100),
                )
            )
        (extended,) = struct.unpack_from(">H", data, offset)
        offset += 2 + extended
        if offset > len(data):
            raise TemplateInvalid(
                f"Finger view {number}'s extended data ({extended} bytes) runs past the record."
            )
        finger = _position(position, number)
        impression = _impression(view_impression & 0x0F, number)
        views.append(
            FingerView(tuple(minutiae), finger, view_impression >> 4, impression, min(quality, 100))
        )
    if offset != len(data):
        raise TemplateInvalid(
            f"{len(data) - offset} bytes follow the last of the {count} finger views: the record "
            "is not well formed; export it again."
        )
    return Template(width, height, tuple(views), ppi)


def _position(code: int, number: int) -> FingerPosition:
    if 11 <= code <= 15:
        raise TemplateInvalid(
            f"Finger view {number} is a plain thumb or four-finger slap (position {code}): send "
            "one template per finger."
        )
    try:
        return FingerPosition(code)
    except ValueError:
        raise TemplateInvalid(
            f"Finger view {number}: {code} is not a finger position (0 to 10)."
        ) from None


def _impression(code: int, number: int) -> Impression:
    if code in (5, 6, 7):  # latent tracing, photo, lift: a latent all the same
        return Impression.LATENT
    try:
        return Impression(code)
    except ValueError:
        raise TemplateInvalid(
            f"Finger view {number}: impression type {code} is not one policenet reads (0 to 9)."
        ) from None
