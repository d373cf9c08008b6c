"""The one check: every database the caller may see, asked at once. Every check is audited, hit
or no hit, and every hit is kept for the checking bureau and told to the owner.

Exact keys (document numbers, VINs, plates, serials, IMO numbers …) are looked up in the
screening index first: a key it does not hold is answered without reading the database, which
is the answer to nearly every check. Names go through the person index, which drops records the
caller may not see before it ranks. A record the caller may not see is looked up, filtered and
audited like any other, and the answer is the one an unknown record gets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.access import may_learn_of, reads_content, require, sees_details
from policenet.actions.hits import check_events, new_hit
from policenet.actions.principals import authenticate
from policenet.domain.checks import (
    BatchCheckRequest,
    CheckFailure,
    CheckRequest,
    CheckResult,
    Hit,
    MatchKind,
)
from policenet.domain.clock import utcnow
from policenet.domain.documents import TravelDocument
from policenet.domain.errors import Forbidden, PolicenetError
from policenet.domain.hits import urgency_of
from policenet.domain.members import alpha2_from_icao
from policenet.domain.notices import NoticeRef, NoticeType
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
from policenet.store import audit, events, hits
from policenet.store import documents as document_store
from policenet.store import notices as notice_store
from policenet.store import principals as principal_store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.checks import PersonQueryInput
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
class _Found:
    """A record found for one part of a check, before access decides what the caller learns."""

    part: str
    database: Database
    record: TravelDocument | Record
    match: MatchKind
    score: float | None = None
    explanation: tuple[str, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class _Answer:
    result: CheckResult
    asked: dict[str, Any]
    hit_rows: list[dict[str, Any]] = field(default_factory=list)
    withheld: int = 0
    external_refs: list[str | None] = field(default_factory=list)


def _person_query(data: PersonQueryInput) -> PersonQuery:
    return PersonQuery(
        names=(data.name,),
        birth_date=birth_date(data.birth_date, "person.birth_date"),
        nationality=country(data.nationality, "person.nationality"),
        gender=None if data.sex in (None, "unknown") else data.sex,
    )


class _Asking:
    """One check being answered: the parts asked, the records found."""

    def __init__(
        self, session: Session, actor: Principal, screening: Screening, now: datetime
    ) -> None:
        self.session = session
        self.actor = actor
        self.screening = screening
        self.now = now
        self.today = now.date()
        self.found: list[_Found] = []
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
                    _Found(
                        part,
                        Database.TRAVEL_DOCUMENTS,
                        document,
                        MatchKind.LETTER_O_AS_ZERO if o_zero else MatchKind.EXACT,
                        note=_O_ZERO_NOTE.format(recorded=document.number) if o_zero else None,
                    )
                )
        if self.actor.can(Right.CHECK_RECORDS):
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
            self.found.append(_Found(part, record.database, record, match, note=note))

    def noticed(self, ids: list[int]) -> list[int]:
        """Those of these person records under a valid notice: they answer past review."""
        return [i for i in ids if self.screening.under_notice(i, self.now)]

    # --- names -----------------------------------------------------------------------------

    def persons(self, part: str, query: PersonQuery) -> None:
        def allowed(record_id: int, terms: PersonTerms) -> bool:
            # The subject of a published notice answers every member while it is valid.
            if self.screening.under_notice(record_id, self.now):
                return True
            return terms.review_date >= self.today and may_learn_of(
                self.actor, terms.owner_bureau_id, terms.owner_country, terms.visibility
            )

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
                    _Found(
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


def _ask(asking: _Asking, request: CheckRequest) -> None:
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
        if mrz.holder_name.strip(", ") and actor.can(Right.CHECK_RECORDS):
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
        query = _person_query(request.person)
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


def _visible(actor: Principal, found: _Found, asking: _Asking) -> bool:
    """Whether the caller may learn of the record (a person under notice: every member)."""
    record = found.record
    return may_learn_of(
        actor,
        record.owner_bureau_id,
        record.owner_country,
        record.visibility,
        under_notice=found.database is Database.PERSONS
        and asking.screening.under_notice(record.id, asking.now),
    )


def _notices_on(asking: _Asking) -> dict[int, tuple[NoticeRef, ...]]:
    """The published notices on the persons found: read only when the index says one is."""
    ids = [
        f.record.id
        for f in asking.found
        if f.database is Database.PERSONS and asking.screening.under_notice(f.record.id, asking.now)
    ]
    if not ids:
        return {}
    found = notice_store.active_on_persons(asking.session, ids, asking.now)
    return {pid: tuple(NoticeRef.of(n) for n in ns) for pid, ns in found.items()}


def _answer(
    session: Session,
    actor: Principal,
    request: CheckRequest,
    screening: Screening,
    place: str | None,
    now: datetime,
) -> _Answer:
    asking = _Asking(session, actor, screening, now)
    _ask(asking, request)
    on_notice = _notices_on(asking)
    reference = uuid.uuid4().hex
    details = sees_details(actor)
    result_hits: list[Hit] = []
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Database, int]] = set()
    withheld = 0
    external_refs: list[str | None] = []
    for found in asking.found:
        record = found.record
        if (found.database, record.id) in seen:
            continue
        seen.add((found.database, record.id))
        if not _visible(actor, found, asking):
            withheld += 1
            continue
        hit_reference = uuid.uuid4().hex
        named = on_notice.get(record.id, ()) if found.database is Database.PERSONS else ()
        urgency, urgency_reason = urgency_of(
            found.database,
            record.data if isinstance(record, Record) else None,
            tuple(n.reference for n in named if n.type is NoticeType.RED),
        )
        # Seen only through its notice, the record itself stays the owner's to share: the
        # caller learns the hit, its owner and the notice (which every member may read).
        full = may_learn_of(
            actor, record.owner_bureau_id, record.owner_country, record.visibility
        ) and reads_content(actor, record.owner_bureau_id, record.disclosure)
        result_hits.append(
            Hit(
                reference=hit_reference,
                database=found.database,
                part=found.part,
                disclosure=record.disclosure,
                owner_bureau_id=record.owner_bureau_id if details else None,
                match=found.match if full else None,
                score=found.score if full else None,
                explanation=found.explanation if full else (),
                note=found.note if full else None,
                reported_at=(
                    (
                        record.reported_at
                        if isinstance(record, TravelDocument)
                        else record.entered_at
                    )
                    if full
                    else None
                ),
                record=record if full else None,
                notices=named if details else (),
            )
        )
        rows.append(
            new_hit(
                actor,
                record,
                database=found.database,
                check_reference=reference,
                match=found.match.value,
                score=found.score,
                asked={found.part: asking.asked.get(found.part.removesuffix("_holder"))},
                place=place,
                now=now,
                urgency=urgency,
                urgency_reason=urgency_reason,
                notices=[n.as_json() for n in named],
                reference=hit_reference,
            )
        )
        external_refs.append(record.external_ref)
    result = CheckResult(
        reference=reference,
        checked_at=now,
        asked=dict(asking.asked),
        hits=result_hits,
        notes=asking.notes,
    )
    return _Answer(result, asking.asked, rows, withheld, external_refs)


def _audit_detail(answer: _Answer, place: str | None) -> dict[str, Any]:
    return {
        "reference": answer.result.reference,
        "asked": answer.asked,
        "place": place,
        "answered": {
            "hit": answer.result.hit,
            "hits": [
                {"database": r["database"], "record": r["record_id"]} for r in answer.hit_rows
            ],
        },
        "withheld": answer.withheld,
    }


def keep_hits(
    session: Session,
    actor: Principal,
    rows: list[dict[str, Any]],
    external_refs: list[str | None],
    now: datetime,
) -> None:
    """Store the hits and, in the same transaction, alert their owners and the checking side."""
    if not rows:
        return
    hits.add_many(session, rows)
    agency = None
    if actor.agency_id is not None:
        found = principal_store.get_agency(session, actor.agency_id)
        agency = None if found is None else found.name
    events.publish(
        session,
        [
            event
            for row, ref in zip(rows, external_refs, strict=True)
            for event in check_events(row, actor, agency=agency, external_ref=ref)
        ],
        now,
    )


def check(
    session: Session,
    actor: Principal,
    request: CheckRequest,
    screening: Screening,
    *,
    now: datetime | None = None,
    most_to_file: int | None = None,
) -> CheckResult:
    """Answer a check from every database the actor may see; audit it, keep its hits and
    alert their owners. ``now`` is the hub's clock (tests and the demo set it).
    ``most_to_file``: raise ``screening.service.Behind`` rather than file more changed rows
    than that into the indexes first (a check answered on the event loop)."""
    now = now or utcnow()
    screening.refresh(session, most=most_to_file)
    answer = _answer(session, actor, request, screening, request.place, now)
    keep_hits(session, actor, answer.hit_rows, answer.external_refs, now)
    audit.append_by(session, actor, "check", "checks", _audit_detail(answer, request.place))
    return answer.result


def check_batch(
    session: Session, actor: Principal, batch: BatchCheckRequest, screening: Screening
) -> list[CheckResult | CheckFailure]:
    """Answer up to 1,000 checks in order; a check that cannot be asked is answered with its
    error and the others still are. One audit entry lists them all."""
    now = utcnow()
    screening.refresh(session)
    answers: list[CheckResult | CheckFailure] = []
    details: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    external_refs: list[str | None] = []
    for index, request in enumerate(batch.checks):
        place = request.place or batch.place
        try:
            answer = _answer(session, actor, request, screening, place, now)
        except PolicenetError as error:
            if isinstance(error, Forbidden):
                raise
            answers.append(
                CheckFailure(
                    code=error.code,
                    message=f"Check {index}: {error}",
                    field=None if error.field is None else f"checks.{index}.{error.field}",
                )
            )
            details.append({"failed": error.code})
            continue
        answers.append(answer.result)
        details.append(_audit_detail(answer, place))
        rows.extend(answer.hit_rows)
        external_refs.extend(answer.external_refs)
    keep_hits(session, actor, rows, external_refs, now)
    audit.append_by(session, actor, "check.batch", "checks", {"checks": details})
    return answers


def check_with_token(
    session: Session,
    token: str,
    request: CheckRequest,
    screening: Screening,
    *,
    most_to_file: int | None = None,
) -> tuple[Principal, CheckResult]:
    """``check`` by the principal behind ``token``, authenticated in the check's own
    transaction (the hot path: one transaction, not two)."""
    actor = authenticate(session, token)
    return actor, check(session, actor, request, screening, most_to_file=most_to_file)


def check_batch_with_token(
    session: Session, token: str, batch: BatchCheckRequest, screening: Screening
) -> tuple[Principal, list[CheckResult | CheckFailure]]:
    """``check_batch`` by the principal behind ``token``, in the batch's own transaction."""
    actor = authenticate(session, token)
    return actor, check_batch(session, actor, batch, screening)
