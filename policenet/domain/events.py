"""The events a recipient's durable log holds: hits, their follow-up, messages, receipts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.classification import Classification


class EventKind(StrEnum):
    HIT_ALERT = "hit.alert"  # to the owner: one of your records was hit
    HIT_RECORDED = "hit.recorded"  # to the checking side: your check hit, this is whom to contact
    HIT_CONFIRMED = "hit.confirmed"
    HIT_REJECTED = "hit.rejected"
    HIT_OVERDUE = "hit.overdue"  # to the owner and the GS command centre
    MESSAGE = "message"
    MESSAGE_READ = "message.read"  # a read receipt, to the sender
    NOTICE_SUBMITTED = "notice.submitted"  # to the GS notices task force: a request to review
    NOTICE_QUESTION = "notice.question"  # to the requester: a reviewer asks
    NOTICE_ANSWERED = "notice.answered"  # to the task force: the requester answered
    NOTICE_PUBLISHED = "notice.published"  # to every member bureau
    NOTICE_REFUSED = "notice.refused"  # to the requester, with the reason
    NOTICE_WITHDRAWN = "notice.withdrawn"  # to the task force
    NOTICE_CANCELLED = "notice.cancelled"  # to every member bureau (or the task force)
    NOTICE_EXPIRED = "notice.expired"  # to every member bureau
    NOTICE_EXPIRING = "notice.expiring"  # to the requester, 90 days before: renew or let go
    NOTICE_RENEWED = "notice.renewed"  # to every member bureau
    DIFFUSION = "diffusion"  # to its recipients, and to the task force for review
    DIFFUSION_CANCELLED = "diffusion.cancelled"  # to its recipients and its sender
    # To a mark's owner: a ten-print just recorded may have left it (reverse search).
    FINGERPRINT_REVERSE_MATCH = "fingerprint.reverse_match"
    # To a record's owner and the data protection officers: a principal kept hitting one of
    # its hit_only records, and is limited (domain/probing.py).
    PROBING_SUSPECTED = "probing.suspected"
    # To the limited principal's bureau or agency and the record's owner: a data protection
    # officer lifted the limit early, with a reason.
    PROBING_LIFTED = "probing.lifted"
    # To an owner: records whose review date falls within 90 days (renew them), and records
    # past it whose content the retention job erased.
    RECORDS_EXPIRING = "records.expiring"
    RECORDS_ERASED = "records.erased"
    # To an owner who asked: another bureau read its record.
    RECORD_QUERIED = "record.queried"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append to a recipient's log, in the transaction of what caused it."""

    mailbox: str
    kind: EventKind
    subject: str
    classification: Classification
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    """An event as stored: its number orders every log, and resumes a stream."""

    id: int
    mailbox: str
    kind: EventKind
    at: datetime
    subject: str
    classification: Classification
    payload: dict[str, Any]
