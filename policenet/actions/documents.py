"""Stolen and lost travel documents: record, update and withdraw, by the owner bureau only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access import (
    document_shown,
    is_owner,
    may_learn_of_record,
    may_read_record,
    require,
)
from policenet.actions.verbs import refused
from policenet.actions.watches import tell_watchers
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.document_numbers import normalise_number
from policenet.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from policenet.domain.members import member_codes, ncb_id, normalise_country
from policenet.domain.principals import Principal, Right
from policenet.domain.terms import REVIEW_YEARS, review_date_after
from policenet.domain.visibility import Visibility, VisibilityScope
from policenet.store import audit, feed
from policenet.store import documents as store

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.domain.documents import (
        DocumentChanges,
        DocumentReport,
        TravelDocument,
    )
    from policenet.domain.shown import DocumentShown
    from policenet.domain.terms import VisibilityInput


def visibility_from(data: VisibilityInput) -> Visibility:
    """Validate an owner's restriction: listed countries must be members, and fit the scope."""
    codes = {normalise_country(c) or c for c in data.countries}
    unknown = sorted(c for c in codes if c not in member_codes())
    if unknown:
        raise InvalidInput(
            f"Not member countries: {', '.join(unknown)}. List members by ISO alpha-2 code.",
            code="country_unknown",
            field="visibility.countries",
        )
    if data.scope is VisibilityScope.ALL and codes:
        raise InvalidInput(
            "A record visible to all members lists no countries: choose only_listed or "
            "all_but_listed to restrict it, or leave the list empty.",
            code="visibility_invalid",
            field="visibility.countries",
        )
    return Visibility(scope=data.scope, countries=frozenset(codes))


def review_date_from(
    given: date | None, field: str = "review_date", *, today: date | None = None
) -> date:
    """The review date an owner asks for, or the default; never past, never beyond 5 years."""
    today = today or utcnow().date()
    latest = review_date_after(today)
    if given is None:
        return latest
    if given <= today:
        raise InvalidInput(
            f"Review date {given} is not after today: give a future date, or leave it out for "
            f"{latest}.",
            code="review_date_invalid",
            field=field,
        )
    if given > latest:
        raise InvalidInput(
            f"Review date {given} is more than {REVIEW_YEARS} years away: records are reviewed "
            f"at least every {REVIEW_YEARS} years; give {latest} or earlier.",
            code="review_date_invalid",
            field=field,
        )
    return given


def _not_future(value: date | None, field: str, today: date | None = None) -> None:
    if value is not None and value > (utcnow().date() if today is None else today):
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()} {value} is in the future: give the date "
            "it happened.",
            code="date_in_future",
            field=field,
        )


def _public(document: TravelDocument) -> dict[str, Any]:
    return {
        "issuing_country": document.issuing_country,
        "document_type": document.document_type,
        "number": document.number,
        "status": document.status,
    }


def new_document(
    data: DocumentReport,
    actor: Principal,
    *,
    today: date,
    restriction: Callable[[VisibilityInput], Visibility] = visibility_from,
) -> store.NewDocument:
    """The record a bureau's report of a document becomes, or the error that refuses it.

    The one rule for a new record, whether it comes through the API or in an imported file,
    so that the same bad report gets the same code and sentence both ways: the issuing country
    must be a country and the actor's own (the NCB of that country owns the record), the dates
    not in the future, the number valid, the restriction and the review date allowed. An
    import passes ``restriction`` to validate each restriction of a file once."""
    issuing = normalise_country(data.issuing_country)
    if issuing is None:
        raise InvalidInput(
            f"{data.issuing_country!r} is not a country code: give the ISO alpha-2 or alpha-3 "
            "code of the issuing country.",
            code="country_unknown",
            field="issuing_country",
        )
    if actor.country is None or issuing != actor.country:
        raise Forbidden(
            f"A bureau records documents issued by its own country: "
            f"{actor.country or 'the General Secretariat'} cannot record a document issued by "
            f"{issuing}. Ask the NCB of {issuing} to record it.",
            code="not_own_country",
            field="issuing_country",
        )
    _not_future(data.event_date, "event_date", today)
    _not_future(data.holder_birth_date, "holder_birth_date", today)
    number = normalise_number(data.number)
    return store.NewDocument(
        owner_bureau_id=ncb_id(issuing),
        owner_country=issuing,
        issuing_country=issuing,
        document_type=data.document_type,
        number=number,
        status=data.status,
        event_date=data.event_date,
        holder_name=data.holder_name,
        holder_birth_date=data.holder_birth_date,
        visibility=restriction(data.visibility),
        reported_by=actor.id,
        review_date=review_date_from(data.review_date, today=today),
        disclosure=data.disclosure,
        external_ref=data.external_ref,
    )


def record_document(session: Session, actor: Principal, data: DocumentReport) -> DocumentShown:
    """Record a document of the actor's own country; the bureau of that country owns it."""
    require(actor, Right.RECORD_DOCUMENTS)
    new = new_document(data, actor, today=utcnow().date())
    try:
        document = store.add(session, new)
    except store.DuplicateDocument:
        if data.external_ref is not None and store.by_refs(
            session, new.owner_bureau_id, [data.external_ref]
        ):
            raise Conflict(
                f"Your bureau already holds a travel document with the reference "
                f"{data.external_ref!r}: change that record instead, or use another reference.",
                code="external_ref_taken",
                field="external_ref",
            ) from None
        existing = store.find_active(
            session,
            issuing_country=new.issuing_country,
            document_type=new.document_type,
            number=new.number,
        )
        raise Conflict(
            f"{new.document_type} {new.number} of {new.issuing_country} is already recorded"
            + ("" if existing is None else f" as record {existing.id}")
            + ": update that record instead, or withdraw it first.",
            code="document_already_recorded",
        ) from None
    audit.append_by(
        session,
        actor,
        "document.record",
        f"travel_document:{document.id}",
        {
            **_public(document),
            "visibility": document.visibility.scope,
            "disclosure": document.disclosure,
            "review_date": str(document.review_date),
        },
    )
    feed.changed(session, feed.TRAVEL_DOCUMENTS, document.id)
    return document_shown(actor, document)


def document_not_found(document_id: int) -> NotFound:
    """The one answer for a record that does not exist and for one the caller may not see."""
    return NotFound(
        f"No travel document {document_id} that you may see.", code="document_not_found"
    )


def _owned(session: Session, actor: Principal, document_id: int) -> TravelDocument:
    """The record, locked for change, if the actor's bureau owns it."""
    require(actor, Right.RECORD_DOCUMENTS)
    document = store.get(session, document_id)
    if document is None or not may_learn_of_record(actor, document, utcnow().date()):
        raise document_not_found(document_id)
    name = f"Travel document {document_id}"
    owner_only(actor, document.owner_bureau_id, name, "change or withdraw")
    locked = store.get(session, document_id, for_update=True)
    assert locked is not None  # noqa: S101 - records are withdrawn, never deleted
    if locked.withdrawn_at is not None:
        raise Conflict(f"{name} was withdrawn and can no longer change.", code="document_withdrawn")
    return locked


def owner_only(actor: Principal, owner_bureau_id: str, name: str, changes: str) -> None:
    """Refuse a change to a record (``name`` says which) by anyone but its owner bureau;
    ``changes`` says what the owner may do to it."""
    if not is_owner(actor, owner_bureau_id):
        raise Forbidden(
            f"{name} belongs to {owner_bureau_id}; only that bureau's own officers "
            f"{changes} it. Ask them to.",
            code="not_owner",
        )


def update_document(
    session: Session, actor: Principal, document_id: int, changes: DocumentChanges
) -> DocumentShown:
    """The owner changes status, dates, holder or visibility of its record."""
    before = _owned(session, actor, document_id)
    given = changes.model_dump(exclude_unset=True)
    if not given:
        raise InvalidInput("Nothing to change: give at least one field.", code="no_changes")
    _not_future(changes.event_date, "event_date")
    _not_future(changes.holder_birth_date, "holder_birth_date")
    columns: dict[str, Any] = {k: v for k, v in given.items() if k != "visibility"}
    if changes.disclosure is not None:
        columns["disclosure"] = changes.disclosure.value
    if changes.visibility is not None:
        visibility = visibility_from(changes.visibility)
        columns["visibility"] = visibility.scope.value
        columns["visibility_countries"] = sorted(visibility.countries)
    document = store.update(session, document_id, columns)
    audit.append_by(
        session,
        actor,
        "document.update",
        f"travel_document:{document_id}",
        {
            "changed": sorted(columns),
            "before": {k: getattr(before, k, None) for k in given if k != "visibility"},
        },
    )
    feed.changed(session, feed.TRAVEL_DOCUMENTS, document_id)
    return document_shown(actor, document)


def renew_document(
    session: Session, actor: Principal, document_id: int, until: date | None
) -> DocumentShown:
    """The owner renews its record: it answers checks until the new review date."""
    _owned(session, actor, document_id)
    review = review_date_from(until)
    document = store.update(session, document_id, {"review_date": review, "reminded_at": None})
    audit.append_by(
        session,
        actor,
        "document.renew",
        f"travel_document:{document_id}",
        {"review_date": review.isoformat()},
    )
    feed.changed(session, feed.TRAVEL_DOCUMENTS, document_id)
    return document_shown(actor, document)


def withdraw_document(
    session: Session, actor: Principal, document_id: int, reason: str
) -> DocumentShown:
    """The owner withdraws its record: it stops answering checks, and its history stays."""
    _owned(session, actor, document_id)
    document = store.update(
        session, document_id, {"withdrawn_at": utcnow(), "withdrawal_reason": reason}
    )
    audit.append_by(
        session,
        actor,
        "document.withdraw",
        f"travel_document:{document_id}",
        {**_public(document), "reason": reason},
    )
    feed.changed(session, feed.TRAVEL_DOCUMENTS, document_id)
    return document_shown(actor, document)


def read_document(session: Session, actor: Principal, document_id: int) -> DocumentShown:
    """A record the actor may read in full (its owner's, or a ``full`` one it may learn of);
    any other is not found. The attempt is audited either way."""
    require(actor, Right.CHECK_DOCUMENTS)
    document = store.get(session, document_id)
    subject = f"travel_document:{document_id}"
    if document is None or not may_read_record(actor, document, utcnow().date()):
        raise refused(document_not_found(document_id), actor, "document.read", subject)
    audit.append_by(session, actor, "document.read", subject, {"shown": True})
    tell_watchers(session, actor, Database.TRAVEL_DOCUMENTS, document, "read", utcnow())
    return document_shown(actor, document)
