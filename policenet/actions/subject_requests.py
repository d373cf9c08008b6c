"""The rights of the people in the files: their requests recorded with a legal deadline,
assigned, searched for across every database, and decided; a deletion granted erases the
records named (``store.retention.erase``), and the audit log keeps the fact, not the content.

The data protection officers (``Right.HANDLE_SUBJECT_REQUESTS``) do all of it: they act for the
organisation's Commission for the Control of Files, which sees every file for the purpose.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.access import require, sees_every_file
from policenet.actions.fingerprints.searches import INDEX_SHORTLIST, SHORTLIST
from policenet.actions.retention import erase_records
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.dna import Stringency
from policenet.domain.errors import Conflict, InvalidInput, NotFound, PolicenetError
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.fingerprints import PrintKind
from policenet.domain.members import normalise_country
from policenet.domain.principals import Right, Role
from policenet.domain.subject_requests import (
    Outcome,
    RequestKind,
    RequestState,
    SubjectRequest,
    due_on,
)
from policenet.matching.dna import codis
from policenet.matching.persons import PartialDate, PersonQuery
from policenet.matching.persons import compare as compare_names
from policenet.matching.print_comparison import (
    REVERSE_THRESHOLD,
    Probe,
    comparable,
    compare,
    probe_codes,
    read_fingers,
    record_fingers,
    verdict,
)
from policenet.matching.records import document_key, prepare
from policenet.screening.print_cache import SearchCylinders
from policenet.screening.service import person_record
from policenet.store import audit, events, retention
from policenet.store import documents as document_store
from policenet.store import principals as principal_store
from policenet.store import records as record_store
from policenet.store import subject_requests as store

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.listing import Page, Window
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.subject_requests import (
        SubjectBiometrics,
        SubjectRequestAssign,
        SubjectRequestCreate,
        SubjectRequestDecision,
    )
    from policenet.domain.terms import RecordTerms
    from policenet.matching.dna import Genotypes
    from policenet.matching.print_comparison import Finger
    from policenet.screening.service import Screening

# A name matching this well is listed for the officer to judge.
SUBJECT_THRESHOLD = 0.80
SUBJECT_MATCHES = 50
# The loci a DNA profile must match on (moderate stringency) to be listed as the person's.
SUBJECT_DNA_LOCI = 8


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
    session: Session, actor: Principal, *, overdue: bool, today: date, window: Window
) -> Page[SubjectRequest]:
    """A page of the requests, soonest deadline first (the late ones only: ``overdue``)."""
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    found = store.listing(session, overdue_on=today if overdue else None, window=window)
    audit.append_by(
        session,
        actor,
        "subject_request.list",
        "requests",
        {"overdue": overdue, "count": len(found.items)},
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


@dataclass(frozen=True, slots=True)
class SubjectSearch:
    """What a search for a person in the files found, and its audit entry's detail."""

    matches: list[SubjectMatch]
    detail: dict[str, Any]


def record_search(
    session: Session, actor: Principal, request_id: int, detail: dict[str, Any]
) -> None:
    """Audit a search for a person (``find_subject``), with its count and what it was given."""
    audit.append_by(session, actor, "subject_request.search", f"request:{request_id}", detail)


def find_subject(
    session: Session,
    actor: Principal,
    request_id: int,
    screening: Screening,
    today: date,
    given: SubjectBiometrics | None = None,
) -> SubjectSearch:
    """Every record that may be the person's, across the databases: persons by name (the
    name engine, every spelling and script), those withdrawn or past review too (held until
    erased, though no check finds them); travel documents and the persons who hold them,
    withdrawn ones too, by the numbers the person gave; the fingerprints recorded as theirs; and,
    when the person gave them (``given``), the fingerprint records and marks their ten-print
    matches and the DNA profiles their reference profile matches. The search is audited with
    its count and what it was given, never the biometrics themselves (``record_search``,
    after: the search is a read, which may take seconds, and holds no write lock)."""
    require(actor, Right.HANDLE_SUBJECT_REQUESTS)
    prints, profile = _biometrics(given)
    found = store.get(session, request_id)
    if found is None:
        raise _not_found(request_id)
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
        match = compare_names(query, person_record(record))
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
        # The persons recorded as holding it, withdrawn or past review too.
        for record_id in record_store.held_under_key(
            session, ("person_doc", document_key(country, document["number"]))
        ):
            how = "holds the document"
            _keep(matches, session, Database.PERSONS, record_id, how, None, today)
    persons = [m.record_id for m in matches.values() if m.database is Database.PERSONS]
    for record_id, person_id in record_store.linked_to_persons(
        session, Database.FINGERPRINTS, persons
    ):
        how = f"fingerprints of persons/{person_id}"
        _keep(matches, session, Database.FINGERPRINTS, record_id, how, None, today)
    if prints is not None:
        for record_id, how in _by_fingerprints(session, actor, prints, screening, today):
            _keep(matches, session, Database.FINGERPRINTS, record_id, how, None, today)
    if profile is not None:
        for record_id, how in _by_dna(session, profile, screening, today):
            _keep(matches, session, Database.DNA, record_id, how, None, today)
    listed = sorted(matches.values(), key=lambda m: (-(m.score or 1.0), m.reference))
    detail: dict[str, Any] = {"found": len(listed)}
    if prints is not None:
        detail["fingerprints"] = len(prints.fingers)
    if profile is not None:
        detail["dna_loci"] = len(profile)
    return SubjectSearch(listed, detail)


def _given(field: str, entry: RecordTerms) -> dict[str, Any]:
    """A biometric the person gave, validated as a record would be; errors name the field."""
    try:
        return prepare(entry).data
    except PolicenetError as error:
        where = f"{field}.{error.field}" if error.field else field
        message = error.message.removeprefix(f"{error.field}: ")
        raise type(error)(f"{where}: {message}", code=error.code, field=where) from None


def _biometrics(given: SubjectBiometrics | None) -> tuple[Probe | None, Genotypes | None]:
    if given is None:
        return None, None
    prints = None
    if given.fingerprints is not None:
        if given.fingerprints.kind is not PrintKind.TENPRINT:
            raise InvalidInput(
                "The person's fingerprints are searched as a ten-print taken from them: send "
                "them with kind 'tenprint'.",
                code="subject_tenprint_required",
                field="fingerprints.kind",
            )
        data = _given("fingerprints", given.fingerprints)
        prints = Probe(PrintKind.TENPRINT, read_fingers(0, "fingerprints", data), None)
    profile = None
    if given.dna is not None:
        data = _given("dna", given.dna)
        profile = {locus: tuple(alleles) for locus, alleles in data["loci"].items()}
    return prints, profile


def _by_fingerprints(
    session: Session, actor: Principal, probe: Probe, screening: Screening, today: date
) -> list[tuple[int, str]]:
    """The fingerprint records the ten-print matches: ten-prints that a 1:1 verification
    would call a match, marks above the reverse-search threshold. Those answering checks are
    ranked as a search ranks them (the index, then one view compared, then all four on the
    best); those withdrawn or past review, which the index does not hold, compared in full."""
    source = SearchCylinders(probe.fingers)
    ranked = screening.search_prints(
        PrintKind.TENPRINT,
        probe_codes(probe.fingers, source),
        may_see=lambda _id, _terms: sees_every_file(actor),
        limit=INDEX_SHORTLIST,
    )
    first_pass = []
    for record, fingers in _readable(
        probe, record_store.answering(session, [r.record_id for r in ranked], today)
    ):
        score, _ = compare(probe, PrintKind(record.data["kind"]), fingers, views=1, source=source)
        if score > 0:
            first_pass.append((score, record, fingers))
    first_pass.sort(key=lambda item: -item[0])
    full = [(record, fingers) for _, record, fingers in first_pass[:SHORTLIST]]
    full += _readable(
        probe, record_store.resting_of_database(session, Database.FINGERPRINTS, today)
    )
    found = []
    for record, fingers in full:
        kind = PrintKind(record.data["kind"])
        score, pairs = compare(probe, kind, fingers, views=4, source=source)
        if kind is PrintKind.TENPRINT:
            judged = verdict(pairs)
            if judged.decision == "match":
                agree = sum(1 for pair in judged.fingers if pair["match"])
                found.append((record.id, f"fingerprints ({agree} fingers match)"))
        elif score >= REVERSE_THRESHOLD:
            found.append((record.id, f"fingerprints (a mark, score {score:.3f})"))
    return found


def _readable(probe: Probe, records: Iterable[Record]) -> list[tuple[Record, list[Finger]]]:
    """The records (not erased) whose fingers can be read and compared with the probe; one
    that cannot be read is logged by the index and the searches, and skipped here."""
    readable = []
    for record in records:
        if not record.data or not comparable(probe, record):
            continue
        try:
            readable.append((record, record_fingers(record)))
        except (binascii.Error, ValueError, KeyError, PolicenetError):
            continue
    return readable


def _by_dna(
    session: Session, profile: Genotypes, screening: Screening, today: date
) -> list[tuple[int, str]]:
    """The DNA profiles the reference profile matches at moderate stringency on at least
    ``SUBJECT_DNA_LOCI`` loci: in the index, and those withdrawn or past review."""
    found, _ = screening.dna.search(
        profile, Stringency.MODERATE, min_loci=SUBJECT_DNA_LOCI, limit=SUBJECT_MATCHES
    )
    matched = [(profile_id, compared) for profile_id, compared in found]
    for record in record_store.resting_of_database(session, Database.DNA, today):
        if not record.data:
            continue
        stored = {locus: tuple(alleles) for locus, alleles in record.data["loci"].items()}
        compared = codis(profile, stored, Stringency.MODERATE)
        if compared is not None and compared >= SUBJECT_DNA_LOCI:
            matched.append((record.id, compared))
    return [(i, f"DNA profile ({n} loci match)") for i, n in matched]


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
        why = f"a deletion decided on request {found.reference}"
        erase_records(session, actor, due, now, why=why, detail=lambda _: {"reason": why})
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
