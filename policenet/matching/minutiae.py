"""Minutiae from fingerprint images, with NIST NBIS mindtct (through ``nbis-py``).

Images come as PNG, JPEG, BMP, TIFF (read by Pillow) or WSQ (the ``wsq`` package adds it to
Pillow), at 500 ppi; an image of another resolution is resampled to 500 ppi when its
resolution is known, from the file or from the caller.

mindtct's minutiae are noisy: a false minutia where the contrast is poor, a true one missed
where the ridges are smudged. Which ones change from one rendering of the image to another, so
policenet extracts four renderings of each impression (as it is, contrast-stretched, lightly
smoothed, both) and keeps each as one view of the template; the matcher averages the four
comparisons (``matching.cylinders``). On the FVC sets this halves the equal error rate of a
single extraction (see the README's fingerprint benchmark).
"""

from __future__ import annotations

import base64
import binascii
import io
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import nbis
import wsq  # noqa: F401 - registers the WSQ format with Pillow
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from policenet.domain.errors import InvalidInput, PolicenetError
from policenet.domain.fingerprints import (
    RESOLUTION_PPI,
    FingerInput,
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)
from policenet.formats import iso19794

if TYPE_CHECKING:
    from collections.abc import Callable

FORMATS = ("PNG", "JPEG", "BMP", "TIFF", "WSQ")
MEDIA_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "WSQ": "image/x-wsq",
}
MIN_PPI, MAX_PPI = 250, 2000  # resolutions a fingerprint scanner or a mark's camera gives
MAX_SIDE = 4000  # pixels, after resampling: larger than any ten-print card's finger box
MIN_MINUTIAE = 4  # fewer, and there is no fingerprint to compare (a blank or a smudge)
MAX_MINUTIAE = 150  # a rolled finger has about 100; the best are kept past it


def _contrast(image: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(image, cutoff=2)


def _smoothed(image: Image.Image) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(0.8))


RENDERINGS: tuple[Callable[[Image.Image], Image.Image], ...] = (
    lambda image: image,
    _contrast,
    _smoothed,
    lambda image: _contrast(_smoothed(image)),
)


class ImageUnreadable(InvalidInput):
    code = "fingerprint_image_unreadable"


@dataclass(frozen=True, slots=True)
class FingerImage:
    """A greyscale image at 500 ppi."""

    image: Image.Image
    original_ppi: float


def load(data: bytes, ppi: float | None = None) -> FingerImage:
    """The image as greyscale at 500 ppi. ``ppi`` overrides the file's own resolution, which
    is used when plausible; with neither, the image is taken to be at 500 ppi."""
    try:
        image = Image.open(io.BytesIO(data))
        # The size is known before the pixels are decoded: refuse a huge one first.
        if max(image.size) > MAX_SIDE * MAX_PPI // RESOLUTION_PPI:
            raise ImageUnreadable(
                f"The image is {image.width}x{image.height} pixels: far more than one finger "
                "at any scanner's resolution. Crop a card to one finger."
            )
        image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        raise ImageUnreadable(
            f"The fingerprint image cannot be read ({exc}). Send a PNG, JPEG, BMP, TIFF or WSQ "
            "image."
        ) from None
    if image.format not in FORMATS:
        raise ImageUnreadable(
            f"{image.format} images are not taken: send a PNG, JPEG, BMP, TIFF or WSQ image."
        )
    resolution = ppi if ppi is not None else _file_ppi(image)
    if not MIN_PPI <= resolution <= MAX_PPI:
        raise ImageUnreadable(
            f"A resolution of {resolution:g} ppi is not a fingerprint's: give the image's "
            f"resolution (between {MIN_PPI} and {MAX_PPI} ppi)."
        )
    grey = image.convert("L")
    if abs(resolution - RESOLUTION_PPI) > 1:
        scale = RESOLUTION_PPI / resolution
        size = (max(round(grey.width * scale), 1), max(round(grey.height * scale), 1))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    if max(grey.size) > MAX_SIDE or min(grey.size) < 64:
        raise ImageUnreadable(
            f"The image is {grey.width}x{grey.height} pixels at 500 ppi: a finger is 64 to "
            f"{MAX_SIDE} pixels a side. Crop a card to one finger, or check the resolution."
        )
    return FingerImage(grey, resolution)


def _file_ppi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi:
        try:
            # PNG keeps pixels per metre (999.998 is 1000); TIFF gives a fraction.
            value = round(float(dpi[0]), 1)
        except (TypeError, ValueError, ZeroDivisionError):
            return float(RESOLUTION_PPI)
        if MIN_PPI <= value <= MAX_PPI:
            return value
    return float(RESOLUTION_PPI)  # absent or implausible (FVC's TIFFs say 1 dpi)


_local = threading.local()


def _extractor() -> nbis.NbisExtractor:
    """One NBIS extractor per thread (the binding's objects are not shared across threads)."""
    extractor = getattr(_local, "extractor", None)
    if extractor is None:
        settings = nbis.NbisExtractorSettings(
            min_quality=0.0,
            get_center=False,
            check_fingerprint=False,
            compute_nfiq2=False,
            ppi=float(RESOLUTION_PPI),
        )
        extractor = _local.extractor = nbis.new_nbis_extractor(settings)
    return extractor


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def best(minutiae: tuple[Minutia, ...]) -> tuple[Minutia, ...]:
    """At most MAX_MINUTIAE, the best quality first kept (comparison time grows with the
    square of their number)."""
    if len(minutiae) <= MAX_MINUTIAE:
        return minutiae
    kept = set(sorted(minutiae, key=lambda m: -m.quality)[:MAX_MINUTIAE])
    return tuple(m for m in minutiae if m in kept)


def minutiae_of(image: Image.Image) -> tuple[Minutia, ...]:
    """mindtct's minutiae of one rendering, as ISO records them."""
    found = _extractor().extract_minutiae(_png(image))
    return best(
        tuple(
            Minutia(
                int(m.x()),
                int(m.y()),
                float(m.angle()) % 360,
                MinutiaKind.BIFURCATION
                if m.kind() == nbis.MinutiaKind.BIFURCATION
                else MinutiaKind.ENDING,
                min(max(round(float(m.reliability()) * 100), 0), 100),
            )
            for m in found.get()
        )
    )


def extract(
    data: bytes,
    *,
    ppi: float | None = None,
    position: FingerPosition = FingerPosition.UNKNOWN,
    impression: Impression = Impression.LIVE_SCAN_PLAIN,
) -> Template:
    """The template of one finger's image: one view per rendering (see the module's text)."""
    finger = load(data, ppi)
    views = tuple(
        FingerView(minutiae_of(render(finger.image)), position, number, impression)
        for number, render in enumerate(RENDERINGS)
    )
    if len(views[0].minutiae) < MIN_MINUTIAE:
        raise ImageUnreadable(
            f"No fingerprint was found in the image ({len(views[0].minutiae)} minutiae): send a "
            "clearer image of the finger, or check its resolution."
        )
    return Template(finger.image.width, finger.image.height, views)


_IMPRESSIONS = {
    "plain": Impression.LIVE_SCAN_PLAIN,
    "rolled": Impression.LIVE_SCAN_ROLLED,
    "latent": Impression.LATENT,
}


def base64_field(text: str, where: str, what: str) -> bytes:
    """A base64 field's bytes; ``invalid_input`` naming the field if it is not base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            f"{where}: the {what} is not base64: send the file's bytes base64-encoded.",
            code="invalid_input",
            field=where,
        ) from None


def _received(found: Template, position: FingerPosition, impression: Impression) -> Template:
    """A template made elsewhere, as policenet keeps it: one finger, at 500 ppi."""
    positions = {view.position for view in found.views} - {FingerPosition.UNKNOWN}
    if len(positions) > 1:
        listed = ", ".join(str(int(p)) for p in sorted(positions))
        raise InvalidInput(
            f"the template holds several fingers ({listed}): send one template per finger",
            code="template_invalid",
        )
    scale = RESOLUTION_PPI / found.resolution_ppi
    views = tuple(
        replace(
            view,
            minutiae=best(
                tuple(replace(m, x=round(m.x * scale), y=round(m.y * scale)) for m in view.minutiae)
            ),
            position=position,
            impression=impression,
        )
        for view in found.views
    )
    if not views or len(views[0].minutiae) < MIN_MINUTIAE:
        raise InvalidInput(
            f"the template holds fewer than {MIN_MINUTIAE} minutiae: there is nothing to compare",
            code="template_invalid",
        )
    return Template(round(found.width * scale), round(found.height * scale), views, RESOLUTION_PPI)


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What a transaction's image record says of a stored image."""

    format: str  # Pillow's name: PNG, JPEG, BMP, TIFF, WSQ
    width: int
    height: int
    ppi: float


def image_facts(data: bytes, ppi: float | None = None) -> ImageFacts:
    """The format, size and resolution of an image ``load`` read before."""
    with Image.open(io.BytesIO(data)) as image:
        resolution = ppi if ppi is not None else _file_ppi(image)
        return ImageFacts(image.format or "", image.width, image.height, resolution)


def as_png(data: bytes) -> bytes:
    """An image ``load`` read before, as an 8-bit grey PNG (a browser shows no WSQ)."""
    with Image.open(io.BytesIO(data)) as image:
        return _png(image.convert("L"))


def media_type(data: bytes) -> str:
    """The media type of an image ``load`` reads."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return MEDIA_TYPES.get(image.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return "application/octet-stream"


def finger_template(finger: FingerInput, where: str) -> Template:
    """The template of a finger as a bureau sends it: extracted from its image, or its own
    ISO/IEC 19794-2 template read. Errors name the finger (``where``)."""
    impression = _IMPRESSIONS[finger.impression]
    try:
        if finger.template is not None:
            return _received(
                iso19794.decode(base64_field(finger.template, where, "template")),
                finger.position,
                impression,
            )
        assert finger.image is not None  # noqa: S101 - the model requires one of the two
        image = base64_field(finger.image, where, "image")
        return extract(image, ppi=finger.ppi, position=finger.position, impression=impression)
    except PolicenetError as error:
        if error.field == where:
            raise
        raise type(error)(f"{where}: {error.message}", code=error.code, field=where) from None
