"""What a record of each database is filed and found under: its content normalised, the exact
keys a check looks it up by, and what the officer should know about its identifiers.

A check builds its keys with the same functions, so a record and a query that name the same
object always meet under the same key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from policenet.domain.dna import DnaEntry
from policenet.domain.errors import InvalidInput
from policenet.domain.fingerprints import FingerprintEntry, Impression, PrintKind, ReceivedFile
from policenet.domain.members import normalise_country
from policenet.domain.records import (
    ArtEntry,
    Database,
    FirearmEntry,
    PersonEntry,
    VehicleEntry,
    VesselEntry,
)
from policenet.domain.terms import RecordTerms
from policenet.formats import ansi_nist, iso19794
from policenet.matching import print_codes
from policenet.matching.dna import is_mixture, normalise
from policenet.matching.documents import comparison_key, normalise_number
from policenet.matching.identifiers import (
    check_vin,
    normalise_hull_id,
    normalise_imo,
    normalise_mmsi,
    normalise_plate,
    normalise_serial,
    normalise_title,
    serial_key,
)
from policenet.matching.minutiae import base64_field, finger_template, media_type
from policenet.matching.persons import PartialDate

Key = tuple[str, str]
OPEN_MARK: Key = ("fingerprint", "open_mark")  # an unsolved latent mark
TERMS = set(RecordTerms.model_fields)

# Number plates of Cyrillic-script countries use only the twelve letters that look like Latin
# ones, so that a plate reads the same to a camera and an officer anywhere: file them as Latin.
_PLATE_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record's content as stored, its keys, and notes for whoever entered it."""

    data: dict[str, Any]
    keys: tuple[Key, ...]
    notes: tuple[str, ...] = ()
    files: tuple[ReceivedFile, ...] = ()  # fingerprints: the images and transaction received


def country(value: str | None, field: str) -> str | None:
    """An alpha-2 member code for a code a user typed; InvalidInput naming the field if unknown."""
    if value is None:
        return None
    code = normalise_country(value)
    if code is None:
        raise InvalidInput(
            f"{value!r} is not a country code: give an ISO alpha-2 or alpha-3 code.",
            code="country_unknown",
            field=field,
        )
    return code


def document_key(issuing_country: str, number: str) -> str:
    return f"{issuing_country}:{comparison_key(number)}"


def plate_key(plate_country: str, plate: str) -> str:
    return f"{plate_country}:{normalise_plate(plate).translate(_PLATE_LOOKALIKES)}"


def vessel_name_key(name: str) -> str:
    return normalise_title(name)


def birth_date(value: str | None, field: str = "birth_date") -> PartialDate | None:
    if value is None:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise InvalidInput(f"{exc}.", code="birth_date_invalid", field=field) from None


def _person(entry: PersonEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    birth_date(entry.birth_date)
    data["nationalities"] = sorted(
        {country(c, f"nationalities.{i}") or c for i, c in enumerate(entry.nationalities)}
    )
    keys: list[Key] = []
    documents = []
    for i, document in enumerate(entry.identity_documents):
        issuing = country(document.issuing_country, f"identity_documents.{i}.issuing_country")
        assert issuing is not None  # noqa: S101 - the field is required
        number = normalise_number(document.number)
        documents.append(
            {**document.model_dump(mode="json"), "issuing_country": issuing, "number": number}
        )
        keys.append(("person_doc", document_key(issuing, number)))
    data["identity_documents"] = documents
    data["cautions"] = sorted(set(data["cautions"]))
    return Prepared(data, tuple(keys))


def _vehicle(entry: VehicleEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    keys: list[Key] = []
    notes: list[str] = []
    if entry.vin is not None:
        checked = check_vin(entry.vin)
        data["vin"] = checked.vin
        data["vin_validated"] = checked.validated
        notes.append(checked.note)
        keys.append(("vin", checked.vin))
    if entry.plate is not None:
        plate_country = country(entry.plate_country, "plate_country")
        assert plate_country is not None  # noqa: S101 - the model requires it with a plate
        data["plate"] = normalise_plate(entry.plate)
        data["plate_country"] = plate_country
        keys.append(("plate", plate_key(plate_country, entry.plate)))
    return Prepared(data, tuple(keys), tuple(notes))


def _art(entry: ArtEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    data["theft_country"] = country(entry.theft_country, "theft_country")
    return Prepared(data, (("title", normalise_title(entry.title)),))


def _firearm(entry: FirearmEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    data["serial"] = normalise_serial(entry.serial)
    data["manufacture_country"] = country(entry.manufacture_country, "manufacture_country")
    return Prepared(data, (("serial", serial_key(data["serial"])),))


def _vessel(entry: VesselEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    keys: list[Key] = [("vessel_name", vessel_name_key(entry.name))]
    if entry.imo is not None:
        data["imo"] = normalise_imo(entry.imo)
        keys.append(("imo", data["imo"]))
    if entry.mmsi is not None:
        data["mmsi"] = normalise_mmsi(entry.mmsi)
        keys.append(("mmsi", data["mmsi"]))
    if entry.hull_id is not None:
        data["hull_id"] = normalise_hull_id(entry.hull_id)
        keys.append(("hull", data["hull_id"]))
    data["flag"] = country(entry.flag, "flag")
    return Prepared(data, tuple(keys))


def prepare(entry: RecordTerms) -> Prepared:
    """Normalise and validate a record's identifiers; InvalidInput naming the field if wrong."""
    if isinstance(entry, PersonEntry):
        return _person(entry)
    if isinstance(entry, VehicleEntry):
        return _vehicle(entry)
    if isinstance(entry, ArtEntry):
        return _art(entry)
    if isinstance(entry, FirearmEntry):
        return _firearm(entry)
    if isinstance(entry, VesselEntry):
        return _vessel(entry)
    if isinstance(entry, DnaEntry):
        return _dna(entry)
    if isinstance(entry, FingerprintEntry):
        return _fingerprints(entry)
    raise TypeError(f"no database holds {type(entry).__name__}")


def _dna(entry: DnaEntry) -> Prepared:
    data = entry.model_dump(mode="json", exclude=TERMS)
    loci = normalise(entry.loci)
    data["loci"] = {locus: list(alleles) for locus, alleles in loci.items()}
    # As declared, and as the alleles show: a change of the loci can undo the second.
    data["mixture_inferred"] = is_mixture(loci, declared=False)
    notes: tuple[str, ...] = ()
    if data["mixture_inferred"] and not entry.mixture:
        notes = (
            "The profile has more alleles than one person carries: it is kept as a "
            "mixture, searched at moderate or low stringency and never exchanged under "
            "the Prüm rules.",
        )
    return Prepared(data, (), notes)


_IMPRESSION_NAMES = {
    Impression.LIVE_SCAN_ROLLED: "rolled",
    Impression.NONLIVE_ROLLED: "rolled",
    Impression.LATENT: "latent",
}


def _from_transaction(
    entry: FingerprintEntry, data: bytes
) -> tuple[FingerprintEntry, list[bytes | None]]:
    """The entry with the fingers its ANSI/NIST-ITL transaction holds: each Type-4 or Type-14
    image, and the minutiae of a Type-9 record for a finger that has no image (a mark an
    examiner marked by hand); its Type-2 text as the record's ``descriptive`` text. Also each
    finger's image as it came (None for minutiae)."""
    transaction = ansi_nist.read(data)
    try:
        images = ansi_nist.finger_images(data)
    except InvalidInput as error:
        if error.code != "nist_no_fingers":
            raise
        images = []
    fingers: list[dict[str, Any]] = [
        {
            "position": found.position,
            "impression": found.impression,
            "image": base64.b64encode(found.image).decode("ascii"),
            "ppi": found.ppi,
        }
        for found in images
    ]
    originals: list[bytes | None] = [found.image for found in images]
    imaged = {found.position for found in images}
    for _, position, template in ansi_nist.type9_templates(transaction):
        if int(position) in imaged:
            continue  # the image is read as policenet reads every image
        impression = template.views[0].impression if template.views else Impression.LATENT
        fingers.append(
            {
                "position": int(position),
                "impression": _IMPRESSION_NAMES.get(impression, "plain"),
                "template": base64.b64encode(iso19794.encode(template)).decode("ascii"),
            }
        )
        originals.append(None)
    if not fingers:
        raise InvalidInput(
            "The transaction holds no finger: no Type-4 or Type-14 image and no Type-9 "
            "minutiae record.",
            code="nist_no_fingers",
            field="transaction",
        )
    values = entry.model_dump(exclude={"transaction", "fingers"}) | {"fingers": fingers}
    described = ansi_nist.descriptive_text(transaction)
    if described and entry.descriptive is None:
        values["descriptive"] = described
    try:
        return FingerprintEntry.model_validate(values), originals
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            f"transaction: {first['msg']}.", code="invalid_input", field="transaction"
        ) from None


def _fingerprints(entry: FingerprintEntry) -> Prepared:
    """Each finger kept as its ISO/IEC 19794-2 template: minutiae extracted from an image, or
    a template made elsewhere checked and rewritten as policenet writes it. The images and the
    transaction come with the record as files, kept apart for examiners."""
    files: list[ReceivedFile] = []
    if entry.transaction is not None:
        raw = base64_field(entry.transaction, "transaction", "transaction")
        entry, originals = _from_transaction(entry, raw)
        files.append(ReceivedFile("transaction", None, ansi_nist.MEDIA_TYPE, None, raw))
    else:
        originals = [
            None if f.image is None else base64_field(f.image, f"fingers.{n}", "image")
            for n, f in enumerate(entry.fingers)
        ]
    data = entry.model_dump(mode="json", exclude=TERMS | {"transaction"})
    fingers = []
    for number, finger in enumerate(entry.fingers):
        template = base64.b64encode(
            iso19794.encode(finger_template(finger, f"fingers.{number}"))
        ).decode("ascii")
        fingers.append(
            {
                "position": int(finger.position),
                "impression": finger.impression,
                "template": template,
                # The fingerprint index's code (matching.print_codes), kept so that the hub
                # files the record at start without building its cylinders again.
                "code": print_codes.to_text(print_codes.template_code(template)),
            }
        )
        image = originals[number]
        if image is not None:
            files.append(ReceivedFile("image", number, media_type(image), finger.ppi, image))
    data["fingers"] = fingers
    return Prepared(data, print_keys(entry.kind, entry.solved), files=tuple(files))


def print_keys(kind: PrintKind, solved: bool) -> tuple[Key, ...]:
    """A fingerprint record's keys: unsolved marks are found by theirs for the reverse search
    of every new ten-print."""
    return (OPEN_MARK,) if kind is PrintKind.LATENT and not solved else ()


def database_of(entry: RecordTerms) -> Database:
    found: Database = getattr(type(entry), "database")  # noqa: B009 - a ClassVar of each model
    return found
