"""Membership decisions of the General Assembly: suspension and readmission of a member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import require
from policenet.domain.errors import Conflict, NotFound
from policenet.domain.members import Bureau, Member, MembershipDecisionKind, MemberStatus
from policenet.domain.principals import Principal, Right
from policenet.store import audit, registry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.membership import MembershipDecision


def _member(session: Session, code: str) -> Member:
    member = registry.get_member(session, code.upper(), for_update=True)
    if member is None:
        raise NotFound(
            f"{code!r} is not a member country: use the ISO alpha-2 code of a member, "
            "as listed by GET /v1/members.",
            code="member_not_found",
        )
    return member


def _decide(
    session: Session,
    actor: Principal,
    code: str,
    decision: MembershipDecision,
    kind: MembershipDecisionKind,
) -> Member:
    require(actor, Right.MANAGE_MEMBERS)
    member = _member(session, code)
    wanted = (
        MemberStatus.SUSPENDED if kind is MembershipDecisionKind.SUSPENSION else MemberStatus.ACTIVE
    )
    if member.status is wanted:
        raise Conflict(
            f"{member.country.name} ({member.country.alpha2}) is already {wanted}: "
            "no decision to record.",
            code="member_status_unchanged",
        )
    updated = registry.set_status(
        session,
        member.country.alpha2,
        kind=kind,
        decided_on=decision.decided_on,
        reference=decision.reference,
        recorded_by=actor.id,
    )
    audit.append_by(
        session,
        actor,
        f"member.{kind}",
        f"member:{member.country.alpha2}",
        {"decided_on": decision.decided_on.isoformat(), "reference": decision.reference},
    )
    return updated


def suspend_member(
    session: Session, actor: Principal, code: str, decision: MembershipDecision
) -> Member:
    """Record a General Assembly suspension; the member's principals are refused from now on."""
    return _decide(session, actor, code, decision, MembershipDecisionKind.SUSPENSION)


def readmit_member(
    session: Session, actor: Principal, code: str, decision: MembershipDecision
) -> Member:
    """Record a General Assembly readmission; the member's principals may work again."""
    return _decide(session, actor, code, decision, MembershipDecisionKind.READMISSION)


# The registry is public reference data (the member countries and their bureaus, as the
# organisation publishes them): reading it is not audited, and needs no write, so that it is
# answered while another transaction holds the write lock.


def list_members(session: Session, actor: Principal) -> list[Member]:
    """Every member country and its status; any principal may read them."""
    return registry.list_members(session)


def read_member(session: Session, actor: Principal, code: str) -> Member:
    """One member country by its ISO alpha-2 code."""
    member = registry.get_member(session, code.upper())
    if member is None:
        raise NotFound(
            f"{code!r} is not a member country: GET /v1/members lists them.",
            code="member_not_found",
        )
    return member


def list_bureaus(session: Session, actor: Principal) -> list[Bureau]:
    """Every NCB and office of the General Secretariat."""
    return registry.list_bureaus(session)
