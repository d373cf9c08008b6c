"""Kept hits, events, messages, bureau keys, working groups and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.access import HitView
from policenet.api.schemas.copies import PublicCopy
from policenet.domain.audit import AuditEntry
from policenet.domain.classification import Classification
from policenet.domain.events import Event, EventKind
from policenet.domain.hits import HitStatus, StoredHit, Urgency
from policenet.domain.messages import BureauKey, CrimeArea, Message, Priority, WorkingGroup
from policenet.domain.probing import StoredLimit
from policenet.domain.records import Database
from policenet.domain.subject_requests import (
    Outcome,
    RequestKind,
    RequestState,
    SubjectRequest,
)
from policenet.domain.terms import Disclosure


class StoredHitPublic(PublicCopy):
    """A hit as kept for the owner bureau and the checking bureau, with the owner's answer."""

    reference: str
    check_reference: str
    database: Database
    record_id: int | None = Field(description="Given to the owner bureau only.")
    owner_bureau: str
    disclosure: Disclosure
    match: str | None
    at: datetime
    checker_bureau: str | None
    checker_country: str | None
    place: str | None
    asked: dict[str, Any] | None = Field(description="The query as the owner may see it.")
    status: HitStatus
    urgency: Urgency | None = Field(
        description="Withheld from the checking side of a hit_only hit."
    )
    urgency_reason: str | None
    due_at: datetime | None = Field(description="When the owner's answer is due.")
    overdue: bool
    escalated_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    notices: list[dict[str, Any]] = Field(
        default_factory=list, description="Published notices the hit named."
    )

    @classmethod
    def of(cls, view: HitView, now: datetime) -> StoredHitPublic:
        h = view.hit
        return cls.copied(
            h,
            record_id=view.record_id,
            owner_bureau=h.owner_bureau_id,
            match=view.match,
            checker_bureau=h.checker_bureau_id,
            asked=view.asked,
            urgency=view.urgency,
            urgency_reason=view.urgency_reason,
            due_at=view.due_at,
            overdue=h.overdue(now),
            decision_reason=view.decision_reason,
        )


class EventPublic(PublicCopy):
    id: int
    kind: EventKind
    at: datetime
    subject: str
    classification: Classification
    payload: dict[str, Any]

    @classmethod
    def of(cls, e: Event) -> EventPublic:
        return cls.copied(e)


class EventsPublic(BaseModel):
    events: list[EventPublic]
    last_id: int = Field(description="Ask again with after=last_id for what comes next.")


class ReceiptPublic(BaseModel):
    bureau: str
    read_at: datetime | None


class AttachmentPublic(PublicCopy):
    position: int
    name: str
    content_type: str
    size: int
    sha256: str


class MessagePublic(PublicCopy):
    reference: str
    thread: str
    hit: str | None
    in_reply_to: str | None
    from_bureau: str
    sender_principal_id: int
    group: str | None
    to: list[ReceiptPublic]
    subject: str | None = Field(description="None for a sealed message: it is inside the seal.")
    body: str | None
    priority: Priority
    classification: Classification
    sealed: dict[str, str] | None = Field(
        description="The sealed envelope, opened by the recipient's client only."
    )
    sent_at: datetime
    attachments: list[AttachmentPublic]

    @classmethod
    def of(cls, m: Message) -> MessagePublic:
        return cls.copied(
            m,
            hit=m.hit_reference,
            from_bureau=m.sender_bureau_id,
            to=[ReceiptPublic(bureau=r.bureau_id, read_at=r.read_at) for r in m.recipients],
            sealed=m.seal,
            attachments=[AttachmentPublic.copied(a) for a in m.attachments],
        )


class BureauKeyPublic(PublicCopy):
    bureau_id: str
    fingerprint: str
    encryption_key: str
    signing_key: str
    registered_at: datetime
    retired_at: datetime | None

    @classmethod
    def of(cls, k: BureauKey) -> BureauKeyPublic:
        return cls.copied(k)


class WorkingGroupPublic(PublicCopy):
    name: str
    crime_area: CrimeArea
    description: str | None
    members: list[str]
    created_at: datetime

    @classmethod
    def of(cls, g: WorkingGroup) -> WorkingGroupPublic:
        return cls.copied(g, members=list(g.members))


class AuditEntryPublic(PublicCopy):
    seq: int
    at: datetime
    principal_id: int | None
    country: str | None
    action: str
    subject: str
    detail: object
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryPublic:
        return cls.copied(e, detail=e.detail_data)


class QueryOnRecordPublic(PublicCopy):
    """A query that hit one of the caller's bureau's records."""

    id: int = Field(description="Page with before=id.")
    reference: str = Field(description="The hit's reference.")
    at: datetime
    database: str
    record_id: int
    checked_by: int = Field(description="The principal who asked.")
    checker_bureau_id: str | None
    checker_country: str | None
    checker_agency_id: int | None
    place: str | None
    asked: dict[str, Any]
    answer: str = Field(
        description="What the answer told them: 'record' (the record's content) or "
        "'hit_only' (that it hit, the owner and a reference)."
    )
    match: str
    status: HitStatus

    @classmethod
    def of(cls, h: StoredHit) -> QueryOnRecordPublic:
        answer = "record" if h.disclosure is Disclosure.FULL else "hit_only"
        return cls.copied(h, database=h.database.value, answer=answer)


class AuditVerificationPublic(BaseModel):
    intact: bool
    checked: int
    written: int
    checkpoints: int | None = Field(
        default=None, description="Signed checkpoints verified with the hub's key."
    )
    first_problem_seq: int | None
    problem: str | None


class SubjectRequestPublic(PublicCopy):
    id: int
    reference: str
    kind: RequestKind
    subject: dict[str, Any]
    requester: str
    details: str
    received_on: date
    due_on: date = Field(description="The legal deadline: 4 months for access, 9 otherwise.")
    overdue: bool
    state: RequestState
    assigned_to: int | None
    outcome: Outcome | None
    reason: str | None
    decided_at: datetime | None
    erased: list[str] = Field(description="The records a deletion granted erased.")

    @classmethod
    def of(cls, r: SubjectRequest, now: datetime) -> SubjectRequestPublic:
        return cls.copied(r, overdue=r.overdue(now.date()))


class ProbingLimitPublic(PublicCopy):
    id: int
    principal_id: int = Field(description="The principal whose searches are limited.")
    database: Database
    record_id: int | None = Field(
        description="The hit_only record its searches kept hitting; null for a family of DNA "
        "variants, which aims at no known record."
    )
    owner_bureau_id: str | None
    hits: int = Field(description="Hits on the record, or variants of one profile, counted.")
    since: datetime = Field(description="The start of the searches counted.")
    until: datetime = Field(description="When the limit runs out by itself.")
    in_force: bool
    lifted_at: datetime | None
    lifted_by: int | None
    lift_reason: str | None

    @classmethod
    def of(cls, limit: StoredLimit, now: datetime) -> ProbingLimitPublic:
        return cls.copied(limit, in_force=limit.in_force(now))


class SubjectMatchPublic(PublicCopy):
    reference: str = Field(description="Name it in a deletion's 'erase'.")
    database: str
    record_id: int
    owner_bureau_id: str
    how: str
    score: float | None
