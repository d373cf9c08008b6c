"""Who may read a message, a hit's file and an event of a mailbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.domain.events import EventKind
from policenet.domain.principals import Principal, Right

if TYPE_CHECKING:
    from policenet.domain.classification import Classification
    from policenet.domain.messages import Message

_HIT_READERS = frozenset({Right.ANSWER_HITS, Right.CHECK_DOCUMENTS, Right.CHECK_RECORDS})
_NOTICE_READERS = frozenset({Right.REQUEST_NOTICES, Right.CHECK_RECORDS, Right.REVIEW_NOTICES})
_REVIEWERS = frozenset({Right.REVIEW_NOTICES})
_KIND_READERS: dict[EventKind, frozenset[Right]] = {
    EventKind.HIT_ALERT: _HIT_READERS,
    EventKind.HIT_RECORDED: _HIT_READERS,
    EventKind.HIT_CONFIRMED: _HIT_READERS,
    EventKind.HIT_REJECTED: _HIT_READERS,
    EventKind.HIT_OVERDUE: _HIT_READERS,
    EventKind.MESSAGE: frozenset({Right.EXCHANGE_MESSAGES}),
    EventKind.MESSAGE_READ: frozenset({Right.EXCHANGE_MESSAGES}),
    # What the task force reviews: its reviewers only, whoever else sits in the unit.
    EventKind.NOTICE_SUBMITTED: _REVIEWERS,
    EventKind.NOTICE_ANSWERED: _REVIEWERS,
    EventKind.NOTICE_WITHDRAWN: _REVIEWERS,
    EventKind.FINGERPRINT_REVERSE_MATCH: frozenset({Right.EXAMINE_PRINTS, Right.CHECK_RECORDS}),
    EventKind.PROBING_SUSPECTED: frozenset({Right.ANSWER_HITS, Right.READ_AUDIT}),
    # The limited principal learns it may search again, whatever its role.
    EventKind.PROBING_LIFTED: frozenset(
        {Right.ANSWER_HITS, Right.READ_AUDIT, Right.CHECK_RECORDS, Right.CHECK_DOCUMENTS}
    ),
    EventKind.RECORDS_EXPIRING: frozenset({Right.RECORD_RECORDS, Right.RECORD_DOCUMENTS}),
    EventKind.RECORDS_ERASED: frozenset({Right.RECORD_RECORDS, Right.RECORD_DOCUMENTS}),
    EventKind.RECORD_QUERIED: frozenset({Right.ANSWER_HITS, Right.READ_AUDIT}),
}


def readable_kinds(principal: Principal) -> tuple[EventKind, ...]:
    """The kinds of event a principal reads in its mailbox: those its rights concern (a data
    protection officer reads no bureau's messages, a GS administrator no request in review)."""
    return tuple(
        kind for kind in EventKind if principal.rights & _KIND_READERS.get(kind, _NOTICE_READERS)
    )


@dataclass(frozen=True, slots=True)
class MailboxView:
    """What of a mailbox its reader may read: the events up to its clearance, of the kinds
    its rights concern. The same filter serves polling and the live stream."""

    mailbox: str
    readable: tuple[Classification, ...]
    kinds: tuple[EventKind, ...]


def mailbox_view(principal: Principal, mailbox: str) -> MailboxView:
    """The principal's view of its bureau's or agency's mailbox."""
    return MailboxView(mailbox, principal.clearance.readable(), readable_kinds(principal))


def may_read_message(principal: Principal, message: Message) -> bool:
    """A message is read by its sending and receiving bureaus, up to the reader's
    clearance."""
    bureau = principal.bureau_id
    return principal.clearance.allows(message.classification) and (
        bureau == message.sender_bureau_id or any(r.bureau_id == bureau for r in message.recipients)
    )


def hit_party(principal: Principal, owner_bureau_id: str, checker_bureau_id: str | None) -> bool:
    """A hit concerns two bureaus: the record's owner and the one that checked."""
    return principal.bureau_id is not None and principal.bureau_id in (
        owner_bureau_id,
        checker_bureau_id,
    )


def may_see_group(principal: Principal, members: tuple[str, ...] | list[str]) -> bool:
    """A working group is seen by its member bureaus and by the General Secretariat."""
    return principal.is_gs or principal.bureau_id in members


def lists_every_overdue_hit(principal: Principal) -> bool:
    """The General Secretariat chases the owners of overdue hits: it lists them all (without
    what was asked), whichever bureaus they concern."""
    return principal.is_gs


def may_read_search(principal: Principal, searcher_mailbox: str) -> bool:
    """A fingerprint search is its searching bureau's (or agency's) own."""
    return principal.mailbox is not None and principal.mailbox == searcher_mailbox
