"""The member registry and the General Assembly's membership decisions."""

from __future__ import annotations

from fastapi import APIRouter

from policenet.actions.members import readmit_member, suspend_member
from policenet.api.deps import CurrentPrincipal, HubDep
from policenet.api.schemas import BureauPublic, MemberPublic
from policenet.domain.errors import NotFound
from policenet.domain.membership import MembershipDecision
from policenet.store import registry

router = APIRouter(tags=["members"])


@router.get("/v1/members", summary="The member countries and their status")
def list_members(hub: HubDep, _principal: CurrentPrincipal) -> list[MemberPublic]:
    with hub.database.reading() as session:
        return [MemberPublic.of(m) for m in registry.list_members(session)]


@router.get("/v1/members/{code}", summary="One member country")
def get_member(code: str, hub: HubDep, _principal: CurrentPrincipal) -> MemberPublic:
    with hub.database.reading() as session:
        member = registry.get_member(session, code.upper())
    if member is None:
        raise NotFound(
            f"{code!r} is not a member country: GET /v1/members lists them.",
            code="member_not_found",
        )
    return MemberPublic.of(member)


@router.post("/v1/members/{code}/suspension", summary="Record a General Assembly suspension")
def suspend(
    code: str, decision: MembershipDecision, hub: HubDep, principal: CurrentPrincipal
) -> MemberPublic:
    with hub.database.transaction() as session:
        return MemberPublic.of(suspend_member(session, principal, code, decision))


@router.post("/v1/members/{code}/readmission", summary="Record a General Assembly readmission")
def readmit(
    code: str, decision: MembershipDecision, hub: HubDep, principal: CurrentPrincipal
) -> MemberPublic:
    with hub.database.transaction() as session:
        return MemberPublic.of(readmit_member(session, principal, code, decision))


@router.get("/v1/bureaus", summary="Every NCB and office of the General Secretariat")
def list_bureaus(hub: HubDep, _principal: CurrentPrincipal) -> list[BureauPublic]:
    with hub.database.reading() as session:
        return [BureauPublic.of(b) for b in registry.list_bureaus(session)]
