"""The audit log, for those whose role may read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from policenet.access import require
from policenet.actions.hub import read_audit, verify_audit
from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import AuditEntryPublic, AuditVerificationPublic
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Right
from policenet.hub import HubDep

router = APIRouter(tags=["audit"])


@router.get("/v1/audit", summary="The newest audit entries first")
def list_entries(
    hub: HubDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Entries before this seq.")
    ] = None,
    principal_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this principal's.")
    ] = None,
) -> list[AuditEntryPublic]:
    entries = hub.act(read_audit, principal, limit=limit, before=before, principal_id=principal_id)
    return [
        AuditEntryPublic(
            seq=e.seq,
            at=e.at,
            principal_id=e.principal_id,
            country=e.country,
            action=e.action,
            subject=e.subject,
            detail=e.detail_data,
            hash=e.hash,
        )
        for e in entries
    ]


@router.get("/v1/audit/verify", summary="Walk the hash chain of the whole log")
def verify(hub: HubDep, principal: CurrentPrincipal) -> AuditVerificationPublic:
    require(principal, Right.READ_AUDIT)
    result = verify_audit(
        hub.database,
        principal,
        public=hub.audit_key,
        every=hub.settings.audit_checkpoint_every,
    )
    return AuditVerificationPublic(
        intact=result.problem is None,
        checked=result.checked,
        written=result.written,
        checkpoints=result.checkpoints,
        first_problem_seq=None if result.problem is None else result.problem.seq,
        problem=None if result.problem is None else result.problem.reason,
    )
