"""A demo hub: bureaus, principals of every role and thousands of travel documents.

Reproducible: the same seed gives the same records (tokens are random, and written to
``demo-tokens.json`` because they are shown only once).
"""

from __future__ import annotations

import random
import string
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from policenet.actions.populations import demo_seed, note_demo_seed, record_documents
from policenet.actions.principals import IssuedToken, create_agency, create_principal
from policenet.demo.dna import seed_dna
from policenet.demo.network import seed_network
from policenet.demo.notices import seed_notices
from policenet.demo.prints import seed_prints
from policenet.demo.records import record_examples, seed_records
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentStatus, DocumentType
from policenet.domain.members import ncb_id
from policenet.domain.principals import (
    AgencyCreate,
    AgencyKind,
    Principal,
    PrincipalCreate,
    Right,
    Role,
)
from policenet.domain.terms import Disclosure, review_date_after
from policenet.domain.visibility import Visibility, VisibilityScope
from policenet.matching.mrz import format_td3
from policenet.store.documents import NewDocument

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Bureaus with a full set of principals; documents come from these and the countries below.
MAIN_COUNTRIES = ("FR", "DE", "US", "GB", "NG", "BR", "JP", "IN")
MORE_COUNTRIES = (
    "ES",
    "IT",
    "NL",
    "PL",
    "TR",
    "EG",
    "KE",
    "ZA",
    "MX",
    "AR",
    "CN",
    "AU",
    "CA",
    "RU",
    "UA",
    "SA",
    "ID",
    "PH",
    "MA",
    "CO",
)
SURNAMES = (
    "MARTIN",
    "MULLER",
    "SMITH",
    "OKAFOR",
    "SILVA",
    "TANAKA",
    "SHARMA",
    "GARCIA",
    "ROSSI",
    "KOWALSKI",
    "YILMAZ",
    "HASSAN",
    "MWANGI",
    "NKOSI",
    "HERNANDEZ",
    "WANG",
    "NGUYEN",
    "IVANOVA",
    "KOVALENKO",
    "ALSAUD",
    "SANTOS",
    "BENALI",
    "RODRIGUEZ",
)
GIVEN = (
    "JEAN",
    "ANNA",
    "JOHN",
    "CHIDI",
    "MARIA",
    "YUKI",
    "PRIYA",
    "CARLOS",
    "LUCA",
    "PIOTR",
    "AYSE",
    "OMAR",
    "GRACE",
    "THABO",
    "SOFIA",
    "LI",
    "MINH",
    "OLGA",
    "TARAS",
    "FATIMA",
)
STATUS_WEIGHTS = {
    DocumentStatus.STOLEN: 45,
    DocumentStatus.LOST: 40,
    DocumentStatus.REVOKED: 6,
    DocumentStatus.INVALID: 4,
    DocumentStatus.STOLEN_BLANK: 5,
}


@dataclass
class DemoReport:
    principals: list[tuple[Principal, IssuedToken]] = field(default_factory=list)
    documents: int = 0
    records: dict[str, int] = field(default_factory=dict)
    examples: dict[str, Any] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=dict)
    notices: dict[str, Any] = field(default_factory=dict)
    dna: dict[str, Any] = field(default_factory=dict)
    prints: dict[str, Any] = field(default_factory=dict)


def _number(rng: random.Random) -> str:
    letters = "".join(rng.choices(string.ascii_uppercase.replace("O", ""), k=2))
    return letters + "".join(rng.choices(string.digits, k=7))


def _principals(
    session: Session, gs_admin: Principal, ttl: int
) -> list[tuple[Principal, IssuedToken]]:
    made: list[tuple[Principal, IssuedToken]] = []

    def add(actor: Principal, data: PrincipalCreate) -> Principal:
        principal, token = create_principal(session, actor, data, default_ttl_days=ttl)
        made.append((principal, token))
        return principal

    add(gs_admin, PrincipalCreate(name="GS reviewer (demo)", role=Role.GS_REVIEWER))
    add(
        gs_admin,
        PrincipalCreate(name="Notices reviewer (demo)", role=Role.GS_REVIEWER, bureau_id="GS-NDTF"),
    )
    add(gs_admin, PrincipalCreate(name="Data protection officer (demo)", role=Role.DATA_PROTECTION))
    add(
        gs_admin,
        PrincipalCreate(
            name="GS command centre officer (demo)", role=Role.GS_REVIEWER, bureau_id="GS-CCC"
        ),
    )
    for country in MAIN_COUNTRIES + MORE_COUNTRIES:
        admin = add(
            gs_admin,
            PrincipalCreate(
                name=f"NCB {country} administrator", role=Role.NCB_ADMIN, country=country
            ),
        )
        add(admin, PrincipalCreate(name=f"NCB {country} officer", role=Role.NCB_OFFICER))
        if country == "FR":
            add(
                admin,
                PrincipalCreate(name="NCB FR fingerprint examiner", role=Role.FINGERPRINT_EXAMINER),
            )
        if country not in MAIN_COUNTRIES:
            continue
        border = create_agency(
            session,
            admin,
            AgencyCreate(
                name=f"{country} border police",
                kind=AgencyKind.BORDER,
                rights=[Right.CHECK_DOCUMENTS, Right.CHECK_RECORDS],
            ),
        )
        police = create_agency(
            session,
            admin,
            AgencyCreate(
                name=f"{country} national police",
                kind=AgencyKind.POLICE,
                rights=[
                    Right.CHECK_DOCUMENTS,
                    Right.RECORD_DOCUMENTS,
                    Right.CHECK_RECORDS,
                    Right.RECORD_RECORDS,
                ],
            ),
        )
        carrier = create_agency(
            session,
            admin,
            AgencyCreate(
                name=f"{country} demo airline",
                kind=AgencyKind.CARRIER,
                rights=[Right.CHECK_DOCUMENTS],
            ),
        )
        add(
            admin,
            PrincipalCreate(
                name=f"{country} border post officer", role=Role.BORDER_OFFICER, agency_id=border.id
            ),
        )
        add(
            admin,
            PrincipalCreate(
                name=f"{country} police investigator", role=Role.AGENCY_OFFICER, agency_id=police.id
            ),
        )
        add(
            admin,
            PrincipalCreate(
                name=f"{country} airline check-in", role=Role.CARRIER, agency_id=carrier.id
            ),
        )
    return made


def _visibility(rng: random.Random, owner: str) -> Visibility:
    roll = rng.random()
    others = [c for c in MAIN_COUNTRIES + MORE_COUNTRIES if c != owner]
    if roll < 0.05:
        return Visibility(VisibilityScope.ONLY_LISTED, frozenset(rng.sample(others, 3)))
    if roll < 0.10:
        return Visibility(VisibilityScope.ALL_BUT_LISTED, frozenset(rng.sample(others, 2)))
    return Visibility()


def _documents(
    session: Session, rng: random.Random, count: int, officers: dict[str, Principal]
) -> list[NewDocument]:
    countries = list(officers)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    today = utcnow().date()
    seen: set[tuple[str, str]] = set()
    batch: list[NewDocument] = []
    while len(batch) < count:
        country = rng.choice(countries)
        number = _number(rng)
        if (country, number) in seen:
            continue
        seen.add((country, number))
        status = rng.choices(statuses, weights)[0]
        blank = status is DocumentStatus.STOLEN_BLANK
        batch.append(
            NewDocument(
                owner_bureau_id=ncb_id(country),
                owner_country=country,
                issuing_country=country,
                document_type=rng.choices(
                    [DocumentType.PASSPORT, DocumentType.ID_CARD, DocumentType.VISA], [70, 25, 5]
                )[0],
                number=number,
                status=status,
                event_date=today - timedelta(days=rng.randint(1, 5 * 365)),
                holder_name=None if blank else f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}",
                holder_birth_date=None
                if blank
                else date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55)),
                visibility=_visibility(rng, country),
                review_date=review_date_after(today),
                # One in twenty is hit/no hit only (not drawn from rng: same seed, same data).
                disclosure=Disclosure.HIT_ONLY
                if zlib.crc32(number.encode()) % 20 == 0
                else Disclosure.FULL,
                reported_by=officers[country].id,
            )
        )
    return batch


def _examples(fr_passport: NewDocument, unknown_number: str) -> dict[str, Any]:
    surname, _, given = (fr_passport.holder_name or "DOE, JOHN").partition(", ")
    birth = fr_passport.holder_birth_date or date(1980, 1, 1)
    expiry = fr_passport.event_date + timedelta(days=365 * 5)

    def zone(number: str) -> list[str]:
        return format_td3(
            issuing_state="FRA",
            surname=surname,
            given_names=given,
            number=number,
            nationality="FRA",
            birth_date=birth,
            sex="F",
            expiry_date=expiry,
        )

    stolen = zone(fr_passport.number)
    line2 = stolen[1]
    digit = str((int(line2[9]) + 1) % 10)
    corrupted = [stolen[0], line2[:9] + digit + line2[10:]]
    return {
        "stolen_passport": {"issuing_country": "FR", "number": fr_passport.number, "mrz": stolen},
        "unknown_passport": {
            "issuing_country": "FR",
            "number": unknown_number,
            "mrz": zone(unknown_number),
        },
        "corrupted_mrz": corrupted,
    }


def seed_demo(
    session: Session, gs_admin: Principal, *, seed: int, documents: int, ttl_days: int
) -> DemoReport:
    """Seed principals and documents; one transaction, every record audited."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    report = DemoReport()
    report.principals = _principals(session, gs_admin, ttl_days)
    officers = {
        p.country: p
        for p, _ in report.principals
        if p.role is Role.NCB_OFFICER and p.country is not None
    }
    batch = _documents(session, rng, documents, officers)
    # The first French record is a public, stolen passport with a holder: the README's example.
    fr_index = next(i for i, d in enumerate(batch) if d.issuing_country == "FR")
    batch[fr_index] = batch[fr_index]._replace(
        document_type=DocumentType.PASSPORT,
        status=DocumentStatus.STOLEN,
        visibility=Visibility(),
        disclosure=Disclosure.FULL,
        holder_name="MARTIN, CLAIRE",
        holder_birth_date=date(1986, 3, 14),
    )
    known = {d.number for d in batch}
    unknown = next(n for n in (_number(rng) for _ in range(100)) if n not in known)
    for start in range(0, len(batch), 2000):
        record_documents(session, batch[start : start + 2000], {"demo_seed": seed})
    report.documents = len(batch)
    report.records = seed_records(session, rng, officers)
    report.examples = _examples(batch[fr_index], unknown) | record_examples()
    report.network = seed_network(
        session, gs_admin, [p for p, _ in report.principals], report.examples, utcnow()
    )
    report.notices = seed_notices(session, [p for p, _ in report.principals], utcnow())
    report.dna = seed_dna(session, rng, [p for p, _ in report.principals], utcnow())
    report.prints = seed_prints(session, [p for p, _ in report.principals], utcnow())
    note_demo_seed(session, seed)
    return report


def demo_seeded(session: Session) -> bool:
    """Whether this hub holds a demo population already (a second would clash with it)."""
    return demo_seed(session) is not None
