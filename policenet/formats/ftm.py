"""Records as FollowTheMoney entities, the form investigative tools and sanctions lists share.

Each entity is one the followthemoney library (Aleph, yente, nomenklatura) reads as written:
only properties its schema has, no deprecated one, every value a string already in its type's
clean form. Countries are lower-case ISO alpha-2 codes, dates ISO 8601 (a partial birth date
stays partial), an IMO number "IMO" and its seven digits; text has no control or zero-width
characters and only plain spaces, and a name's spaces are squashed. What a schema has no
property for is written, labelled, to its description, summary or notes.

A person is a Person, and each document they hold a Passport (an ID card, visa or other document
an Identification) with the person as its holder. A travel document is a Passport or an
Identification too, its holder a Person when the record names one; a document whose holder is
not named is written alone, as FollowTheMoney's bulk data allows, rather than with an invented
holder. A vehicle is a Vehicle, a vessel a Vessel; a work of art and a firearm, for which
FollowTheMoney has no schema of their own, an Asset.

An entity's id names the hub, the database and the record (a document or a holder adds a
suffix), so that a second export of the same record gives the same entity. Shaping an entity
decides nothing about who may see it: the caller passes only records its reader may read in
full.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from policenet.domain.members import normalise_country
from policenet.domain.records import Database
from policenet.domain.shown import DocumentShown, RecordShown

_CRIME_TOPICS = {
    "terrorism": "crime.terror",
    "cybercrime": "crime.cyber",
    "organized_crime": "crime",
    "financial_crime_and_corruption": "crime.fin",
    "other": "crime",
}
_FIREARM_TOPICS = {
    "stolen": "crime.theft",
    "trafficked": "crime.traffick",
    "smuggled": "crime.traffick",
}
# Properties of FollowTheMoney's name type, cleaned as names (spaces squashed, quotes off).
_NAME_PROPERTIES = frozenset({"name", "alias"})
_SPACES = re.compile(r"\s+")
_QUOTED = re.compile(r"^[\"'](.*)[\"']$")
_LINE_BREAKS = frozenset("\t\n\r")


def _text(value: object) -> str:
    """The value as FollowTheMoney keeps text: without control, format (zero-width) or
    surrogate characters, every kind of space a plain one, composed (NFC) and stripped."""
    chars: list[str] = []
    for char in str(value):
        category = unicodedata.category(char)
        if char in _LINE_BREAKS:
            chars.append(char)
        elif category in ("Cc", "Cf", "Cs"):
            continue
        elif category in ("Zs", "Zl", "Zp") or char == "\u0a00":  # read as a space there
            chars.append(" ")
        else:
            chars.append(char)
    return unicodedata.normalize("NFC", "".join(chars)).strip()


def _name(value: object) -> str:
    """The value as FollowTheMoney keeps a name: its text, spaces squashed, without quotes
    around the whole."""
    name = _text(value)
    while True:
        name = _SPACES.sub(" ", name).strip()
        quoted = _QUOTED.match(name)
        if quoted is None:
            return name
        name = quoted.group(1)


def _entity(schema: str, entity_id: str, **properties: object) -> dict[str, Any]:
    """An entity as FollowTheMoney writes it: every property a list of distinct, clean
    strings; a property with no value left out."""
    cleaned: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = value if isinstance(value, list) else [value]
        clean = _name if name in _NAME_PROPERTIES else _text
        kept: list[str] = []
        for raw in values:
            text = None if raw is None else clean(raw)
            if text and text not in kept:
                kept.append(text)
        if kept:
            cleaned[name] = kept
    return {"id": entity_id, "schema": schema, "properties": cleaned}


def _entity_id(database: Database, record_id: int) -> str:
    # An entity id holds letters, digits, dots and dashes only.
    return f"policenet-{database.value.replace('_', '-')}-{record_id}"


def _country(code: str | None) -> str | None:
    """The lower-case alpha-2 code of an alpha-2 or alpha-3 code; None for none or unknown."""
    found = None if code is None else normalise_country(code)
    return None if found is None else found.lower()


def _labelled(*parts: tuple[str, object]) -> str:
    """``label: value`` for each part that has a value, joined by semicolons."""
    return "; ".join(f"{label}: {value}" for label, value in parts if value not in (None, ""))


def _when(event: str, day: object, place: object = None) -> str:
    """``stolen at <place> on <day>``, leaving out what is not known."""
    return " ".join(
        [
            event,
            *(() if place is None else ("at", str(place))),
            *(() if day is None else ("on", str(day))),
        ]
    )


def _numbers(documents: list[tuple[str, str]], document_type: str) -> list[str]:
    return [number for kind, number in documents if kind == document_type]


def _document(
    entity_id: str,
    holder_id: str | None,
    document_type: str,
    number: str,
    country: str | None,
    source: str,
    **more: object,
) -> dict[str, Any]:
    """A Passport, or an Identification for any other document, linked to its holder."""
    return _entity(
        "Passport" if document_type == "passport" else "Identification",
        entity_id,
        holder=holder_id,
        number=number,
        type=document_type,
        country=_country(country),
        publisher=source,
        **more,
    )


def _travel_document(record: DocumentShown, source: str) -> list[dict[str, Any]]:
    entity_id = _entity_id(Database.TRAVEL_DOCUMENTS, record.id)
    kind = record.document_type.value
    birth_date = None if record.holder_birth_date is None else record.holder_birth_date.isoformat()
    holder: list[dict[str, Any]] = []
    if record.holder_name is not None and _name(record.holder_name):
        number = [record.number]
        holder.append(
            _entity(
                "Person",
                f"{entity_id}-holder",
                name=record.holder_name,
                birthDate=birth_date,
                passportNumber=number if kind == "passport" else None,
                idNumber=number if kind == "id_card" else None,
                publisher=source,
            )
        )
    summary = _when(f"{kind} {record.status.value}", record.event_date.isoformat())
    if not holder and birth_date is not None:
        summary += f"; holder born on {birth_date}"
    document = _document(
        entity_id,
        holder[0]["id"] if holder else None,
        kind,
        record.number,
        record.issuing_country,
        source,
        summary=summary,
    )
    return [*holder, document]


def _person(record: RecordShown, source: str) -> list[dict[str, Any]]:
    data = record.data
    entity_id = _entity_id(record.database, record.id)
    looks: dict[str, Any] = data.get("physical_description") or {}
    documents: list[dict[str, Any]] = data.get("identity_documents", [])
    held = [(str(d.get("document_type", "passport")), str(d["number"])) for d in documents]
    notes = [f"caution: {c}" for c in data.get("cautions", [])]
    if data.get("photo_ref"):
        notes.append(f"photograph held by the owner: {data['photo_ref']}")
    person = _entity(
        "Person",
        entity_id,
        name=data["name"],
        alias=data.get("aliases", []),
        birthDate=data.get("birth_date"),
        birthPlace=data.get("birth_place"),
        nationality=[_country(c) for c in data.get("nationalities", [])],
        gender=None if data.get("sex") == "unknown" else data.get("sex"),
        passportNumber=_numbers(held, "passport"),
        idNumber=_numbers(held, "id_card"),
        height=looks.get("height_cm"),
        weight=looks.get("weight_kg"),
        eyeColor=looks.get("eye_colour"),
        hairColor=looks.get("hair_colour"),
        appearance=looks.get("distinguishing_marks"),
        topics=["wanted", _CRIME_TOPICS.get(str(data.get("crime_area")), "crime")],
        notes=notes,
        publisher=source,
    )
    return [
        person,
        *(
            _document(
                f"{entity_id}-document-{i}", entity_id, kind, number, d["issuing_country"], source
            )
            for i, (d, (kind, number)) in enumerate(zip(documents, held, strict=True))
        ),
    ]


def ftm_entities(record: DocumentShown | RecordShown, source: str) -> list[dict[str, Any]]:
    """The record, as its reader is shown it, as FollowTheMoney entities (Person, Passport
    and Identification, Vehicle, Vessel, Asset). A DNA profile or a set of fingerprints has
    no FollowTheMoney form (and an anonymous profile should not become an entity): none."""
    if isinstance(record, DocumentShown):
        return _travel_document(record, source)
    if record.database in (Database.DNA, Database.FINGERPRINTS):
        return []
    if record.database is Database.PERSONS:
        return _person(record, source)
    data = record.data
    entity_id = _entity_id(record.database, record.id)
    topics = ["crime.theft"]
    if record.database is Database.VEHICLES:
        return [
            _entity(
                "Vehicle",
                entity_id,
                name=" ".join(p for p in (data.get("make"), data.get("model")) if p),
                registrationNumber=[data.get("plate"), data.get("vin")],
                type=data.get("vehicle_type"),
                model=data.get("model"),
                buildDate=data.get("year"),
                country=_country(data.get("plate_country")),
                summary=_when("stolen", data.get("theft_date")),
                description=_labelled(("colour", data.get("colour"))),
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.VESSELS:
        imo = data.get("imo")
        return [
            _entity(
                "Vessel",
                entity_id,
                name=data["name"],
                imoNumber=None if imo is None else f"IMO{imo}",
                mmsi=data.get("mmsi"),
                flag=_country(data.get("flag")),
                type=data.get("vessel_type"),
                registrationNumber=data.get("hull_id"),
                summary=_when("stolen", data.get("theft_date")),
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.ART:
        images = ", ".join(data.get("images", []))
        return [
            _entity(
                "Asset",
                entity_id,
                name=data["title"],
                description=_labelled(
                    ("object", data.get("object_type")),
                    ("artist", data.get("artist")),
                    ("period", data.get("period")),
                    ("materials", data.get("materials")),
                    ("dimensions", data.get("dimensions")),
                ),
                notes=[
                    _labelled(("inscriptions", data.get("inscriptions"))),
                    _labelled(("images held by the owner", images)),
                ],
                country=_country(data.get("theft_country")),
                summary=_when("stolen", data.get("theft_date"), data.get("theft_place")),
                topics=topics,
                publisher=source,
            )
        ]
    status = str(data.get("status"))
    return [
        _entity(
            "Asset",
            entity_id,
            name=" ".join(p for p in (data.get("make"), data.get("model")) if p),
            description=_labelled(
                ("firearm", data.get("firearm_type")),
                ("calibre", data.get("calibre")),
                ("serial", data.get("serial")),
            ),
            country=_country(data.get("manufacture_country")),
            summary=_when(f"firearm {status}", data.get("event_date")),
            topics=_FIREARM_TOPICS.get(status),
            publisher=source,
        )
    ]
