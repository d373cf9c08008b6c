"""The requests of the people in the files, and the limits put on searches that looked like
probing, for the data protection officers."""

from __future__ import annotations

from fastapi import APIRouter, Request

from policenet.actions import probing
from policenet.actions import subject_requests as actions
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import (
    ProbingLimitPagePublic,
    ProbingLimitPublic,
    SubjectMatchPublic,
    SubjectRequestPagePublic,
    SubjectRequestPublic,
)
from policenet.domain.clock import utcnow
from policenet.domain.principals import Principal
from policenet.domain.probing import ProbingLift
from policenet.domain.subject_requests import (
    SubjectBiometrics,
    SubjectRequestAssign,
    SubjectRequestCreate,
    SubjectRequestDecision,
)
from policenet.hub import Hub, HubDep

router = APIRouter(tags=["data protection"])

PATH = "/v1/data-protection/requests"


@router.post(PATH, status_code=201, summary="Record an access, correction or deletion request")
def record(
    data: SubjectRequestCreate, hub: HubDep, principal: CurrentPrincipal
) -> SubjectRequestPublic:
    now = utcnow()
    return SubjectRequestPublic.of(hub.act(actions.record_request, principal, data, now), now)


@router.get(PATH, summary="The requests, soonest deadline first; overdue=true: the late ones")
def requests(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    overdue: bool = False,
) -> SubjectRequestPagePublic:
    now = utcnow()
    found = hub.act(
        actions.list_requests, principal, overdue=overdue, today=now.date(), window=window
    )
    items = [SubjectRequestPublic.of(r, now) for r in found.items]
    return SubjectRequestPagePublic(items=items, **envelope(found, request))


@router.get(PATH + "/{request_id}", summary="One request")
def request(request_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> SubjectRequestPublic:
    return SubjectRequestPublic.of(hub.act(actions.read_request, principal, request_id), utcnow())


@router.post(PATH + "/{request_id}/assignment", summary="Assign it to a data protection officer")
def assign(
    request_id: RowId, data: SubjectRequestAssign, hub: HubDep, principal: CurrentPrincipal
) -> SubjectRequestPublic:
    found = hub.act(actions.assign_request, principal, request_id, data)
    return SubjectRequestPublic.of(found, utcnow())


@router.get(
    PATH + "/{request_id}/search",
    summary="Every record that may be the person's, across the databases",
)
def search(request_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> list[SubjectMatchPublic]:
    return _searched(hub, principal, request_id, None)


def _searched(
    hub: Hub, principal: Principal, request_id: int, given: SubjectBiometrics | None
) -> list[SubjectMatchPublic]:
    # A read (it may take seconds: it holds no write lock), then its audit entry.
    found = hub.look(
        actions.find_subject, principal, request_id, hub.screening, utcnow().date(), given
    )
    hub.act(actions.record_search, principal, request_id, found.detail)
    return [SubjectMatchPublic.copied(m) for m in found.matches]


@router.post(
    PATH + "/{request_id}/search",
    summary="The same search, with the person's ten-print or DNA profile (searched once, not kept)",
)
def search_with_biometrics(
    request_id: RowId, given: SubjectBiometrics, hub: HubDep, principal: CurrentPrincipal
) -> list[SubjectMatchPublic]:
    return _searched(hub, principal, request_id, given)


@router.post(
    PATH + "/{request_id}/decision",
    summary="Decide it with a reason; a deletion granted erases the records named",
)
def decide(
    request_id: RowId, data: SubjectRequestDecision, hub: HubDep, principal: CurrentPrincipal
) -> SubjectRequestPublic:
    now = utcnow()
    found = hub.act(actions.decide_request, principal, request_id, data, now)
    return SubjectRequestPublic.of(found, now)


LIMITS = "/v1/data-protection/probing-limits"


@router.get(LIMITS, summary="The limits put on searches that looked like probing, newest first")
def probing_limits(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    in_force: bool = False,
) -> ProbingLimitPagePublic:
    now = utcnow()
    found = hub.act(probing.list_limits, principal, now, in_force=in_force, window=window)
    items = [ProbingLimitPublic.of(one, now) for one in found.items]
    return ProbingLimitPagePublic(items=items, **envelope(found, request))


@router.post(
    LIMITS + "/{limit_id}/lift",
    summary="Lift a limit found to be honest work, with the reason; the principal may search",
)
def lift_probing_limit(
    limit_id: RowId, data: ProbingLift, hub: HubDep, principal: CurrentPrincipal
) -> ProbingLimitPublic:
    now = utcnow()
    return ProbingLimitPublic.of(hub.act(probing.lift_limit, principal, limit_id, data, now), now)
