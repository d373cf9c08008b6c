"""FollowTheMoney export: every entity ``ftm_entities`` writes is valid as the followthemoney
library reads it, so that Aleph, yente and nomenklatura take it as written.

Valid here is the strictest the library knows: the schema exists and is not abstract; every
property exists on it, can be written (no stub, no deprecated property) and every value is
already clean (the type's cleaning gives it back unchanged, so a proxy built with
``cleaned=False`` holds exactly what a proxy built with ``cleaned=True`` holds, and
``Schema.validate`` passes); the schema's required properties are present; an entity that
names another (a document's holder) names one of the same output, of the property's range.
Each record of each database the module handles, normalised as the hub stores it, goes
through, and generated free text too (spaces of every kind, controls, quotes, combining marks).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from hypothesis import given, settings
from hypothesis import strategies as st

from policenet.domain.databases import Database
from policenet.domain.documents import DocumentStatus, DocumentType
from policenet.domain.records import (
    ArtEntry,
    FirearmEntry,
    FirearmStatus,
    FirearmType,
    PersonEntry,
    VehicleEntry,
    VesselEntry,
)
from policenet.domain.shown import DocumentShown, RecordShown
from policenet.domain.terms import Disclosure, RecordTerms
from policenet.formats.ftm import ftm_entities
from policenet.matching.records import database_of, prepare

SOURCE = "policenet NCB-FR"
WHEN = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
IDENTIFICATION = model.get("Identification")


def shown(entry: RecordTerms, record_id: int) -> RecordShown:
    """The record as its reader is shown it: content normalised as the hub stores it."""
    return RecordShown(
        id=record_id,
        database=database_of(entry),
        owner_bureau_id="NCB-FR",
        disclosure=Disclosure.FULL,
        review_date=date(2031, 9, 1),
        expired=False,
        data=prepare(entry).data,
        external_ref=None,
        visibility=None,
        entered_at=WHEN,
        updated_at=WHEN,
        withdrawn_at=None,
    )


def document(
    record_id: int,
    status: DocumentStatus,
    document_type: DocumentType,
    holder_name: str | None = None,
    holder_birth_date: date | None = None,
    issuing_country: str = "FR",
) -> DocumentShown:
    return DocumentShown(
        id=record_id,
        owner_bureau_id=f"NCB-{issuing_country}",
        issuing_country=issuing_country,
        document_type=document_type,
        number=f"{record_id:02d}AB4587",
        status=status,
        event_date=date(2026, 3, 2),
        holder_name=holder_name,
        holder_birth_date=holder_birth_date,
        disclosure=Disclosure.FULL,
        review_date=None,
        external_ref=None,
        visibility=None,
        reported_at=WHEN,
        updated_at=WHEN,
        withdrawn_at=None,
    )


PERSONS = [
    PersonEntry(
        name="Владимир Петров",
        aliases=["Vladimir Petrov", "Wladimir Petrow"],
        birth_date="1972-04-18",
        birth_place="Saint Petersburg",
        nationalities=["RU"],
        sex="male",
        identity_documents=[{"issuing_country": "RU", "number": "753184296"}],
        physical_description={
            "height_cm": 182,
            "weight_kg": 85,
            "eye_colour": "grey",
            "hair_colour": "black",
            "distinguishing_marks": "scar on the left hand",
        },
        photo_ref="FR/photos/P-0001.jpg",
        crime_area="organized_crime",
        cautions=["armed"],
    ),
    PersonEntry(
        name="محمد عبد الله الحسن",
        aliases=["Mohammed Abdullah al-Hassan", "Muhammad Abdallah Hasan"],
        birth_date="1985",
        nationalities=["SYR"],
        sex="male",
        crime_area="terrorism",
        cautions=["violent", "armed"],
    ),
    PersonEntry(
        name="NOVAK, Ana",
        aliases=["Anna Nowak"],
        birth_date="1994-03",
        nationalities=["SI", "hrv", "DEU"],
        sex="female",
        identity_documents=[
            {"issuing_country": "SVN", "number": "pa-123 456", "document_type": "passport"},
            {"issuing_country": "SI", "number": "id 0042", "document_type": "id_card"},
            {"issuing_country": "DEU", "number": "V-777", "document_type": "visa"},
            {"issuing_country": "HR", "number": "X1", "document_type": "other"},
        ],
        physical_description={"distinguishing_marks": "tattoo of a swallow on the neck"},
        crime_area="financial_crime_and_corruption",
        cautions=["violent"],
    ),
    PersonEntry(
        name="王小明", aliases=["Wang Xiaoming"], birth_date="1990-07", crime_area="cybercrime"
    ),
    PersonEntry(name="Unknown Sex", sex="unknown"),
]
VEHICLES = [
    VehicleEntry(
        vin="1HGCM82633A004352",
        plate="GH-123-KL",
        plate_country="FR",
        make="Honda",
        model="Accord",
        colour="silver",
        year=2003,
        vehicle_type="car",
        theft_date=date(2026, 6, 14),
    ),
    VehicleEntry(plate="ZZ-789-ZZ", plate_country="fra", make="Renault", theft_date="2026-08-30"),
    VehicleEntry(vin="WVWZZZ1JZXW386752", make="Volkswagen", theft_date=date(2026, 7, 2)),
]
VESSELS = [
    VesselEntry(
        name="Belle Étoile",
        imo="IMO 9074729",
        mmsi="227123450",
        flag="FR",
        vessel_type="yacht",
        theft_date=date(2026, 8, 1),
    ),
    VesselEntry(
        name="Mistral II", hull_id="FR-BEN12345A606", flag="FRA", vessel_type="sailing boat"
    ),
    VesselEntry(name="Nameless"),
]
ART = [
    ArtEntry(
        title="Le pigeon aux petits pois",
        object_type="painting",
        artist="Pablo Picasso",
        period="1911",
        dimensions="65 x 54 cm",
        materials="oil on canvas",
        inscriptions="signed lower left",
        theft_place="Musée d'Art Moderne, Paris",
        theft_country="FR",
        theft_date=date(2010, 5, 20),
        images=["img/fr-a-0001-front.jpg", "img/fr-a-0001-back.jpg"],
    ),
    ArtEntry(title="Vierge à l'Enfant", object_type="icon", inscriptions="ΜΡ ΘΥ"),
]
FIREARMS = [
    FirearmEntry(
        make=make,
        model=model_name,
        calibre=calibre,
        serial=serial,
        firearm_type=firearm_type,
        manufacture_country=country,
        status=status,
        event_date=event_date,
    )
    for (make, model_name, calibre, serial, firearm_type, country, event_date), status in zip(
        [
            ("Glock", "17", "9x19mm", "BXRT-512", FirearmType.PISTOL, "AT", date(2026, 2, 17)),
            ("Beretta", "92FS", "9x19mm", "M 123456 Z", FirearmType.PISTOL, "ITA", None),
            ("Kalashnikov", "AKM", "7.62x39mm", "1973-OL4521", FirearmType.RIFLE, "RU", None),
            ("Webley", None, None, "A1", FirearmType.REVOLVER, None, date(2025, 1, 3)),
        ],
        list(FirearmStatus),
        strict=True,
    )
] + [
    FirearmEntry(make="Mossberg", serial="SG1", firearm_type=kind, status=FirearmStatus.STOLEN)
    for kind in FirearmType
]
ENTRIES: list[RecordTerms] = [*PERSONS, *VEHICLES, *VESSELS, *ART, *FIREARMS]
RECORDS = [shown(entry, number) for number, entry in enumerate(ENTRIES, start=1)]
DOCUMENTS = [
    document(
        number,
        status,
        kind,
        *(("MARTIN, CLAIRE", date(1986, 3, 14)) if number % 2 else (None, None)),
    )
    for number, (status, kind) in enumerate(
        ((s, t) for s in DocumentStatus for t in DocumentType), start=1
    )
] + [
    document(90, DocumentStatus.LOST, DocumentType.ID_CARD, "DUBOIS, JEAN", None, "DE"),
    document(91, DocumentStatus.REVOKED, DocumentType.PASSPORT, "BENALI, KARIM"),
]
EVERY = [*RECORDS, *DOCUMENTS]


def _label(record: RecordShown | DocumentShown) -> str:
    if isinstance(record, DocumentShown):
        return f"travel_documents-{record.id}-{record.status}-{record.document_type}"
    return f"{record.database}-{record.id}"


def problems(entities: list[dict[str, Any]], record: RecordShown | DocumentShown) -> list[str]:
    """What the followthemoney library finds wrong with the entities of one record, each as
    ``Schema.property: what``; none for a valid output."""
    found: list[str] = []
    by_id = {entity.get("id"): entity for entity in entities}
    if len(by_id) != len(entities):
        found.append("two entities share an id")
    for entity in entities:
        if set(entity) != {"id", "schema", "properties"}:
            found.append(f"{entity.get('schema')}: keys {sorted(entity)}")
        schema = model.get(entity["schema"])
        if schema is None or schema.abstract:
            found.append(f"{entity['schema']}: no such schema")
            continue
        if registry.entity.clean(entity["id"]) != entity["id"]:
            found.append(f"{schema.name}.id: invalid entity id {entity['id']!r}")
        proxy = model.get_proxy(entity, cleaned=True)
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            where = f"{schema.name}.{name}"
            if prop is None:
                found.append(f"{where}: no such property")
                continue
            if prop.stub or prop.deprecated:
                found.append(f"{where}: {'stub' if prop.stub else 'deprecated'} property")
            if not isinstance(values, list) or not values:
                found.append(f"{where}: not a list of values")
                continue
            if len(set(values)) != len(values):
                found.append(f"{where}: repeated value")
            for value in values:
                if not isinstance(value, str):
                    found.append(f"{where}: {value!r} is not a string")
                    continue
                try:
                    cleaned = prop.type.clean(value, format=prop.format, proxy=proxy)
                except InvalidData as error:
                    found.append(f"{where}: {value!r} refused ({error})")
                    continue
                if cleaned is None:
                    found.append(f"{where}: {value!r} is not a {prop.type.name}")
                elif cleaned != value:
                    found.append(f"{where}: {value!r} is not clean (clean: {cleaned!r})")
                elif not prop.type.validate(value, format=prop.format):
                    found.append(f"{where}: {value!r} fails {prop.type.name} validation")
                if prop.type == registry.entity and cleaned == value:
                    target = by_id.get(value)
                    if target is None:
                        found.append(f"{where}: names {value!r}, not in the output")
                    elif prop.range is not None and not model.get(target["schema"]).is_a(
                        prop.range
                    ):
                        found.append(f"{where}: names a {target['schema']}, not {prop.range}")
        for name in schema.required:
            if entity["properties"].get(name):
                continue
            # A document whose record names no holder keeps its schema and number without
            # one: followthemoney applies `required` to entities a user creates, not to bulk
            # data (schema.py), and inventing a person would put a false name in a dataset.
            unnamed = isinstance(record, DocumentShown) and record.holder_name is None
            if not (unnamed and schema.is_a(IDENTIFICATION) and name == "holder"):
                found.append(f"{schema.name}.{name}: required, missing")
        try:
            schema.validate(entity)
        except InvalidData as error:
            found.append(f"{schema.name}: Schema.validate: {error.errors}")
        if found:
            continue
        raw = model.get_proxy(entity, cleaned=False)
        if (raw.id, raw.schema.name, raw.to_dict()["properties"]) != (
            entity["id"],
            entity["schema"],
            entity["properties"],
        ):
            found.append(f"{schema.name}: changes when read with cleaned=False")
        if EntityProxy.from_dict(entity).to_dict()["properties"] != entity["properties"]:
            found.append(f"{schema.name}: changes when read as written")
    return found


def assert_valid(record: RecordShown | DocumentShown) -> list[dict[str, Any]]:
    entities = ftm_entities(record, SOURCE)
    assert entities, _label(record)
    assert problems(entities, record) == []
    return entities


@pytest.mark.parametrize("record", EVERY, ids=_label)
def test_every_entity_is_valid_for_followthemoney(record: RecordShown | DocumentShown) -> None:
    assert_valid(record)


@pytest.mark.parametrize("record", EVERY, ids=_label)
def test_what_the_record_holds_is_in_its_entities(record: RecordShown | DocumentShown) -> None:
    """Nothing the reader sees is dropped for want of a property: each value of the record
    (a country in any case, an IMO number with its prefix) is in some property's value."""
    entities = assert_valid(record)
    written = " | ".join(
        value.lower() for entity in entities for vs in entity["properties"].values() for value in vs
    )
    if isinstance(record, DocumentShown):
        facts: list[object] = [
            record.number,
            record.issuing_country,
            record.document_type,
            record.status,
            record.event_date,
            record.holder_name,
            record.holder_birth_date,
        ]
    else:
        # The sex is the gender (none for unknown), the crime area a topic, VIN checking
        # the hub's own concern.
        skipped = {"sex", "crime_area", "vin_validated"}
        facts = list(_leaves({k: v for k, v in record.data.items() if k not in skipped}))
    for fact in facts:
        if fact is not None:
            assert str(fact).lower() in written, (_label(record), fact)


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_schemas_topics_and_links() -> None:
    """The schema each record takes, the topics that say why it is listed, and each
    document linked to its holder."""
    schemas: dict[str, list[str]] = {}
    for record in EVERY:
        for entity in ftm_entities(record, SOURCE):
            schemas.setdefault(_label(record).split("-")[0], []).append(entity["schema"])
    assert {name: sorted(set(found)) for name, found in schemas.items()} == {
        "persons": ["Identification", "Passport", "Person"],
        "vehicles": ["Vehicle"],
        "vessels": ["Vessel"],
        "art": ["Asset"],
        "firearms": ["Asset"],
        "travel_documents": ["Identification", "Passport", "Person"],
    }
    petrov, passport = ftm_entities(RECORDS[0], SOURCE)
    assert petrov["properties"]["topics"] == ["wanted", "crime"]
    assert passport["properties"]["holder"] == [petrov["id"]]
    assert petrov["properties"]["passportNumber"] == ["753184296"]
    firearms = [r for r in RECORDS if r.database is Database.FIREARMS][:4]
    topics = [ftm_entities(r, SOURCE)[0]["properties"].get("topics") for r in firearms]
    assert topics == [None, ["crime.theft"], ["crime.traffick"], ["crime.traffick"]]
    holder, named = ftm_entities(DOCUMENTS[0], SOURCE)
    assert (holder["schema"], named["schema"]) == ("Person", "Passport")
    assert holder["properties"]["name"] == ["MARTIN, CLAIRE"]
    assert "topics" not in holder["properties"]  # the holder of a stolen passport is no suspect
    assert named["properties"]["holder"] == [holder["id"]]
    (unnamed,) = ftm_entities(DOCUMENTS[1], SOURCE)
    assert unnamed["schema"] == "Identification"
    assert "holder" not in unnamed["properties"]


def test_ids_are_stable_and_unique() -> None:
    """The same record exported again, even changed, gives the same ids; no two records
    share one, and an id names the database and the record."""
    seen: dict[str, str] = {}
    for record in EVERY:
        first = [e["id"] for e in ftm_entities(record, SOURCE)]
        assert first == [e["id"] for e in ftm_entities(record, "policenet NCB-DE")]
        for entity_id in first:
            assert entity_id not in seen, (entity_id, seen.get(entity_id), _label(record))
            seen[entity_id] = _label(record)
            database = "travel-documents" if isinstance(record, DocumentShown) else record.database
            assert entity_id.startswith(f"policenet-{database}-{record.id}"), entity_id
    later = RecordShown(**{**_fields(RECORDS[0]), "updated_at": datetime(2027, 1, 1, tzinfo=UTC)})
    assert [e["id"] for e in ftm_entities(later, SOURCE)] == [
        e["id"] for e in ftm_entities(RECORDS[0], SOURCE)
    ]


def _fields(record: RecordShown) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RecordShown.__slots__}


@pytest.mark.parametrize("database", [Database.DNA, Database.FINGERPRINTS])
def test_dna_and_fingerprints_have_no_entity(database: Database) -> None:
    record = RecordShown(**{**_fields(RECORDS[0]), "database": database, "data": {}})
    assert ftm_entities(record, SOURCE) == []


# --- generated text --------------------------------------------------------------------------

# Any character but lone surrogates: spaces of every kind, controls, zero-width and format
# characters, combining marks, quotes.
_ANY = st.characters(exclude_categories=("Cs",))
_TRICKY = st.sampled_from(
    ["'", '"', " ", "\t", "\n", "\u00a0", "\u2003", "\u200b", "\u200d", "\u0301", "\x00", "\u0a00"]
)
TEXT = st.text(st.one_of(_ANY, _TRICKY), min_size=1, max_size=40).filter(
    lambda s: any(c.isalpha() for c in s)
)
# A nickname is often written in quotes: followthemoney takes them off a name.
NAME = TEXT | TEXT.map(lambda s: f'"{s}"') | TEXT.map(lambda s: f"' {s}\t'")
OPTIONAL = st.none() | TEXT


def _entry(model_class: type[RecordTerms], **values: Any) -> RecordTerms | None:
    """The entry, or None where the hub would refuse it (too long once stripped, …)."""
    try:
        return model_class.model_validate(values)
    except ValueError:
        return None


@settings(max_examples=150, deadline=None)
@given(
    name=NAME,
    aliases=st.lists(NAME, max_size=3),
    birth_place=OPTIONAL,
    marks=OPTIONAL,
    eye=OPTIONAL,
)
def test_generated_persons_are_valid(
    name: str, aliases: list[str], birth_place: str | None, marks: str | None, eye: str | None
) -> None:
    entry = _entry(
        PersonEntry,
        name=name,
        aliases=aliases,
        birth_place=birth_place,
        physical_description={"distinguishing_marks": marks, "eye_colour": eye},
        identity_documents=[{"issuing_country": "FR", "number": "12AB3456"}],
    )
    if entry is not None:
        assert_valid(shown(entry, 7))


@settings(max_examples=150, deadline=None)
@given(first=NAME, second=OPTIONAL, third=OPTIONAL, fourth=OPTIONAL)
def test_generated_objects_are_valid(
    first: str, second: str | None, third: str | None, fourth: str | None
) -> None:
    entries = [
        _entry(
            VehicleEntry,
            vin="1HGCM82633A004352",
            make=first,
            model=second,
            colour=third,
            vehicle_type=fourth,
            theft_date="2026-01-01",
        ),
        _entry(VesselEntry, name=first, vessel_type=second),
        _entry(
            ArtEntry,
            title=first,
            object_type=first,
            artist=second,
            inscriptions=third,
            theft_place=fourth,
            materials=second,
        ),
        _entry(
            FirearmEntry,
            make=first,
            model=second,
            calibre=third,
            serial="AB12",
            firearm_type="pistol",
            status="stolen",
        ),
    ]
    for number, entry in enumerate(entries, start=1):
        if entry is not None:
            assert_valid(shown(entry, number))


@settings(max_examples=150, deadline=None)
@given(
    holder=st.none() | NAME,
    status=st.sampled_from(DocumentStatus),
    kind=st.sampled_from(DocumentType),
)
def test_generated_documents_are_valid(
    holder: str | None, status: DocumentStatus, kind: DocumentType
) -> None:
    assert_valid(document(5, status, kind, holder, date(1980, 1, 1)))
