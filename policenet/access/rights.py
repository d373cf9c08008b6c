"""The one place that decides who may see or do what.

Every read path asks ``may_see``; every action asks ``require``. A record the caller may not
see is treated exactly as a record that does not exist.
"""

from __future__ import annotations

from policenet.domain.errors import Forbidden
from policenet.domain.events import EventKind
from policenet.domain.principals import Principal, Right, Role
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope

_RIGHT_WORDS = {
    Right.CHECK_DOCUMENTS: "check travel documents",
    Right.RECORD_DOCUMENTS: "record travel documents",
    Right.CHECK_RECORDS: "check persons, vehicles, works of art, firearms and vessels",
    Right.RECORD_RECORDS: "record persons, vehicles, works of art, firearms and vessels",
    Right.MANAGE_PRINCIPALS: "manage principals and agencies",
    Right.MANAGE_MEMBERS: "record membership decisions",
    Right.READ_AUDIT: "read the audit log",
    Right.REVIEW_NOTICES: "review notices and diffusions",
    Right.REQUEST_NOTICES: "request notices and send diffusions for your bureau",
    Right.EXCHANGE_MESSAGES: "send and read your bureau's messages",
    Right.ANSWER_HITS: "confirm or reject hits on your bureau's records",
    Right.MANAGE_GROUPS: "manage working groups",
    Right.EXAMINE_PRINTS: "decide on fingerprint candidates as an examiner",
}


def require(principal: Principal, right: Right) -> None:
    """Raise Forbidden unless the principal holds the right."""
    if not principal.can(right):
        raise Forbidden(
            f"Your role ({principal.role}) does not allow you to {_RIGHT_WORDS[right]}; "
            "ask your bureau's administrator for a principal that holds this right.",
            code="right_missing",
        )


def may_see(principal: Principal, owner_country: str, visibility: Visibility) -> bool:
    """Whether a record with this owner and restriction may be shown to the principal.

    The owner's country always sees its own records. The General Secretariat counts as a
    reader outside every country list: it sees records open to all, or to all but listed
    countries, never those restricted to listed countries.
    """
    return country_may_see(principal.country, owner_country, visibility)


def country_may_see(country: str | None, owner_country: str, visibility: Visibility) -> bool:
    """``may_see`` for a country's bureaus as a whole (None: the General Secretariat)."""
    if country is not None and country == owner_country:
        return True
    if visibility.scope is VisibilityScope.ALL:
        return True
    if visibility.scope is VisibilityScope.ONLY_LISTED:
        return country is not None and country in visibility.countries
    return country is None or country not in visibility.countries


def sees_details(principal: Principal) -> bool:
    """Carriers learn hit or no hit only, never the record."""
    return principal.role is not Role.CARRIER


def is_owner(principal: Principal, owner_bureau_id: str) -> bool:
    """The owner bureau acts through its own principals; its national agencies may record
    documents for it, but changing or withdrawing a record is the bureau's decision."""
    return principal.bureau_id is not None and principal.bureau_id == owner_bureau_id


def may_see_record(
    principal: Principal,
    owner_bureau_id: str,
    owner_country: str,
    visibility: Visibility,
    *,
    withdrawn: bool,
) -> bool:
    """Whether a record exists for the principal: its owner sees it always, others while it is
    active and their country is allowed."""
    if is_owner(principal, owner_bureau_id):
        return True
    return not withdrawn and may_see(principal, owner_country, visibility)


def reads_content(principal: Principal, owner_bureau_id: str, disclosure: Disclosure) -> bool:
    """Whether the principal may read a record's content: its owner always, anyone else
    (carriers aside) when the record is ``full``; a ``hit_only`` record is read through its
    owner."""
    if is_owner(principal, owner_bureau_id):
        return True
    return sees_details(principal) and disclosure is Disclosure.FULL


def may_manage_country(principal: Principal, country: str | None) -> bool:
    """GS administrators manage everyone; an NCB administrator only its own country."""
    if principal.role is Role.GS_ADMIN:
        return True
    return (
        principal.role is Role.NCB_ADMIN
        and principal.can(Right.MANAGE_PRINCIPALS)
        and country is not None
        and country == principal.country
    )


def may_read_notice(
    principal: Principal, requester_bureau_id: str, *, active: bool, draft: bool
) -> bool:
    """Who reads a notice request: its requesting bureau always; the GS reviewers once it is
    submitted; every member's police (and the GS) while it is published and valid."""
    if principal.bureau_id is not None and principal.bureau_id == requester_bureau_id:
        return principal.can(Right.REQUEST_NOTICES) or principal.can(Right.CHECK_RECORDS)
    if principal.can(Right.REVIEW_NOTICES) and not draft:
        return True
    return active and principal.can(Right.CHECK_RECORDS)


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
}


def readable_kinds(principal: Principal) -> tuple[EventKind, ...]:
    """The kinds of event a principal reads in its mailbox: those its rights concern (a data
    protection officer reads no bureau's messages, a GS administrator no request in review)."""
    return tuple(
        kind for kind in EventKind if principal.rights & _KIND_READERS.get(kind, _NOTICE_READERS)
    )
