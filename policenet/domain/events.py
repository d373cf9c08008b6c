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
