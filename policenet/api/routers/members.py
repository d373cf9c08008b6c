"""The member registry and the General Assembly's membership decisions."""

from __future__ import annotations

from fastapi import APIRouter

from policenet.actions.members import (
    list_bureaus,
    list_members,
    read_member,
    readmit_member,
    suspend_member,
)
from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import BureauPublic, MemberPublic
from policenet.domain.membership import MembershipDecision
from policenet.hub import HubDep

router = APIRouter(tags=["members"])


@router.get("/v1/members", summary="The member countries and their status")
def members(hub: HubDep, principal: CurrentPrincipal) -> list[MemberPublic]:
    return [MemberPublic.of(m) for m in hub.look(list_members, principal)]


@router.get("/v1/members/{code}", summary="One member country")
def member(code: str, hub: HubDep, principal: CurrentPrincipal) -> MemberPublic:
    return MemberPublic.of(hub.look(read_member, principal, code))


@router.post("/v1/members/{code}/suspension", summary="Record a General Assembly suspension")
def suspend(
    code: str, decision: MembershipDecision, hub: HubDep, principal: CurrentPrincipal
) -> MemberPublic:
    return MemberPublic.of(hub.act(suspend_member, principal, code, decision))


@router.post("/v1/members/{code}/readmission", summary="Record a General Assembly readmission")
def readmit(
    code: str, decision: MembershipDecision, hub: HubDep, principal: CurrentPrincipal
) -> MemberPublic:
    return MemberPublic.of(hub.act(readmit_member, principal, code, decision))


@router.get("/v1/bureaus", summary="Every NCB and office of the General Secretariat")
def bureaus(hub: HubDep, principal: CurrentPrincipal) -> list[BureauPublic]:
    return [BureauPublic.of(b) for b in hub.look(list_bureaus, principal)]
