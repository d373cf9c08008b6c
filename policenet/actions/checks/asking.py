"""How a check asks each database: exact keys in the screening index first, names through the
person index; what it found, before anything is decided about who may learn of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.access import answers_to, asks_persons, require, sees_details
from policenet.domain.checks import (
    CheckRequest,
    CheckResult,
    MatchKind,
)
from policenet.domain.errors import Forbidden
from policenet.domain.members import alpha2_from_icao
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database, Record
from policenet.matching.documents import comparison_key, differs_only_by_o_zero, normalise_number
from policenet.matching.identifiers import (
    check_vin,
    differs_only_by_confusion,
    normalise_imo,
    normalise_mmsi,
    normalise_serial,
    normalise_title,
    serial_key,
)
from policenet.matching.mrz import parse_mrz
from policenet.matching.persons import DEFAULT_THRESHOLD, PartialDate, PersonQuery
from policenet.matching.records import birth_date, country, document_key, plate_key
from policenet.store import documents as document_store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.checks import PersonQueryInput
    from policenet.domain.documents import TravelDocument
    from policenet.screening.service import PersonTerms, Screening


PERSON_HITS = 10
_O_ZERO_NOTE = (
    "The number matched only with the letter O read as the digit 0: compare the document "
    "itself with the recorded number {recorded} before acting."
)
_SERIAL_NOTE = (
    "The serial matched only by reading worn characters alike (O/0, I/1, S/5, B/8): compare "
    "the weapon with the recorded serial {recorded} before acting."
)


@dataclass(slots=True)
class Found:
    """A record found for one part of a check, before access decides what the caller learns."""

    part: str
    database: Database
    record: TravelDocument | Record
    match: MatchKind
    score: float | None = None
    explanation: tuple[str, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class Answer:
    result: CheckResult
    asked: dict[str, Any]
    hit_rows: list[dict[str, Any]] = field(default_factory=list)
    withheld: int = 0
    external_refs: list[str | None] = field(default_factory=list)


def person_query(data: PersonQueryInput) -> PersonQuery:
    return PersonQuery(
        names=(data.name,),
        birth_date=birth_date(data.birth_date, "person.birth_date"),
        nationality=country(data.nationality, "person.nationality"),
        gender=None if data.sex in (None, "unknown") else data.sex,
    )


class Asking:
    """One check being answered: the parts asked, the records found."""

    def __init__(
        self, session: Session, actor: Principal, screening: Screening, now: datetime
    ) -> None:
        self.session = session
        self.actor = actor
        self.screening = screening
        self.now = now
        self.today = now.date()
        self.found: list[Found] = []
        self.asked: dict[str, Any] = {}
        self.notes: list[str] = []
        self.withheld = 0

    # --- exact keys ------------------------------------------------------------------------

    def documents(self, part: str, issuing: str, number: str) -> None:
        candidates = self.screening.document_candidates(issuing, comparison_key(number))
        if candidates:
            for document in document_store.lookup(
                self.session,
                issuing_country=issuing,
                number=number,
                today=self.today,
                among=candidates,
            ):
                o_zero = differs_only_by_o_zero(document.number, number)
                self.found.append(
                    Found(
                        part,
                        Database.TRAVEL_DOCUMENTS,
                        document,
                        MatchKind.LETTER_O_AS_ZERO if o_zero else MatchKind.EXACT,
                        note=_O_ZERO_NOTE.format(recorded=document.number) if o_zero else None,
                    )
                )
        if asks_persons(self.actor):
            # Persons known to hold the document; only for those who may check persons.
            self.records(part, "person_doc", document_key(issuing, number))

    def records(self, part: str, kind: str, key: str, asked: str | None = None) -> None:
        candidates = self.screening.record_candidates(kind, key)
        if not candidates:
            return
        for record in record_store.holding_key(
            self.session,
            (kind, key),
            candidates,
            self.today,
            self.noticed(candidates) if kind == "person_doc" else (),
        ):
            match, note = MatchKind.EXACT, None
            if kind == "serial" and asked is not None:
                recorded = str(record.data.get("serial", ""))
                if differs_only_by_confusion(recorded, asked):
                    match, note = MatchKind.SERIAL_CONFUSION, _SERIAL_NOTE.format(recorded=recorded)
            self.found.append(Found(part, record.database, record, match, note=note))

    def noticed(self, ids: list[int]) -> list[int]:
        """Those of these person records under a valid notice: they answer past review."""
        return [i for i in ids if self.screening.under_notice(i, self.now)]

    # --- names -----------------------------------------------------------------------------

    def persons(self, part: str, query: PersonQuery) -> None:
        def allowed(record_id: int, terms: PersonTerms) -> bool:
            # The subject of a published notice answers every member while it is valid.
            if self.screening.under_notice(record_id, self.now):
                return True
            return answers_to(self.actor, terms, self.today)

        matches = self.screening.search_persons(
            query, may_see=allowed, limit=PERSON_HITS, threshold=DEFAULT_THRESHOLD
        )
        ids = [int(m.record_id) for m in matches]
        by_id = {
            r.id: r
            for r in record_store.answering(self.session, ids, self.today, self.noticed(ids))
        }
        for match in matches:
            record = by_id.get(int(match.record_id))
            if record is not None:
                self.found.append(
                    Found(
                        part,
                        Database.PERSONS,
                        record,
                        MatchKind.NAME,
                        score=round(match.score, 3),
                        explanation=(
                            f"matched the name {match.matched_name!r}",
                            *match.explanation,
                        ),
                    )
                )


def ask(asking: Asking, request: CheckRequest) -> None:
    """Look up every part of the request."""
    actor = asking.actor
    records_parts = (
        request.person,
        request.vehicle,
        request.firearm,
        request.vessel,
        request.artwork,
    )
    asks_records = any(p is not None for p in records_parts)
    if not sees_details(actor) and (request.document is None or request.mrz or asks_records):
        raise Forbidden(
            "Carriers check a document by issuing country and number only: names are never "
            "sent. Send 'document' alone.",
            code="carrier_check_refused",
        )
    if asks_records:
        require(actor, Right.CHECK_RECORDS)
    if request.document is not None or request.mrz is not None:
        require(actor, Right.CHECK_DOCUMENTS)
    asked = asking.asked
    if request.mrz is not None:
        mrz = parse_mrz(request.mrz)
        issuing = alpha2_from_icao(mrz.issuing_state)
        number = normalise_number(mrz.document_number)
        asked["mrz"] = {
            "format": mrz.format,
            "issuing_country": mrz.issuing_state,
            "number": number,
            "holder": mrz.holder_name,
            "birth_date": None if mrz.birth_date is None else mrz.birth_date.isoformat(),
        }
        if issuing is None:
            asking.notes.append(
                f"The issuing state {mrz.issuing_state} is not a country whose bureaus record "
                "documents here: no travel document record can answer."
            )
        else:
            asking.documents("mrz", issuing, number)
        if mrz.holder_name.strip(", ") and asks_persons(actor):
            asking.persons(
                "mrz_holder",
                PersonQuery(
                    names=(mrz.holder_name,),
                    birth_date=None if mrz.birth_date is None else PartialDate.of(mrz.birth_date),
                    nationality=alpha2_from_icao(mrz.nationality),
                    gender={"M": "male", "F": "female"}.get(mrz.sex or ""),
                ),
            )
    if request.document is not None:
        issuing = country(request.document.issuing_country, "document.issuing_country")
        assert issuing is not None  # noqa: S101 - the field is required
        number = normalise_number(request.document.number)
        asked["document"] = {"issuing_country": issuing, "number": number}
        asking.documents("document", issuing, number)
    if request.person is not None:
        query = person_query(request.person)
        asked["person"] = request.person.model_dump(mode="json", exclude_none=True)
        asking.persons("person", query)
    if request.vehicle is not None:
        vehicle: dict[str, Any] = {}
        if request.vehicle.vin is not None:
            vin = check_vin(request.vehicle.vin, field="vehicle.vin").vin
            vehicle["vin"] = vin
            asking.records("vehicle", "vin", vin)
        if request.vehicle.plate is not None:
            plate_country = country(request.vehicle.plate_country, "vehicle.plate_country")
            assert plate_country is not None  # noqa: S101 - the model requires it
            key = plate_key(plate_country, request.vehicle.plate)
            vehicle["plate"] = key
            asking.records("vehicle", "plate", key)
        asked["vehicle"] = vehicle
    if request.firearm is not None:
        serial = normalise_serial(request.firearm.serial, field="firearm.serial")
        asked["firearm"] = {"serial": serial}
        asking.records("firearm", "serial", serial_key(serial), asked=serial)
    if request.vessel is not None:
        vessel: dict[str, Any] = {}
        if request.vessel.imo is not None:
            vessel["imo"] = normalise_imo(request.vessel.imo, field="vessel.imo")
            asking.records("vessel", "imo", vessel["imo"])
        if request.vessel.mmsi is not None:
            vessel["mmsi"] = normalise_mmsi(request.vessel.mmsi, field="vessel.mmsi")
            asking.records("vessel", "mmsi", vessel["mmsi"])
        if request.vessel.name is not None:
            vessel["name"] = normalise_title(request.vessel.name)
            asking.records("vessel", "vessel_name", vessel["name"])
        asked["vessel"] = vessel
    if request.artwork is not None:
        title = normalise_title(request.artwork.title)
        asked["artwork"] = {"title": title}
        asking.records("artwork", "title", title)
