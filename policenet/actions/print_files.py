"""What fingerprint records were made from, for examiners: each finger's image as received
(or as PNG for a browser), and the record as an ANSI/NIST-ITL transaction: the one it came
in, byte for byte, or one written for it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anyascii import anyascii

from policenet.access import record_shown
from policenet.actions.records import readable_record
from policenet.domain.clock import utcnow
from policenet.domain.errors import NotFound
from policenet.domain.fingerprints import FingerPosition, Impression, PrintKind, ReceivedFile
from policenet.domain.records import Database, Record
from policenet.formats import ansi_nist, iso19794
from policenet.matching.minutiae import as_png, image_facts
from policenet.store import audit
from policenet.store import fingerprints as store

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal


IDC_FIELD = 2  # 2.001 and 2.002 are the record's length and IDC: never descriptive text
TOT_TENPRINT, TOT_LATENT = "CAR", "LFS"  # types of transaction (the FBI's EBTS names)
DOMAIN_NAME = "POLICENET"


@dataclass(frozen=True, slots=True)
class Download:
    data: bytes
    media_type: str
    filename: str


def _readable(session: Session, actor: Principal, record_id: int, what: str) -> Record:
    """A fingerprint record whose content the actor may read (any other is not found, and
    the refusal audited); the reading is audited."""
    record = readable_record(session, actor, Database.FINGERPRINTS, record_id)
    audit.append_by(session, actor, f"fingerprints.{what}", f"record:{record_id}", {})
    return record


def finger_image(
    session: Session, actor: Principal, record_id: int, finger: int, *, original: bool
) -> Download:
    """A finger's image as received (``original``), or as PNG for a browser to show."""
    record = _readable(session, actor, record_id, "image")
    fingers = record.data.get("fingers", [])
    if not 0 <= finger < len(fingers):
        raise NotFound(
            f"Record {record_id} has {len(fingers)} fingers, numbered from 0: ask for one of them.",
            code="finger_not_found",
        )
    found = [f for f in store.files_of(session, record_id, "image") if f.finger == finger]
    if not found:
        raise NotFound(
            f"Finger {finger} of record {record_id} came as a template, with no image.",
            code="finger_image_missing",
        )
    image = found[0]
    position = fingers[finger]["position"]
    if original:
        extension = image.media_type.rsplit("/", 1)[-1].removeprefix("x-")
        return Download(image.data, image.media_type, f"{record_id}-{position}.{extension}")
    return Download(as_png(image.data), "image/png", f"{record_id}-{position}.png")


def transaction_of(session: Session, actor: Principal, record_id: int) -> Download:
    """The record as an ANSI/NIST-ITL transaction: the one it came in, byte for byte, or one
    written for it: Type-1, Type-2 (the record's references), and per finger a Type-14
    image (when one was received) and a Type-9 record of its minutiae."""
    record = _readable(session, actor, record_id, "transaction")
    filename = f"{record_id}.an2"
    received = store.files_of(session, record_id, "transaction")
    if received:
        return Download(received[0].data, ansi_nist.MEDIA_TYPE, filename)
    return Download(_written(session, actor, record), ansi_nist.MEDIA_TYPE, filename)


def _ascii(text: str) -> str:
    """Text as a transaction written here carries it: 7-bit ASCII, other scripts transliterated
    (Type-2 fields are read as ASCII by most systems), no separator or control character."""
    return "".join(c for c in anyascii(text) if c.isprintable())


def _written(session: Session, actor: Principal, record: Record) -> bytes:
    kind = PrintKind(record.data["kind"])
    # The record as the actor is shown it: the owner's own reference is the owner's alone.
    shown = record_shown(actor, record, utcnow().date())
    described = {
        int(tag.removeprefix("2.")): _ascii(text)
        for tag, text in (record.data.get("descriptive") or {}).items()
        if tag.startswith("2.")
        and tag.removeprefix("2.").isdigit()
        and int(tag.removeprefix("2.")) > IDC_FIELD
    }
    for tag, value in (
        (3, shown.external_ref),  # policenet's references, in user-defined fields
        (4, record.data.get("case_ref")),
        (5, str(record.data["person_id"]) if record.data.get("person_id") else None),
    ):
        if value and tag not in described:
            described[tag] = _ascii(value)
    transaction = ansi_nist.new_transaction(
        tot=TOT_TENPRINT if kind is PrintKind.TENPRINT else TOT_LATENT,
        dai=DOMAIN_NAME,
        ori=_ascii(record.owner_bureau_id),
        tcn=f"{record.owner_bureau_id}-{record.id}",
        when=record.updated_at.date(),
        descriptive=described,
    )
    images = {f.finger: f for f in store.files_of(session, record.id, "image")}
    records: list[ansi_nist.Record] = []
    idc = 1
    for number, finger in enumerate(record.data["fingers"]):
        template = iso19794.decode(base64.b64decode(finger["template"], validate=True))
        impression = _IMPRESSION_CODES[finger["impression"]]
        image = images.get(number)
        if image is not None:
            records.append(
                _image_record(
                    idc, int(finger["position"]), impression, image, record.entered_at.date()
                )
            )
        records.append(
            ansi_nist.minutiae_record(idc, FingerPosition(finger["position"]), impression, template)
        )
        idc += 1
    return ansi_nist.write(transaction.with_records(*records))


_IMPRESSION_CODES = {
    "plain": Impression.LIVE_SCAN_PLAIN,
    "rolled": Impression.LIVE_SCAN_ROLLED,
    "latent": Impression.LATENT,
}
# How a stored image goes into a Type-14 record (14.011); BMP and TIFF go as PNG.
_COMPRESSIONS = {"PNG": "PNG", "JPEG": "JPEGB", "WSQ": "WSQ20"}


def _image_record(
    idc: int, position: int, impression: Impression, image: ReceivedFile, received: date
) -> ansi_nist.Record:
    facts = image_facts(image.data, image.ppi)
    compression = _COMPRESSIONS.get(facts.format)
    data = image.data if compression is not None else as_png(image.data)
    return ansi_nist.image_record(
        idc,
        FingerPosition(position),
        impression,
        data,
        compression or "PNG",
        facts.width,
        facts.height,
        facts.ppi,
        source=DOMAIN_NAME,
        captured=received,  # 14.005: not known here; the day policenet received it
    )
