"""Records of persons, vehicles, works of art, firearms and vessels: record, change, renew and
withdraw, by the owner bureau only; read by whoever the owner lets see them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from policenet.access import may_learn_of_record, may_read_record, record_shown, require
from policenet.actions.documents import owner_only, review_date_from, visibility_from
from policenet.actions.fingerprints import reverse_search
from policenet.actions.verbs import refused
from policenet.actions.watches import tell_watchers
from policenet.domain.clock import utcnow
from policenet.domain.errors import Conflict, Forbidden, InvalidInput
from policenet.domain.fingerprints import FingerprintEntry, ReceivedFile
from policenet.domain.members import ncb_id
from policenet.domain.principals import Principal, Right
from policenet.domain.records import ENTRY_MODELS, Database, Record, record_not_found
from policenet.matching.records import Prepared, prepare
from policenet.store import audit, feed, notices, registry
from policenet.store import fingerprints as fingerprint_files
from policenet.store import records as store

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.domain.shown import RecordShown
    from policenet.domain.terms import RecordTerms


def owner_bureau(session: Session, actor: Principal) -> str:
    """The NCB that owns what the actor records: its own country's (agencies record for it)."""
    if actor.country is None:
        raise Forbidden(
            "The General Secretariat does not own records in the police databases: a member "
            "country's bureau records them.",
            code="not_a_member_bureau",
        )
    bureau = registry.get_bureau(session, ncb_id(actor.country))
    assert bureau is not None  # noqa: S101 - every member has its NCB seeded
    return bureau.id


def new_record(
    entry: RecordTerms, prepared: Prepared, bureau_id: str, actor: Principal
) -> store.NewRecord:
    assert actor.country is not None  # noqa: S101 - owner_bureau refused the GS before
    return store.NewRecord(
        database=getattr(type(entry), "database"),  # noqa: B009 - each model's ClassVar
        owner_bureau_id=bureau_id,
        owner_country=actor.country,
        external_ref=entry.external_ref,
        disclosure=entry.disclosure,
        visibility=visibility_from(entry.visibility),
        review_date=review_date_from(entry.review_date),
        data=prepared.data,
        entered_by=actor.id,
        keys=prepared.keys,
        files=prepared.files,
    )


def _summary(record: Record) -> dict[str, Any]:
    return {
        "database": record.database,
        "external_ref": record.external_ref,
        "disclosure": record.disclosure,
        "visibility": record.visibility.scope,
        "review_date": record.review_date.isoformat(),
    }


def record_entry(session: Session, actor: Principal, entry: RecordTerms) -> RecordShown:
    """Record a person, vehicle, work of art, firearm or vessel for the actor's bureau;
    returns the record as its owner sees it, with notes on its identifiers (a VIN that cannot
    be validated)."""
    require(actor, Right.RECORD_RECORDS)
    bureau_id = owner_bureau(session, actor)
    _check_person(session, bureau_id, entry)
    prepared = prepare(entry)
    new = new_record(entry, prepared, bureau_id, actor)
    try:
        record = store.add(session, new)
    except store.DuplicateRecord:
        raise Conflict(
            f"Your bureau already holds a {new.database} record with the reference "
            f"{entry.external_ref!r}: change that record instead, or use another reference.",
            code="external_ref_taken",
            field="external_ref",
        ) from None
    audit.append_by(session, actor, "record.enter", f"record:{record.id}", _summary(record))
    feed.changed(session, feed.RECORDS, record.id)
    if record.database is Database.FINGERPRINTS:
        # Unsolved marks are searched against every new ten-print; only their owners are told
        # (the recorder learns nothing of other bureaus' marks).
        reverse_search(session, actor, record, utcnow())
    return record_shown(actor, record, utcnow().date(), prepared.notes)


def _check_person(session: Session, bureau_id: str, entry: RecordTerms) -> None:
    """A fingerprint record names a person record of the same bureau, active, or none."""
    person_id = entry.person_id if isinstance(entry, FingerprintEntry) else None
    if person_id is None:
        return
    person = store.get_active(session, person_id, Database.PERSONS)
    if person is None or person.owner_bureau_id != bureau_id:
        raise InvalidInput(
            f"No active person record {person_id} of your bureau: record the person first "
            "(POST /v1/persons) and give its id, or leave 'person_id' out.",
            code="person_not_found",
            field="person_id",
        )


def _owned(session: Session, actor: Principal, database: Database, record_id: int) -> Record:
    """The record, locked for change, if the actor's bureau owns it and it is active."""
    require(actor, Right.RECORD_RECORDS)
    record = store.get(session, record_id)
    if (
        record is None
        or record.database is not database
        or not may_learn_of_record(actor, record, utcnow().date())
    ):
        raise record_not_found(database, record_id)
    name = f"{database} record {record_id}"
    owner_only(actor, record.owner_bureau_id, name, "change, renew or withdraw")
    locked = store.get(session, record_id, for_update=True)
    assert locked is not None  # noqa: S101 - records are withdrawn, never deleted
    if locked.withdrawn_at is not None:
        raise Conflict(f"{name} was withdrawn and can no longer change.", code="record_withdrawn")
    return locked


def entry_of(record: Record) -> dict[str, Any]:
    """The record as an entry a bureau would send (content and terms), for merging changes."""
    return {
        **record.data,
        "external_ref": record.external_ref,
        "disclosure": record.disclosure,
        "visibility": {
            "scope": record.visibility.scope,
            "countries": sorted(record.visibility.countries),
        },
        "review_date": record.review_date,
    }


def validation_error(exc: ValidationError, prefix: str = "") -> InvalidInput:
    """The first of pydantic's errors as the hub's one error shape."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return InvalidInput(
        f"{prefix}{where}: {first['msg']}.", code="invalid_input", field=where or None
    )


def update_record(
    session: Session, actor: Principal, database: Database, record_id: int, changes: dict[str, Any]
) -> RecordShown:
    """The owner changes fields of its record: the changed record is validated whole again."""
    before = _owned(session, actor, database, record_id)
    if not changes:
        raise InvalidInput("Nothing to change: give at least one field.", code="no_changes")
    derived = {"vin_validated", "mixture_inferred"}
    merged = {k: v for k, v in entry_of(before).items() if k not in derived} | changes
    if database is Database.FINGERPRINTS:
        _fingerprint_changes(merged, changes)
    if "review_date" in changes and changes["review_date"] is None:
        raise InvalidInput(
            "The review date cannot be emptied: renew the record to move it.",
            code="invalid_input",
            field="review_date",
        )
    try:
        entry = ENTRY_MODELS[database].model_validate(merged)
    except ValidationError as exc:
        raise validation_error(exc) from None
    _check_person(session, before.owner_bureau_id, entry)
    prepared = prepare(entry)
    visibility = visibility_from(entry.visibility)
    columns: dict[str, Any] = {
        "data": prepared.data,
        "external_ref": entry.external_ref,
        "disclosure": entry.disclosure.value,
        "visibility": visibility.scope.value,
        "visibility_countries": sorted(visibility.countries),
    }
    if "review_date" in changes:
        columns["review_date"] = review_date_from(entry.review_date)
    try:
        record = store.update_record(session, record_id, columns, prepared.keys)
    except store.DuplicateRecord:
        raise Conflict(
            f"Your bureau already holds a {database} record with the reference "
            f"{entry.external_ref!r}: choose another reference.",
            code="external_ref_taken",
            field="external_ref",
        ) from None
    if database is Database.FINGERPRINTS:
        _keep_files(session, before, record, prepared.files, changes)
    audit.append_by(
        session,
        actor,
        "record.update",
        f"record:{record_id}",
        {"database": database, "changed": sorted(changes)},
    )
    feed.changed(session, feed.RECORDS, record_id)
    return record_shown(actor, record, utcnow().date(), prepared.notes)


def _fingerprint_changes(merged: dict[str, Any], changes: dict[str, Any]) -> None:
    """A new transaction replaces the fingers and the descriptive text it came with; a
    finger's index code is made again from its template, never taken as given."""
    if "transaction" in changes:
        if "fingers" in changes:
            raise InvalidInput(
                "Give the new 'fingers' or a new 'transaction', not both.",
                code="invalid_input",
                field="transaction",
            )
        merged.pop("fingers", None)
        if "descriptive" not in changes:
            merged.pop("descriptive", None)
    if isinstance(merged.get("fingers"), list):
        merged["fingers"] = [
            {k: v for k, v in f.items() if k != "code"} if isinstance(f, dict) else f
            for f in merged["fingers"]
        ]


# A change to any of these makes a received transaction say something the record no longer
# says: it is no longer given back (one is written from the record instead).
_TRANSACTION_CONTENT = frozenset(
    {"fingers", "transaction", "descriptive", "case_ref", "person_id", "kind", "external_ref"}
)


def _keep_files(
    session: Session,
    before: Record,
    after: Record,
    received: tuple[ReceivedFile, ...],
    changes: dict[str, Any],
) -> None:
    """The files of a fingerprint record after a change: what came with the change, and the
    images of the fingers sent again unchanged (an image is never sent back out in
    ``fingers``, so it could not be sent again)."""
    if not _TRANSACTION_CONTENT & changes.keys():
        return
    if "transaction" in changes:
        fingerprint_files.replace_files(session, after.id, received)
    elif "fingers" in changes:
        images = {f.finger: f for f in fingerprint_files.files_of(session, after.id, "image")}
        files = list(received)
        sent = {f.finger for f in files}
        old = [f["template"] for f in before.data.get("fingers", [])]
        for number, finger in enumerate(after.data.get("fingers", [])):
            if number in sent or finger["template"] not in old:
                continue
            image = images.get(old.index(finger["template"]))
            if image is not None:
                files.append(replace(image, finger=number))
        fingerprint_files.replace_files(session, after.id, files)
    else:
        fingerprint_files.drop_files(session, after.id, "transaction")


def renew_record(
    session: Session, actor: Principal, database: Database, record_id: int, until: date | None
) -> RecordShown:
    """The owner renews its record: it answers checks until the new review date."""
    _owned(session, actor, database, record_id)
    review = review_date_from(until)
    record = store.renew(session, record_id, review)
    audit.append_by(
        session,
        actor,
        "record.renew",
        f"record:{record_id}",
        {"database": database, "review_date": review.isoformat()},
    )
    feed.changed(session, feed.RECORDS, record_id)
    return record_shown(actor, record, utcnow().date())


def withdraw_record(
    session: Session, actor: Principal, database: Database, record_id: int, reason: str
) -> RecordShown:
    """The owner withdraws its record: it stops answering checks, and its history stays.
    A person under a published notice stays until the notice is cancelled."""
    _owned(session, actor, database, record_id)
    if database is Database.PERSONS:
        on = notices.active_on_persons(session, [record_id], utcnow()).get(record_id)
        if on:
            raise Conflict(
                f"Person record {record_id} is the subject of notice {on[0].reference}: cancel "
                "the notice first (POST /v1/notices/{id}/transitions with to 'cancelled'), "
                "then withdraw the record.",
                code="record_under_notice",
            )
    record = store.update_record(
        session, record_id, {"withdrawn_at": utcnow(), "withdrawal_reason": reason}
    )
    audit.append_by(
        session,
        actor,
        "record.withdraw",
        f"record:{record_id}",
        {"database": database, "reason": reason},
    )
    feed.changed(session, feed.RECORDS, record_id)
    return record_shown(actor, record, utcnow().date())


def read_record(
    session: Session, actor: Principal, database: Database, record_id: int
) -> RecordShown:
    """A record the actor may read in full (its owner's, or a ``full`` one it may learn of),
    as shown to it; any other is not found. The attempt is audited either way."""
    now = utcnow()
    record = readable_record(session, actor, database, record_id)
    tell_watchers(session, actor, database, record, "read", now)
    return record_shown(actor, record, now.date())


def readable_record(
    session: Session, actor: Principal, database: Database, record_id: int
) -> Record:
    """The stored record behind ``read_record``, for the verbs that read more of it (its
    fingerprint images); the same refusal and the same audit entry."""
    require(actor, Right.CHECK_RECORDS)
    record = store.get(session, record_id)
    if (
        record is None
        or record.database is not database
        or not may_read_record(actor, record, utcnow().date())
    ):
        raise refused(
            record_not_found(database, record_id),
            actor,
            "record.read",
            f"record:{record_id}",
            {"database": database},
        )
    audit.append_by(
        session, actor, "record.read", f"record:{record_id}", {"database": database, "shown": True}
    )
    return record
