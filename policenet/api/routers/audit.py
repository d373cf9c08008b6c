"""The audit log, for those whose role may read it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from policenet.access import require
from policenet.actions.accountability import queries_on_my_records
from policenet.actions.hub import exported_audit, read_audit, start_audit_export, verify_audit
from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import AuditEntryPublic, AuditVerificationPublic, QueryOnRecordPublic
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
    since: Annotated[datetime | None, Query(description="From this time (UTC).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time (UTC).")] = None,
) -> AuditFilter:
    return AuditFilter(
        principal_id=principal_id,
        bureau_id=bureau,
        subject=subject,
        action=action,
        since=None if since is None else _utc(since),
        until=None if until is None else _utc(until),
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Chosen = Annotated[AuditFilter, Depends(chosen_entries)]


@router.get("/v1/audit", summary="The newest audit entries first, filtered")
def list_entries(
    hub: HubDep,
    principal: CurrentPrincipal,
    chosen: Chosen,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Entries before this seq.")
    ] = None,
) -> list[AuditEntryPublic]:
    entries = hub.act(read_audit, principal, limit=limit, before=before, chosen=chosen)
    return [AuditEntryPublic.of(e) for e in entries]


@router.get(
    "/v1/audit/queries-on-my-records",
    summary="Who checked or searched what that hit your bureau's records, when, and what "
    "they were told",
)
def queries(
    hub: HubDep,
    principal: CurrentPrincipal,
    record_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="One record's.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Older than this.")] = None,
) -> list[QueryOnRecordPublic]:
    found = hub.act(
        queries_on_my_records, principal, record_id=record_id, limit=limit, before=before
    )
    return [QueryOnRecordPublic.of(h) for h in found]


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
