"""The tables of the hub. Alembic migrations (``migrations/versions``) create and upgrade them.

The tables of accountability and data protection live in ``tables_protection``, the
fingerprint searches and files in ``tables_prints``; both are re-exported here, so that every
table is imported from this module."""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 - SQLAlchemy reads the annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from policenet.store.base import NAMING as NAMING
from policenet.store.base import Base as Base
from policenet.store.tables_jobs import ImportJobRow as ImportJobRow
from policenet.store.tables_prints import FingerprintCandidateRow as FingerprintCandidateRow
from policenet.store.tables_prints import FingerprintFileRow as FingerprintFileRow
from policenet.store.tables_prints import FingerprintSearchRow as FingerprintSearchRow
from policenet.store.tables_protection import AuditCheckpointRow as AuditCheckpointRow
from policenet.store.tables_protection import AuditDeferredRow as AuditDeferredRow
from policenet.store.tables_protection import AuditHeadRow as AuditHeadRow
from policenet.store.tables_protection import AuditJournalMarkRow as AuditJournalMarkRow
from policenet.store.tables_protection import AuditMentionRow as AuditMentionRow
from policenet.store.tables_protection import AuditRow as AuditRow
from policenet.store.tables_protection import ProbingLimitRow as ProbingLimitRow
from policenet.store.tables_protection import RecordWatchRow as RecordWatchRow
from policenet.store.tables_protection import SubjectRequestRow as SubjectRequestRow


class MemberRow(Base):
    __tablename__ = "members"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reference: Mapped[str | None] = mapped_column(String(200))


class MembershipDecisionRow(Base):
    __tablename__ = "membership_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))


class BureauRow(Base):
    __tablename__ = "bureaus"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    member_code: Mapped[str | None] = mapped_column(ForeignKey("members.code"), unique=True)
    # National law allows familial DNA searching (off unless the bureau says so).
    familial_search: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class AgencyRow(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    rights: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    # No foreign key: principals point at agencies, and a cycle would break table ordering.
    created_by: Mapped[int | None] = mapped_column(Integer)


class PrincipalRow(Base):
    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    bureau_id: Mapped[str | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    # None: the role's default clearance.
    clearance: Mapped[str | None] = mapped_column(String(20))
    # Set: the principal may not use the hub, whatever tokens it holds.
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(500))


class TokenRow(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))


class TravelDocumentRow(Base):
    __tablename__ = "travel_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"))
    owner_country: Mapped[str] = mapped_column(String(2))
    issuing_country: Mapped[str] = mapped_column(String(2))
    document_type: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(24))
    number_key: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date] = mapped_column(Date)
    holder_name: Mapped[str | None] = mapped_column(String(200))
    holder_birth_date: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(20))
    visibility_countries: Mapped[list[str]] = mapped_column(JSON)
    reported_at: Mapped[datetime]
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    disclosure: Mapped[str] = mapped_column(String(20), server_default="full")
    review_date: Mapped[date] = mapped_column(Date)
    reminded_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    __table_args__ = (
        # Re-importing a bureau's file finds its records by the bureau's own reference.
        Index(
            "uq_travel_documents_external_ref",
            "owner_bureau_id",
            "external_ref",
            unique=True,
            sqlite_where=text("external_ref IS NOT NULL"),
            postgresql_where=text("external_ref IS NOT NULL"),
        ),
        # One active record per document (a withdrawn one may be reported again), and the
        # check's lookup: every active record under a number, O read as 0. The key is a
        # function of the number, so it leads without changing what is unique; one B-tree
        # fewer to write is a quarter of a bulk import's time in SQLite.
        Index(
            "uq_travel_documents_active",
            "issuing_country",
            "number_key",
            "document_type",
            "number",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        # A bureau's own records, newest first, a page at a time (GET /v1/documents?owner=):
        # without it, a page of one bureau's records reads every newer record of the others.
        Index("ix_travel_documents_owner_bureau_id_id", "owner_bureau_id", "id"),
    )


class RecordRow(Base):
    """A record of persons, vehicles, art, firearms or vessels; ``data`` holds its content."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    database: Mapped[str] = mapped_column(String(20))
    owner_bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"))
    owner_country: Mapped[str] = mapped_column(String(2))
    external_ref: Mapped[str | None] = mapped_column(String(100))
    disclosure: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(20))
    visibility_countries: Mapped[list[str]] = mapped_column(JSON)
    review_date: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    entered_at: Mapped[datetime]
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # Retention: the owner was reminded of the review date; the content was erased.
    reminded_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    __table_args__ = (
        # A bureau's records of one database, in the order of their ids (lists, pages).
        Index("ix_records_database_owner_bureau_id_id", "database", "owner_bureau_id", "id"),
        Index(
            "uq_records_external_ref",
            "owner_bureau_id",
            "database",
            "external_ref",
            unique=True,
            sqlite_where=text("external_ref IS NOT NULL"),
            postgresql_where=text("external_ref IS NOT NULL"),
        ),
    )


class RecordKeyRow(Base):
    """The exact keys a record answers to (a VIN, a plate, a serial, an IMO number …)."""

    __tablename__ = "record_keys"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)

    __table_args__ = (Index("ix_record_keys_lookup", "kind", "key"),)


class RecordChangeRow(Base):
    """The change feed: which records changed, in commit order, for the screening indexes."""

    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)


class HitRow(Base):
    """A check that found a record: the checking side and the owner are both told of it."""

    __tablename__ = "hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    check_reference: Mapped[str] = mapped_column(String(40), index=True)
    database: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    owner_bureau_id: Mapped[str] = mapped_column(String(20), index=True)
    disclosure: Mapped[str] = mapped_column(String(20))
    match: Mapped[str] = mapped_column(String(30))
    score: Mapped[float | None]
    at: Mapped[datetime]
    checked_by: Mapped[int] = mapped_column(Integer)
    checker_bureau_id: Mapped[str | None] = mapped_column(String(20), index=True)
    checker_country: Mapped[str | None] = mapped_column(String(2))
    place: Mapped[str | None] = mapped_column(String(200))
    asked: Mapped[str] = mapped_column(Text)
    checker_agency_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    urgency: Mapped[str] = mapped_column(String(20), server_default="routine")
    urgency_reason: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    notices: Mapped[str | None] = mapped_column(Text)  # JSON: the notices the hit names

    __table_args__ = (
        Index("ix_hits_open_due", "status", "due_at"),
        # How often one principal hit one record lately (domain/probing.py).
        Index("ix_hits_checker_record", "checked_by", "record_id", "at"),
    )


class EventRow(Base):
    """A recipient's durable event log; the id orders every log and resumes a stream."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime]
    subject: Mapped[str] = mapped_column(String(60))
    classification: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_events_mailbox_id", "mailbox", "id"),
        Index("ix_events_subject", "subject"),
    )


class MessageRow(Base):
    """A message; a sealed one holds only its envelope (``seal``), never subject or body."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    thread: Mapped[str] = mapped_column(String(40), index=True)
    hit_reference: Mapped[str | None] = mapped_column(String(40), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(40))
    sender_bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), index=True)
    sender_principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    group_name: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(20))
    classification: Mapped[str] = mapped_column(String(20))
    sealed: Mapped[bool] = mapped_column(Boolean)
    seal: Mapped[dict[str, str] | None] = mapped_column(JSON)
    sent_at: Mapped[datetime]


class MessageRecipientRow(Base):
    __tablename__ = "message_recipients"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)
    read_at: Mapped[datetime | None]
    read_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))

    __table_args__ = (Index("ix_message_recipients_bureau", "bureau_id", "message_id"),)


class MessageAttachmentRow(Base):
    __tablename__ = "message_attachments"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BureauKeyRow(Base):
    """A bureau's public keys for sealed messages; a newer registration retires the older."""

    __tablename__ = "bureau_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(32), unique=True)
    encryption_key: Mapped[str] = mapped_column(String(64))
    signing_key: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]
    registered_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    retired_at: Mapped[datetime | None]


class WorkingGroupRow(Base):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    crime_area: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))


class WorkingGroupMemberRow(Base):
    __tablename__ = "working_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), primary_key=True)
    bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)


class NoticeRow(Base):
    """A notice request, from its draft to its publication and end."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    requester_bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), index=True)
    requester_country: Mapped[str] = mapped_column(String(2))
    content: Mapped[str] = mapped_column(Text)
    subject_person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    screening: Mapped[str] = mapped_column(Text, server_default="[]")
    urgent: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    public: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_notices_state_expires", "state", "expires_at"),
        Index("ix_notices_state_submitted", "state", "submitted_at"),
    )


class NoticeTransitionRow(Base):
    """Every move of a notice request: who, when, why."""

    __tablename__ = "notice_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by: Mapped[int | None] = mapped_column(Integer)
    bureau_id: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


class NoticeQuestionRow(Base):
    """A reviewer's question on a request, and the requesting bureau's answer."""

    __tablename__ = "notice_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    asked_at: Mapped[datetime]
    asked_by: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(Text)


class ScreeningTermRow(Base):
    """A word or pattern the automated notice screening looks for; edited by the GS."""

    __tablename__ = "screening_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("uq_screening_terms", "category", "language", "kind", "text", unique=True),
    )


class DiffusionRow(Base):
    """A diffusion: sent at once to chosen bureaus or all, reviewed by the GS after."""

    __tablename__ = "diffusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    sender_bureau_id: Mapped[str] = mapped_column(ForeignKey("bureaus.id"), index=True)
    sender_country: Mapped[str] = mapped_column(String(2))
    to_all: Mapped[bool] = mapped_column(Boolean)
    subject_person_id: Mapped[int | None] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(20))
    review: Mapped[str] = mapped_column(String(20), index=True)
    sent_at: Mapped[datetime]
    sent_by: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    review_note: Mapped[str | None] = mapped_column(Text)


class DiffusionRecipientRow(Base):
    __tablename__ = "diffusion_recipients"

    diffusion_id: Mapped[int] = mapped_column(ForeignKey("diffusions.id"), primary_key=True)
    bureau_id: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class HubMetaRow(Base):
    """Facts about this hub installation (e.g. that demo data was seeded)."""

    __tablename__ = "hub_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
