"""Imports sent over the network: their jobs, as the hub runs them and their senders see them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from policenet.domain.databases import Database
from policenet.domain.import_jobs import ERRORS_KEPT, ImportJob, JobError, JobState
from policenet.store.paging import window_page
from policenet.store.tables import ImportJobRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _job(row: ImportJobRow) -> ImportJob:
    return ImportJob(
        id=row.id,
        principal_id=row.principal_id,
        bureau_id=row.bureau_id,
        database=Database(row.database),
        file_format=row.file_format,
        skip_invalid=row.skip_invalid,
        source=row.source,
        size=row.size,
        rows=row.rows,
        state=JobState(row.state),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        validated=row.validated,
        written=row.written,
        skipped=row.skipped,
        code=row.code,
        message=row.message,
        error_count=row.error_count,
        errors=tuple(
            JobError(
                int(str(e["line"])),
                None if e["field"] is None else str(e["field"]),
                str(e["message"]),
            )
            for e in row.errors
        ),
        cancel_asked=row.cancel_asked,
    )


def add(
    session: Session,
    *,
    principal_id: int,
    bureau_id: str | None,
    database: Database,
    file_format: str,
    skip_invalid: bool,
    profile_kind: str | None,
    source: str,
    size: int,
    rows: int | None,
    at: datetime,
) -> ImportJob:
    row = ImportJobRow(
        principal_id=principal_id,
        bureau_id=bureau_id,
        database=database.value,
        file_format=file_format,
        skip_invalid=skip_invalid,
        profile_kind=profile_kind,
        source=source,
        size=size,
        rows=rows,
        state=JobState.QUEUED.value,
        created_at=at,
        validated=0,
        written=0,
        skipped=0,
        error_count=0,
        errors=[],
        cancel_asked=False,
    )
    session.add(row)
    session.flush()
    return _job(row)


def get(session: Session, job_id: int) -> ImportJob | None:
    row = session.get(ImportJobRow, job_id)
    return None if row is None else _job(row)


def profile_kind(session: Session, job_id: int) -> str | None:
    row = session.get(ImportJobRow, job_id)
    return None if row is None else row.profile_kind


def of_bureau(
    session: Session, bureau_id: str | None, principal_id: int, window: Window
) -> Page[ImportJob]:
    """A page of the jobs of a bureau (of the principal alone when it has no bureau)."""
    query = select(ImportJobRow)
    if bureau_id is not None:
        query = query.where(ImportJobRow.bureau_id == bureau_id)
    else:
        query = query.where(ImportJobRow.principal_id == principal_id)
    return window_page(
        session,
        query,
        key=ImportJobRow.id,
        at=ImportJobRow.created_at,
        window=window,
        convert=lambda rows: [_job(r) for r in rows],
    )


def unfinished(session: Session) -> list[ImportJob]:
    query = select(ImportJobRow).where(
        ImportJobRow.state.in_((JobState.QUEUED.value, JobState.RUNNING.value))
    )
    return [_job(r) for r in session.execute(query.order_by(ImportJobRow.id)).scalars()]


def ask_cancel(session: Session, job_id: int) -> None:
    session.execute(update(ImportJobRow).where(ImportJobRow.id == job_id).values(cancel_asked=True))


def set_state(session: Session, job_id: int, state: JobState, **values: Any) -> None:  # noqa: ANN401
    """Move a job on, with what it learned (counts, outcome, errors)."""
    errors = values.pop("errors", None)
    if errors is not None:
        values["errors"] = [
            {"line": e.line, "field": e.field, "message": e.message} for e in errors[:ERRORS_KEPT]
        ]
    session.execute(
        update(ImportJobRow).where(ImportJobRow.id == job_id).values(state=state.value, **values)
    )
