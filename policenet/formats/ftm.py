"""Records as FollowTheMoney entities, the form investigative tools and sanctions lists share.

Every property is a list of strings, countries are lower-case ISO codes, and an entity's id
names the hub, the database and the record, so that a second export of the same record gives
the same entity. Shaping an entity decides nothing about who may see it: the caller passes
only records its reader may read in full.
"""

from __future__ import annotations

from typing import Any

from policenet.domain.records import Database
from policenet.domain.shown import DocumentShown, RecordShown

_CRIME_TOPICS = {
    "terrorism": "crime.terror",
    "cybercrime": "crime.cyber",
    "organized_crime": "crime",
    "financial_crime_and_corruption": "crime.fin",
    "other": "crime",
}


def _entity(schema: str, entity_id: str, **properties: object) -> dict[str, Any]:
    """An entity as FollowTheMoney writes it: every property a list of strings."""
    cleaned: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = value if isinstance(value, list) else [value]
        kept = [str(v) for v in values if v not in (None, "")]
        if kept:
            cleaned[name] = kept
    return {"id": entity_id, "schema": schema, "properties": cleaned}


def _country(code: str | None) -> str | None:
    return None if code is None else code.lower()


def ftm_entities(record: DocumentShown | RecordShown, source: str) -> list[dict[str, Any]]:
    """The record, as its reader is shown it, as FollowTheMoney entities (Person and
    Passport, Vehicle, Vessel, Asset). A DNA profile has no FollowTheMoney form (and an
    anonymous profile should not become an entity): none."""
    if isinstance(record, RecordShown) and record.database in (
        Database.DNA,
        Database.FINGERPRINTS,
    ):
        return []
    if isinstance(record, DocumentShown):
        entity_id = f"policenet-travel_documents-{record.id}"
        return [
            _entity(
                "Passport",
                entity_id,
                number=record.number,
                passportNumber=record.number,
                type=record.document_type.value,
                country=_country(record.issuing_country),
                summary=f"{record.status.value} {record.document_type.value}, reported "
                f"{record.event_date.isoformat()}",
                topics="crime.theft" if record.status.value.startswith("stolen") else None,
                publisher=source,
            )
        ]
    data = record.data
    entity_id = f"policenet-{record.database}-{record.id}"
    topics = ["crime.theft"]
    if record.database is Database.PERSONS:
        person = _entity(
            "Person",
            entity_id,
            name=data["name"],
            alias=data.get("aliases", []),
            birthDate=data.get("birth_date"),
            birthPlace=data.get("birth_place"),
            nationality=[_country(c) for c in data.get("nationalities", [])],
            gender=None if data.get("sex") == "unknown" else data.get("sex"),
            topics=["wanted", _CRIME_TOPICS.get(str(data.get("crime_area")), "crime")],
            notes=[f"caution: {c}" for c in data.get("cautions", [])],
            publisher=source,
        )
        passports = [
            _entity(
                "Passport",
                f"{entity_id}-document-{i}",
                holder=entity_id,
                number=d["number"],
                passportNumber=d["number"],
                type=d.get("document_type"),
                country=_country(d["issuing_country"]),
                publisher=source,
            )
            for i, d in enumerate(data.get("identity_documents", []))
        ]
        return [person, *passports]
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
                summary=f"stolen on {data.get('theft_date')}; colour {data.get('colour')}",
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.VESSELS:
        return [
            _entity(
                "Vessel",
                entity_id,
                name=data["name"],
                imoNumber=data.get("imo"),
                mmsi=data.get("mmsi"),
                flag=_country(data.get("flag")),
                type=data.get("vessel_type"),
                registrationNumber=data.get("hull_id"),
                summary=None
                if data.get("theft_date") is None
                else f"stolen on {data['theft_date']}",
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.ART:
        return [
            _entity(
                "Asset",
                entity_id,
                name=data["title"],
                description="; ".join(
                    str(data[k])
                    for k in ("object_type", "artist", "period", "materials", "dimensions")
                    if data.get(k)
                ),
                notes=data.get("inscriptions"),
                country=_country(data.get("theft_country")),
                summary=f"stolen at {data.get('theft_place')} on {data.get('theft_date')}",
                topics=topics,
                publisher=source,
            )
        ]
    return [
        _entity(
            "Asset",
            entity_id,
            name=" ".join(p for p in (data.get("make"), data.get("model")) if p),
            description=f"{data.get('firearm_type')}, calibre {data.get('calibre')}, serial "
            f"{data.get('serial')}",
            country=_country(data.get("manufacture_country")),
            summary=f"firearm {data.get('status')}",
            topics=["crime.traffick"] if data.get("status") != "lost" else [],
            publisher=source,
        )
    ]
