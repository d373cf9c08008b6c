"""The audit log, for those whose role may read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from policenet.access import require
from policenet.actions.accountability import queries_on_my_records
from policenet.actions.hub import exported_audit, read_audit, start_audit_export, verify_audit
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import EnteredFrom, EnteredTo, Paged, PagedUntimed, envelope, utc
from policenet.api.schemas import (
    AuditEntryPagePublic,
    AuditEntryPublic,
    AuditVerificationPublic,
    QueryOnRecordPagePublic,
    QueryOnRecordPublic,
)
from policenet.domain.audit import AuditFilter
from policenet.domain.ids import MAX_ID
from policenet.domain.principals import Right
from policenet.hub import HubDep

router = APIRouter(tags=["audit"])


def chosen_entries(
    principal_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this principal's.")
    ] = None,
    bureau: Annotated[
        str | None,
        Query(min_length=2, max_length=20, description="Only the principals of this bureau."),
    ] = None,
    subject: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Only about this, e.g. record:42."),
    ] = None,
    action: Annotated[
        str | None, Query(min_length=1, max_length=60, description="Only this action.")
    ] = None,
    entered_from: EnteredFrom = None,
    entered_to: EnteredTo = None,
) -> AuditFilter:
    return AuditFilter(
        principal_id=principal_id,
        bureau_id=bureau,
        subject=subject,
        action=action,
        since=utc(entered_from),
        until=utc(entered_to),
    )


Chosen = Annotated[AuditFilter, Depends(chosen_entries)]


@router.get("/v1/audit", summary="The newest audit entries first, filtered")
def list_entries(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    chosen: Chosen,
    window: PagedUntimed,
) -> AuditEntryPagePublic:
    entries = hub.act(read_audit, principal, window=window, chosen=chosen)
    items = [AuditEntryPublic.of(e) for e in entries.items]
    return AuditEntryPagePublic(items=items, **envelope(entries, request))


@router.get(
    "/v1/audit/queries-on-my-records",
    summary="Who checked or searched what that hit your bureau's records, when, and what "
    "they were told",
)
def queries(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    record_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="One record's.")] = None,
) -> QueryOnRecordPagePublic:
    found = hub.act(queries_on_my_records, principal, record_id=record_id, window=window)
    items = [QueryOnRecordPublic.of(h) for h in found.items]
    return QueryOnRecordPagePublic(items=items, **envelope(found, request))


@router.get(
    "/v1/audit/export",
    summary="Every audit entry chosen, oldest first, as JSON lines (data protection)",
    response_class=StreamingResponse,
)
def export_entries(hub: HubDep, principal: CurrentPrincipal, chosen: Chosen) -> StreamingResponse:
    hub.act(start_audit_export, principal, chosen)
    lines = (
        AuditEntryPublic.of(e).model_dump_json() + "\n"
        for e in exported_audit(hub.database, chosen)
    )
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )


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
