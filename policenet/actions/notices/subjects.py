"""The person a notice request is about: a record its requesting bureau owns, and the
snapshot of it a notice shows as the record stood when the request moved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access import is_owner
from policenet.domain.errors import InvalidInput
from policenet.domain.records import Database, Record
from policenet.matching.records import country
from policenet.store import records as record_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.notices import NoticeContent
    from policenet.domain.principals import Principal


def owned_person(session: Session, actor: Principal, person_id: int) -> Record:
    """An active person record of the actor's bureau: what a notice or a diffusion is about."""
    record = record_store.get_active(session, person_id, Database.PERSONS)
    if record is None or not is_owner(actor, record.owner_bureau_id):
        raise InvalidInput(
            f"No active person record {person_id} of your bureau: record the person first "
            "(POST /v1/persons) and give its id. A notice or a diffusion is sent by the bureau "
            "that owns the person's record.",
            code="notice_subject_unknown",
            field="subject_person_id",
        )
    return record


def subject_of(session: Session, actor: Principal, content: NoticeContent) -> dict[str, Any] | None:
    """The person record a request is about, as it stands: it must be the requester's own."""
    if content.subject_person_id is None:
        return None
    return snapshot(owned_person(session, actor, content.subject_person_id))


def snapshot(record: Record) -> dict[str, Any]:
    """What a notice shows of its subject, as the record stood when the request moved."""
    data = record.data
    return {
        "record_id": record.id,
        "external_ref": record.external_ref,
        "name": data.get("name"),
        "aliases": data.get("aliases", []),
        "birth_date": data.get("birth_date"),
        "birth_place": data.get("birth_place"),
        "sex": data.get("sex"),
        "nationalities": data.get("nationalities", []),
        "photo_ref": data.get("photo_ref"),
        "physical_description": data.get("physical_description"),
        "cautions": data.get("cautions", []),
    }


def check_countries(content: NoticeContent) -> None:
    if content.offence is not None and content.offence.committed_in is not None:
        country(content.offence.committed_in, "offence.committed_in")
