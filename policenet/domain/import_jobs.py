"""An import sent over the network: a job the hub runs while its sender watches it.

A bureau sends its file to ``POST /v1/imports``; the hub keeps it on disk, answers a job at
once, and imports it with the same rules as ``policenet import`` (every row validated, one
transaction, all or nothing unless ``skip_invalid``; never a record the sender could not
change through the API). The job tells how far it went (rows validated and written, rate,
time left), then its outcome and every bad row with its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.databases import Database

# The bad rows a job keeps, with their lines (the count is kept whatever their number).
ERRORS_KEPT = 1000


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"  # rows are invalid or not the sender's to change: nothing written
    FAILED = "failed"  # the file cannot be read, or the hub stopped: nothing written
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True, slots=True)
class JobError:
    line: int
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ImportJob:
    id: int
    principal_id: int
    bureau_id: str | None
    database: Database
    file_format: str
    skip_invalid: bool
    source: str
    size: int
    rows: int | None
    state: JobState
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    validated: int = 0
    written: int = 0
    skipped: int = 0
    code: str | None = None
    message: str | None = None
    error_count: int = 0
    errors: tuple[JobError, ...] = field(default_factory=tuple)
    cancel_asked: bool = False
