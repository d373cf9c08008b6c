"""Demo records of every database but travel documents: wanted and missing persons with names
in many scripts, stolen vehicles, works of art, firearms and vessels, entered through the same
action a bureau uses (validated, audited, filed in the change feed)."""

from __future__ import annotations

import string
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from policenet.actions.records import record_entry
from policenet.domain.records import (
    ArtEntry,
    Caution,
    CrimeArea,
    FirearmEntry,
    FirearmStatus,
    FirearmType,
    PersonEntry,
    Sex,
    VehicleEntry,
    VesselEntry,
)
from policenet.domain.terms import Disclosure
from policenet.matching.identifiers import imo_check_digit, vin_check_digit

if TYPE_CHECKING:
    import random

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.domain.terms import RecordTerms

# (owner country, name as the owner writes it, aliases, sex): real naming patterns of each
# script, none a real wanted person.
PERSONS: tuple[tuple[str, str, tuple[str, ...], Sex], ...] = (
    ("FR", "Владимир Петров", ("Vladimir Petrov", "Wladimir Petrow"), Sex.MALE),
    ("DE", "Алексей Смирнов", ("Aleksei Smirnov",), Sex.MALE),
    ("FR", "Ekaterina Volkova", ("Екатерина Волкова", "Katia Volkova"), Sex.FEMALE),
    ("DE", "محمد عبد الله الحسن", ("Mohammed Abdullah al-Hassan",), Sex.MALE),
    ("GB", "Fatima Zahra El Amrani", ("فاطمة الزهراء العمراني",), Sex.FEMALE),
    ("US", "Ahmed bin Khalid Al-Rashid", ("أحمد بن خالد الراشد",), Sex.MALE),
    ("FR", "Ιωάννης Παπαδόπουλος", ("Ioannis Papadopoulos",), Sex.MALE),
    ("DE", "Μαρία Γεωργίου", ("Maria Georgiou",), Sex.FEMALE),
    ("US", "王小明", ("Wang Xiaoming",), Sex.MALE),
    ("JP", "佐藤健", ("さとう たける", "Sato Takeru"), Sex.MALE),
    ("JP", "たなか ゆき", ("Tanaka Yuki",), Sex.FEMALE),
    ("US", "김민수", ("Kim Min-su", "Kim Minsoo"), Sex.MALE),
    ("IN", "राहुल शर्मा", ("Rahul Sharma",), Sex.MALE),
    ("IN", "प्रिया पटेल", ("Priya Patel",), Sex.FEMALE),
    ("GB", "דוד כהן", ("David Cohen",), Sex.MALE),
    ("BR", "João Carlos da Silva Santos", ("Joao Carlos Silva",), Sex.MALE),
    ("FR", "María del Carmen García López", ("Carmen Garcia",), Sex.FEMALE),
    ("DE", "Jürgen Müller", ("Juergen Mueller",), Sex.MALE),
    ("NG", "Chukwuemeka Okafor", ("Emeka Okafor",), Sex.MALE),
    ("FR", "Oleksandr Zelenskyy", ("Олександр Зеленський", "Aleksandr Selenskij"), Sex.MALE),
    ("GB", "Seán Ó Briain", ("Sean O'Brien",), Sex.MALE),
    ("US", "Nguyễn Văn An", ("Nguyen Van An",), Sex.MALE),
    ("DE", "Ayşe Yılmaz", ("Ayse Yilmaz",), Sex.FEMALE),
    ("FR", "Jan van der Berg", ("J. van den Berg",), Sex.MALE),
)
MAKES = (
    ("Toyota", "Land Cruiser"),
    ("Volkswagen", "Golf"),
    ("BMW", "X5"),
    ("Mercedes-Benz", "E 220"),
    ("Ford", "F-150"),
    ("Honda", "Civic"),
    ("Renault", "Clio"),
    ("Hyundai", "Tucson"),
)
# World manufacturer identifiers: North American ones carry a check digit, the others do not.
WMIS = ("1FT", "2HG", "5YJ", "JTM", "WVW", "WBA", "VF1", "KMH")
COLOURS = ("black", "white", "silver", "blue", "red", "grey")
ARTWORKS = (
    ("Portrait of a Young Man", "painting", "after Raphael", "16th century", "oil on panel"),
    ("Icon of Saint Nicholas", "icon", None, "17th century", "tempera on wood"),
    ("Bronze statuette of Hermes", "sculpture", None, "2nd century BC", "bronze"),
    ("Ming dynasty vase", "ceramic", None, "15th century", "porcelain"),
    ("Illuminated Quran folio", "manuscript", None, "14th century", "ink and gold on paper"),
    ("Landscape with Windmill", "painting", "Dutch school", "17th century", "oil on canvas"),
)
GUNS = (
    ("Glock", "17", "9x19mm", FirearmType.PISTOL),
    ("Beretta", "92FS", "9x19mm", FirearmType.PISTOL),
    ("Smith & Wesson", "686", ".357 Magnum", FirearmType.REVOLVER),
    ("Kalashnikov", "AKM", "7.62x39mm", FirearmType.RIFLE),
    ("Remington", "870", "12 gauge", FirearmType.SHOTGUN),
)
VESSELS = ("Belle Étoile", "Sea Breeze", "Mistral II", "Nordlys", "Estrella del Mar")


def _vin(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    wmi = rng.choice(WMIS)
    vin = wmi + "".join(rng.choices(alphabet, k=5)) + "0" + "".join(rng.choices(alphabet, k=8))
    if wmi[0] in "12345":
        vin = vin[:8] + vin_check_digit(vin) + vin[9:]
    return vin


def _imo(rng: random.Random) -> str:
    six = "".join(rng.choices(string.digits, k=6)).replace("0", "1", 1)
    return six + imo_check_digit(six + "0")


def _entries(rng: random.Random) -> list[tuple[str, RecordTerms]]:
    today = date.today()  # noqa: DTZ011 - a calendar date for demo data only
    entries: list[tuple[str, RecordTerms]] = []
    areas = list(CrimeArea)
    for i, (country, name, aliases, sex) in enumerate(PERSONS):
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
        entries.append(
            (
                country,
                PersonEntry(
                    external_ref=f"DEMO-P-{i:04d}",
                    name=name,
                    aliases=list(aliases),
                    birth_date=born.isoformat() if i % 4 else str(born.year),
                    nationalities=[country],
                    sex=sex,
                    crime_area=areas[i % len(areas)],
                    cautions=[Caution.ARMED] if i % 5 == 0 else [],
                    disclosure=Disclosure.HIT_ONLY if i % 7 == 6 else Disclosure.FULL,
                ),
            )
        )
    owners = ("FR", "DE", "US", "GB", "BR", "JP")
    for i in range(120):
        make, model = rng.choice(MAKES)
        owner = rng.choice(owners)
        plate = "".join(rng.choices(string.ascii_uppercase, k=2)) + "-" + str(rng.randint(100, 999))
        entries.append(
            (
                owner,
                VehicleEntry(
                    external_ref=f"DEMO-V-{i:04d}",
                    vin=_vin(rng),
                    plate=plate + "-" + "".join(rng.choices(string.ascii_uppercase, k=2)),
                    plate_country=owner,
                    make=make,
                    model=model,
                    colour=rng.choice(COLOURS),
                    year=rng.randint(2005, 2025),
                    theft_date=today - timedelta(days=rng.randint(1, 700)),
                    disclosure=Disclosure.HIT_ONLY if i % 10 == 9 else Disclosure.FULL,
                ),
            )
        )
    for i, (title, kind, artist, period, materials) in enumerate(ARTWORKS):
        owner = owners[i % len(owners)]
        entries.append(
            (
                owner,
                ArtEntry(
                    external_ref=f"DEMO-A-{i:04d}",
                    title=title,
                    object_type=kind,
                    artist=artist,
                    period=period,
                    materials=materials,
                    theft_place="private collection",
                    theft_country=owner,
                    theft_date=today - timedelta(days=rng.randint(30, 3000)),
                ),
            )
        )
    statuses = list(FirearmStatus)
    for i in range(40):
        make, model, calibre, kind = rng.choice(GUNS)
        owner = rng.choice(owners)
        entries.append(
            (
                owner,
                FirearmEntry(
                    external_ref=f"DEMO-F-{i:04d}",
                    make=make,
                    model=model,
                    calibre=calibre,
                    serial="".join(rng.choices(string.ascii_uppercase, k=3))
                    + str(rng.randint(10000, 99999)),
                    firearm_type=kind,
                    status=rng.choice(statuses),
                    event_date=today - timedelta(days=rng.randint(1, 900)),
                ),
            )
        )
    for i, name in enumerate(VESSELS):
        owner = owners[i % len(owners)]
        entries.append(
            (
                owner,
                VesselEntry(
                    external_ref=f"DEMO-S-{i:04d}",
                    name=name,
                    imo=_imo(rng),
                    flag=owner,
                    vessel_type="yacht",
                    theft_date=today - timedelta(days=rng.randint(1, 400)),
                ),
            )
        )
    return entries


def seed_records(
    session: Session, rng: random.Random, officers: dict[str, Principal]
) -> dict[str, int]:
    """Enter the demo records through ``record_entry``; returns how many per database."""
    counts: dict[str, int] = {}
    for country, entry in _entries(rng):
        record = record_entry(session, officers[country], entry)
        counts[record.database] = counts.get(record.database, 0) + 1
    return counts


def record_examples() -> dict[str, Any]:
    """Checks to try against the demo records."""
    return {
        "person_in_another_script": {"person": {"name": "Vladimir Petrov"}},
        "person_with_arabic_name": {"person": {"name": "Muhammad Abdallah al Hasan"}},
        "vessel_by_name": {"vessel": {"name": "Belle Etoile"}},
    }
