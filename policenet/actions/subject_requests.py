"""The rights of the people in the files: their requests recorded with a legal deadline,
assigned, searched for across every database, and decided; a deletion granted erases the
records named (``store.retention.erase``), and the audit log keeps the fact, not the content.

The data protection officers (``Right.HANDLE_SUBJECT_REQUESTS``) do all of it: they act for the
organisation's Commission for the Control of Files, which sees every file for the purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.access import require, sees_every_file
from policenet.actions.retention import changed, subject_of
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.errors import Conflict, InvalidInput, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.members import normalise_country
from policenet.domain.principals import Right, Role
from policenet.domain.subject_requests import (
    Outcome,
    RequestKind,
    RequestState,
    SubjectRequest,
    due_on,
)
from policenet.matching.persons import PartialDate, PersonQuery, compare
from policenet.matching.records import document_key
from policenet.screening.service import person_record
from policenet.store import audit, events, retention
from policenet.store import documents as document_store
from policenet.store import principals as principal_store
from policenet.store import records as record_store
from policenet.store import subject_requests as store

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.subject_requests import (
        SubjectRequestAssign,
        SubjectRequestCreate,
        SubjectRequestDecision,
    )
    from policenet.screening.service import Screening

# A name matching this well is listed for the officer to judge.
SUBJECT_THRESHOLD = 0.80
SUBJECT_MATCHES = 50


@dataclass(frozen=True, slots=True)
class SubjectMatch:
    """A record that may be the person's, for the officer to judge."""

    reference: str  # database/id
    database: Database
    record_id: int
    owner_bureau_id: str
    how: str
    score: float | None


def _not_found(request_id: int) -> NotFound:
    return NotFound(
        f"No request {request_id}: GET /v1/data-protection/requests lists them.",
        code="subject_request_not_found",
    )


def _decided(found: SubjectRequest) -> Conflict:
    return Conflict(
        f"Request {found.reference} is decided already: record a new request.",
        code="subject_request_decided",
    )


def record_request(
    session: Session, actor: Principal, data: SubjectRequestCreate, now: datetime
) -> SubjectRequest:
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    if data.received_on > now.date():
        raise InvalidInput(
            "A request cannot be received in the future: give the day it arrived.",
            code="date_in_future",
            field="received_on",
        )
    made = store.add(
        session,
        kind=data.kind,
        subject=data.subject.model_dump(mode="json"),
        requester=data.requester,
        details=data.details,
        received_on=data.received_on,
        due_on=due_on(data.kind, data.received_on),
        created_by=actor.id,
        at=now,
    )
    # The log names the request, not the person it is about.
    detail = {"kind": made.kind.value, "due_on": made.due_on.isoformat()}
    audit.append_by(session, actor, "subject_request.record", f"request:{made.id}", detail)
    return made


def list_requests(
    session: Session, actor: Principal, *, overdue: bool, today: date, limit: int
) -> list[SubjectRequest]:
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    found = store.listing(session, overdue_on=today if overdue else None, limit=limit)
    audit.append_by(
        session,
        actor,
        "subject_request.list",
        "requests",
        {"overdue": overdue, "count": len(found)},
    )
    return found


def read_request(session: Session, actor: Principal, request_id: int) -> SubjectRequest:
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    found = store.get(session, request_id)
    if found is None:
        raise _not_found(request_id)
    audit.append_by(session, actor, "subject_request.read", f"request:{request_id}", {})
    return found


def assign_request(
    session: Session, actor: Principal, request_id: int, data: SubjectRequestAssign
) -> SubjectRequest:
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    found = store.get(session, request_id, for_update=True)
    if found is None:
        raise _not_found(request_id)
    if found.state is RequestState.DECIDED:
        raise _decided(found)
    target = principal_store.get_principal(session, data.principal_id)
    if target is None or target.role is not Role.DATA_PROTECTION:
        raise InvalidInput(
            f"Principal {data.principal_id} is not a data protection officer: assign the "
            "request to one.",
            code="not_a_data_protection_officer",
            field="principal_id",
        )
    assigned = store.update(
        session, request_id, assigned_to=target.id, state=RequestState.ASSIGNED.value
    )
    audit.append_by(
        session, actor, "subject_request.assign", f"request:{request_id}", {"to": target.id}
    )
    return assigned


def search_subject(
    session: Session, actor: Principal, request_id: int, screening: Screening, today: date
) -> list[SubjectMatch]:
    """Every record that may be the person's, across the databases: persons by name (the
    name engine, every spelling and script), those withdrawn or past review too (held until
    erased, though no check finds them); travel documents, withdrawn ones too, and the persons
    who hold them, by the numbers the person gave; and the fingerprints recorded as theirs.
    The search is audited with its count."""
    found = read_request(session, actor, request_id)
    subject = found.subject
    screening.refresh(session)
    matches: dict[str, SubjectMatch] = {}
    birth = subject.get("birth_date")
    query = PersonQuery(
        names=(subject["name"], *subject.get("other_names", [])),
        birth_date=None if birth is None else PartialDate.parse(str(birth)),
    )
    named = screening.search_persons(
        query,
        may_see=lambda _id, _terms: sees_every_file(actor),
        limit=SUBJECT_MATCHES,
        threshold=SUBJECT_THRESHOLD,
    )
    for match in named:
        _keep(
            matches,
            session,
            Database.PERSONS,
            int(match.record_id),
            f"name {match.matched_name!r}",
            match.score,
            today,
        )
    # Withdrawn or past review: held until erased, but not in the index, which holds what
    # answers checks. Read and scored here (a request is rare; its search may take seconds).
    for record in record_store.resting_of_database(session, Database.PERSONS, today):
        match = compare(query, person_record(record))
        if match.score >= SUBJECT_THRESHOLD:
            how = f"name {match.matched_name!r}"
            _keep(matches, session, Database.PERSONS, record.id, how, match.score, today)
    for document in subject.get("documents", []):
        country = normalise_country(document["issuing_country"]) or document["issuing_country"]
        # Withdrawn or past its review date too: a record is held until it is erased.
        for held in document_store.held_under_number(
            session, issuing_country=country, number=document["number"]
        ):
            _keep(matches, session, Database.TRAVEL_DOCUMENTS, held, "document number", None, today)
        for record_id in screening.record_candidates(
            "person_doc", document_key(country, document["number"])
        ):
            how = "holds the document"
            _keep(matches, session, Database.PERSONS, record_id, how, None, today)
    persons = [m.record_id for m in matches.values() if m.database is Database.PERSONS]
    for record_id, person_id in record_store.linked_to_persons(
        session, Database.FINGERPRINTS, persons
    ):
        how = f"fingerprints of persons/{person_id}"
        _keep(matches, session, Database.FINGERPRINTS, record_id, how, None, today)
    listed = sorted(matches.values(), key=lambda m: (-(m.score or 1.0), m.reference))
    audit.append_by(
        session, actor, "subject_request.search", f"request:{request_id}", {"found": len(listed)}
    )
    return listed


def _keep(
    matches: dict[str, SubjectMatch],
    session: Session,
    database: Database,
    record_id: int,
    how: str,
    score: float | None,
    today: date,
) -> None:
    """Keep a record found, once, saying when it answers no check any more (withdrawn, or
    past its review date); an erased one, of which nothing of the person is left, not."""
    reference = f"{database.value}/{record_id}"
    if reference in matches:
        return
    held: TravelDocument | Record | None
    if database is Database.TRAVEL_DOCUMENTS:
        held = document_store.get(session, record_id)
    else:
        held = record_store.get(session, record_id)
        if held is not None and not held.data:
            return
    if held is None:
        return
    if held.withdrawn_at is not None:
        how += " (withdrawn)"
    elif held.review_date is not None and held.review_date < today:
        how += " (past review)"
    matches[reference] = SubjectMatch(
        reference,
        database,
        record_id,
        held.owner_bureau_id,
        how,
        None if score is None else round(score, 3),
    )


def decide_request(
    session: Session,
    actor: Principal,
    request_id: int,
    decision: SubjectRequestDecision,
    now: datetime,
) -> SubjectRequest:
    """Decide a request with its reason; a deletion granted (wholly or partly) erases the
    records named."""
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    found = store.get(session, request_id, for_update=True)
    if found is None:
        raise _not_found(request_id)
    if found.state is RequestState.DECIDED:
        raise _decided(found)
    erasing = decision.outcome is not Outcome.REFUSED and found.kind is RequestKind.DELETION
    if decision.erase and not erasing:
        raise InvalidInput(
            "Records are erased only for a deletion request granted: leave 'erase' out.",
            code="erase_not_granted",
            field="erase",
        )
    due = [_erasable(session, reference) for reference in decision.erase]
    if due:
        retention.erase(session, due, now)
        changed(session, due)
        why = f"a deletion decided on request {found.reference}"
        audit.append_many(
            session,
            [
                (
                    actor.id,
                    actor.country,
                    "record.erased",
                    subject_of(d),
                    {"database": d.database.value, "owner": d.owner_bureau_id, "reason": why},
                )
                for d in due
            ],
        )
        owners: dict[str, list[str]] = {}
        for d in due:
            owners.setdefault(d.owner_bureau_id, []).append(f"{d.database.value}/{d.id}")
        events.publish(
            session,
            [
                NewEvent(
                    owner,
                    EventKind.RECORDS_ERASED,
                    f"request:{found.id}",
                    Classification.RESTRICTED,
                    {"records": listed, "why": why},
                )
                for owner, listed in owners.items()
            ],
            now,
        )
    decided = store.update(
        session,
        request_id,
        state=RequestState.DECIDED.value,
        outcome=decision.outcome.value,
        reason=decision.reason,
        decided_at=now,
        decided_by=actor.id,
        erased=[f"{d.database.value}/{d.id}" for d in due],
    )
    audit.append_by(
        session,
        actor,
        "subject_request.decide",
        f"request:{request_id}",
        {"outcome": decision.outcome.value, "erased": len(due)},
    )
    return decided


def _erasable(session: Session, reference: str) -> retention.Due:
    name, _, number = reference.partition("/")
    try:
        database, record_id = Database(name), int(number)
    except ValueError:
        raise InvalidInput(
            f"{reference!r} names no record: give them as the search lists them ('persons/42').",
            code="erase_reference_invalid",
            field="erase",
        ) from None
    if database is Database.TRAVEL_DOCUMENTS:
        document = document_store.get(session, record_id)
        held = (
            None
            if document is None
            else (document.owner_bureau_id, document.external_ref, document.review_date)
        )
    else:
        record = record_store.get(session, record_id)
        held = (
            None
            if record is None or record.database is not database
            else (record.owner_bureau_id, record.external_ref, record.review_date)
        )
    if held is None or held[2] is None:
        raise InvalidInput(
            f"No record {reference}: give them as the search lists them.",
            code="erase_reference_invalid",
            field="erase",
        )
    return retention.Due(database, record_id, held[0], held[1], held[2])
