"""Fingerprints on real prints no one in the project made (the FVC sets beside the clone):
images in every format the field sends, resampled to 500 ppi; ISO/IEC 19794-2 templates read
and written, including ones another vendor's tool wrote; and the matcher telling one finger
from another, whatever the finger's shift and turn."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from PIL import Image

from policenet.domain.fingerprints import (
    FingerPosition,
    FingerView,
    Impression,
    Minutia,
    MinutiaKind,
    Template,
)
from policenet.formats.iso19794 import TemplateInvalid, decode, encode
from policenet.matching.cylinders import Prepared, prepare, similarity
from policenet.matching.minutiae import ImageUnreadable, extract, load

FVC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "fingerprints"
DB1 = FVC / "FVC2002_DB1_B"
needs_fvc = pytest.mark.skipif(
    not DB1.is_dir(), reason=f"the FVC sample sets are not at {FVC} (../shared beside the clone)"
)


def fvc(name: str, folder: Path = DB1) -> bytes:
    return (folder / f"{name}.tif").read_bytes()


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


# --- ISO/IEC 19794-2 ------------------------------------------------------------------------


def test_a_template_survives_its_iso_record() -> None:
    view = FingerView(
        (
            Minutia(10, 20, 90.0, MinutiaKind.ENDING, 80),
            Minutia(300, 16000, 181.40625, MinutiaKind.BIFURCATION, 5),
            Minutia(0, 0, 0.0, MinutiaKind.OTHER, 100),
        ),
        FingerPosition.LEFT_INDEX,
        2,
        Impression.LATENT,
        61,
    )
    template = Template(388, 374, (view, FingerView((), FingerPosition.LEFT_INDEX, 3)))
    record = encode(template)
    assert record[:8] == b"FMR\x00 20\x00" and int.from_bytes(record[8:12]) == len(record)
    assert record[18:20] == (197).to_bytes(2)  # 500 ppi, as pixels per centimetre
    assert decode(record) == template


def test_a_broken_record_is_refused_with_what_is_wrong() -> None:
    record = encode(Template(300, 300, (FingerView((Minutia(1, 2, 3.0, "ending", 4),)),)))
    with pytest.raises(TemplateInvalid, match="cut or padded"):
        decode(record[:-1])
    with pytest.raises(TemplateInvalid, match="FMR"):
        decode(b"\x00" * 40)


@needs_fvc
def test_templates_another_vendors_tool_wrote_are_read_and_matched() -> None:
    """OpenAFIS's ISO templates, made with the SecuGen SDK: read by our decoder, and told
    apart by our matcher (their angles mean what ours mean)."""
    folder = DB1 / "iso19794-2_templates"
    templates = {p.stem: decode(p.read_bytes()) for p in sorted(folder.glob("*.iso"))}
    first = templates["101_1"]
    assert (first.width, first.height, first.resolution_ppi) == (300, 400, 500)
    assert len(first.views) == 1 and len(first.views[0].minutiae) == 25
    prepared = {name: prepare(t) for name, t in templates.items() if name[:3] in ("101", "102")}
    genuine, impostor = _scores(prepared)
    assert sorted(genuine)[len(genuine) // 4] > max(impostor)


def _scores(prepared: dict[str, Prepared]) -> tuple[list[float], list[float]]:
    genuine: list[float] = []
    impostor: list[float] = []
    for a, b in itertools.combinations(sorted(prepared), 2):
        (genuine if a[:3] == b[:3] else impostor).append(similarity(prepared[a], prepared[b]))
    return genuine, impostor


# --- images ---------------------------------------------------------------------------------


@needs_fvc
@pytest.mark.parametrize(
    ("image_format", "options"),
    [("PNG", {}), ("BMP", {}), ("TIFF", {}), ("JPEG", {"quality": 95}), ("WSQ", {})],
)
def test_every_image_format_of_the_field_gives_the_same_finger(
    image_format: str, options: dict[str, object]
) -> None:
    original = Image.open(io.BytesIO(fvc("101_1")))
    reference = prepare(extract(fvc("101_1")))
    other = prepare(extract(fvc("102_1")))
    converted = extract(encoded(original, image_format, **options))
    assert (converted.width, converted.height) == original.size
    assert all(len(view.minutiae) >= 15 for view in converted.views)
    mine = prepare(converted)
    assert similarity(mine, reference) > 3 * similarity(mine, other)


@needs_fvc
def test_an_image_at_another_resolution_is_resampled_to_500_ppi() -> None:
    original = Image.open(io.BytesIO(fvc("101_1")))
    doubled = original.resize((original.width * 2, original.height * 2), Image.Resampling.LANCZOS)
    from_file = load(encoded(doubled, "PNG", dpi=(1000, 1000)))
    assert from_file.image.size == original.size and from_file.original_ppi == 1000
    assert load(encoded(doubled, "PNG"), ppi=1000).image.size == original.size
    genuine = prepare(extract(encoded(doubled, "PNG", dpi=(1000, 1000))))
    assert similarity(genuine, prepare(extract(fvc("101_2")))) > similarity(
        genuine, prepare(extract(fvc("105_2")))
    )


def test_what_is_not_a_fingerprint_image_is_refused() -> None:
    with pytest.raises(ImageUnreadable, match="PNG, JPEG, BMP, TIFF or WSQ"):
        extract(b"%PDF-1.7 not an image")
    tiny = Image.new("L", (32, 32), 128)
    with pytest.raises(ImageUnreadable, match="64 to 4000 pixels"):
        extract(encoded(tiny, "PNG"))
    with pytest.raises(ImageUnreadable, match="between 250 and 2000 ppi"):
        extract(encoded(Image.new("L", (300, 300), 128), "PNG"), ppi=72)
    with pytest.raises(ImageUnreadable, match="GIF images are not taken"):
        extract(encoded(Image.new("L", (300, 300), 128), "GIF"))


# --- matching -------------------------------------------------------------------------------


@needs_fvc
def test_the_same_finger_shifted_and_turned_still_matches() -> None:
    original = Image.open(io.BytesIO(fvc("103_1")))
    canvas = Image.new("L", (520, 520), 255)
    canvas.paste(original, (90, 40))
    turned = canvas.rotate(25, resample=Image.Resampling.BICUBIC, fillcolor=255)
    moved = prepare(extract(encoded(turned, "PNG")))
    same = similarity(moved, prepare(extract(fvc("103_1"))))
    strangers = [similarity(moved, prepare(extract(fvc(f"{f}_1")))) for f in (101, 104, 108)]
    assert same > 3 * max(strangers)


@needs_fvc
def test_impressions_of_one_finger_score_above_other_fingers() -> None:
    names = [f"{finger}_{n}" for finger in (101, 102, 106) for n in (1, 2, 3)]
    prepared = {name: prepare(extract(fvc(name))) for name in names}
    genuine, impostor = _scores(prepared)
    assert min(genuine) > max(impostor)
