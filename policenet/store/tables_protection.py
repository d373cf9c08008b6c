"""The tables of accountability and data protection: the audit chain and its signed
checkpoints, probing limits, the requests of the people in the files, and the records whose
owners watch them. ``tables`` re-exports them: import every table from there."""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 - SQLAlchemy reads the annotations

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from policenet.store.base import Base


class AuditRow(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    principal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The SHA-256 of the detail, which the hash covers instead of the detail itself (entries
    # since migration 0020; None before): an erasure blanks part of a detail, the chain holds.
    detail_digest: Mapped[str | None] = mapped_column(String(64))


class AuditMentionRow(Base):
    """A record a check's hits named (``record:42``, ``travel_document:7``), and its audit
    entry: how an erasure finds the questions asked about the person it erases."""

    __tablename__ = "audit_mentions"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class AuditHeadRow(Base):
    """The last entry written: the lock that orders writers, and the end a deletion can't hide."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpointRow(Base):
    """The chain's hash at an entry, signed with the hub's key (domain/checkpoints.py)."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))


class ProbingLimitRow(Base):
    """A principal limited for probing another bureau's hit_only record (domain/probing.py)."""

    __tablename__ = "probing_limits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int] = mapped_column(Integer, index=True)
    database: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    owner_bureau_id: Mapped[str] = mapped_column(String(20))
    hits: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime]
    until: Mapped[datetime]
    # Lifted early by a data protection officer, with the reason.
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[int | None] = mapped_column(Integer)
    lift_reason: Mapped[str | None] = mapped_column(String(1000))


class SubjectRequestRow(Base):
    """A request from a person in the files (domain/subject_requests.py)."""

    __tablename__ = "subject_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[dict[str, object]] = mapped_column(JSON)
    requester: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(20))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    erased: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))


class RecordWatchRow(Base):
    """An owner asked to be told of every read of its record by another bureau."""

    __tablename__ = "record_watches"

    database: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    since: Mapped[datetime]
    by: Mapped[int] = mapped_column(ForeignKey("principals.id"))


class AuditDeferredRow(Base):
    """Audit entries written with a long transaction (a bulk import's one per record), to be
    chained once it commits: the transaction never holds the head lock that every check
    waits for, and the entries commit with what they account for, so none is lost."""

    __tablename__ = "audit_deferred"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(2))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)


class AuditJournalMarkRow(Base):
    """How far the entries of a check journal (store/journal.py) are chained in the audit log:
    written in the transaction that chains them, so that none is chained twice."""

    __tablename__ = "audit_journal_marks"

    generation: Mapped[str] = mapped_column(String(32), primary_key=True)
    upto: Mapped[int] = mapped_column(Integer)
