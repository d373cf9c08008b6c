"""Rights: what a principal may do at all, whatever the thing it is done to."""

from __future__ import annotations

from policenet.domain.errors import Forbidden, Refusal
from policenet.domain.principals import Principal, Right, Role

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
    Right.HANDLE_SUBJECT_REQUESTS: "handle the requests of the people in the files",
    Right.LIFT_PROBING_LIMITS: "see and lift the limits put on searches that looked like probing",
}


def require(principal: Principal, right: Right) -> None:
    """Raise Forbidden unless the principal holds the right; the refusal is audited."""
    if not principal.can(right):
        raise Forbidden(
            f"Your role ({principal.role}) does not allow you to {_RIGHT_WORDS[right]}; "
            "ask your bureau's administrator for a principal that holds this right.",
            code="right_missing",
        ).audited(
            Refusal.by(principal, "right.refused", f"right:{right.value}", {"role": principal.role})
        )


def sees_details(principal: Principal) -> bool:
    """Carriers learn hit or no hit only, never the record."""
    return principal.role is not Role.CARRIER


def asks_persons(principal: Principal) -> bool:
    """Whether a check asks the persons database too: for those who may check persons. A
    document-only border check (a carrier, a document checker) learns of documents alone, not
    even of the persons known to hold a document it reads."""
    return principal.can(Right.CHECK_RECORDS)


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


def sees_every_file(principal: Principal) -> bool:
    """The data protection officers search every file for a request of the person in it (the
    Commission for the Control of Files sees every file for that purpose)."""
    return principal.can(Right.HANDLE_SUBJECT_REQUESTS)


def may_follow_import(principal: Principal, sender_id: int, bureau_id: str | None) -> bool:
    """An import sent over the network shows to its sender and to the principals of the
    bureau it imports for; to anyone else it does not exist."""
    return principal.id == sender_id or (
        principal.bureau_id is not None and principal.bureau_id == bureau_id
    )
