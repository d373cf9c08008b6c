"""Imports over the network: ``POST /v1/imports`` takes a file and answers a job, which
``GET /v1/imports/{id}`` follows to its outcome.

(No ``from __future__ import annotations``: FastAPI reads the parameters' annotations at run
time.)"""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from policenet.actions import import_jobs as actions
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import ImportErrorPublic, ImportJobPagePublic, ImportJobPublic
from policenet.domain.databases import Database
from policenet.domain.dna import ProfileKind
from policenet.domain.import_jobs import ImportJob, JobState
from policenet.hub import Hub, HubDep

router = APIRouter(tags=["imports"])


def _public(hub: Hub, job: ImportJob) -> ImportJobPublic:
    job = hub.imports.progress(job)
    rate = hub.imports.rate(job.id) if job.state is JobState.RUNNING else None
    left = None
    if rate and job.rows is not None:
        left = max(job.rows - job.validated, 0) / rate
    return ImportJobPublic(
        id=job.id,
        database=job.database,
        format=job.file_format,
        skip_invalid=job.skip_invalid,
        source=job.source,
        size=job.size,
        rows=job.rows,
        state=job.state.value,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        validated=job.validated,
        written=job.written,
        skipped=job.skipped,
        rate=rate,
        seconds_left=left,
        code=job.code,
        message=job.message,
        error_count=job.error_count,
        errors=[
            ImportErrorPublic(line=e.line, field=e.field, message=e.message) for e in job.errors
        ],
        link=f"/v1/imports/{job.id}",
    )


@router.post(
    "/v1/imports",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a file to import (CSV, JSON Lines, ANSI/NIST-ITL): answered with its job",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def send_file(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    database: Annotated[Database, Query(description="Where to import.")],
    file_format: Annotated[str, Query(alias="format", description="csv, jsonl or nist.")],
    skip_invalid: Annotated[
        bool, Query(description="Import the valid rows and leave the bad ones out.")
    ] = False,
    profile_kind: Annotated[
        ProfileKind | None,
        Query(description="ANSI/NIST-ITL DNA only: the kind of every profile of the file."),
    ] = None,
    name: Annotated[
        str, Query(max_length=200, description="The file's name, as the job and audit show it.")
    ] = "upload",
) -> ImportJobPublic:
    """The body is the file itself, written to the hub's disk as it arrives. The job runs with
    the rules of `policenet import`: every row validated, one transaction, all or nothing
    unless skip_invalid, never a record you could not change through the API. Follow it at
    its link."""
    upload = actions.Upload(
        hub.settings.data_dir / actions.SPOOL, hub.settings.max_import_mb * 1024 * 1024
    )
    try:
        async for chunk in request.stream():
            await asyncio.to_thread(upload.write, chunk)
        upload.close()
        job = await asyncio.to_thread(
            hub.act,
            actions.submit,
            principal,
            database,
            file_format,
            skip_invalid,
            profile_kind,
            name,
            upload,
        )
    except BaseException:
        upload.discard()
        raise
    hub.imports.submit(job.id)
    return _public(hub, job)


@router.get("/v1/imports", summary="Your bureau's imports, the latest first")
def list_imports(
    request: Request, hub: HubDep, principal: CurrentPrincipal, window: Paged
) -> ImportJobPagePublic:
    found = hub.look(actions.list_jobs, principal, window)
    items = [_public(hub, j) for j in found.items]
    return ImportJobPagePublic(items=items, **envelope(found, request))


@router.get("/v1/imports/{job_id}", summary="How far an import went, then its outcome")
def read_import(job_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> ImportJobPublic:
    # A read: it never waits for the import's own transaction.
    return _public(hub, hub.look(actions.read_job, principal, job_id))


@router.post("/v1/imports/{job_id}/cancel", summary="Cancel an import: nothing of it is written")
def cancel_import(job_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> ImportJobPublic:
    job = hub.look(actions.cancellable, principal, job_id)
    if hub.imports.cancel(job, principal):
        # A queued job: its file is gone, so it will never run; the runner writes it down
        # when it reaches it, not now (on SQLite, the write lock may be an import's).
        return _public(hub, job)
    return _public(hub, hub.act(actions.cancel_job, principal, job_id))
