"""Imports sent over the network: the file kept on disk as it arrives, a job answered at once,
and the import run by the hub, one job at a time, with the rules of ``policenet import``.

The sender follows the job (rows validated and written, rate, time left), may cancel it, and
reads its outcome with every bad row and its line. A job shows to its sender and the
principals of the sender's bureau; to anyone else it does not exist. A hub that stops during
an import loses nothing acknowledged: the import is one transaction, so nothing of it was
written, and the job says so; its outcome, once it is done, is committed with its rows. A job
still queued runs when the hub starts again.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import secrets
import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

from policenet.access import may_follow_import, require
from policenet.actions.dna_transactions import announced_profiles, type18_reading
from policenet.actions.exchange.imports import ImportRejected, import_file
from policenet.actions.import_process import ImportOrder, Stopped, import_elsewhere
from policenet.actions.records import owner_bureau
from policenet.actions.verbs import refused
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.dna import ProfileKind
from policenet.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PolicenetError
from policenet.domain.import_jobs import ImportJob, JobError, JobState
from policenet.domain.principals import Principal, Right
from policenet.store import audit
from policenet.store import import_jobs as store
from policenet.store import principals as principal_store

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sqlalchemy.orm import Session

    from policenet.actions.exchange.imports import ImportReport
    from policenet.domain.listing import Page, Window
    from policenet.store.db import Database as Store

logger = logging.getLogger(__name__)

FORMATS = ("csv", "jsonl", "nist")
# Where the files of the jobs wait, under the hub's data directory.
SPOOL = "imports"


class UploadTooLarge(PolicenetError):
    code = "request_too_large"
    status = 413


def _right(database: Database) -> Right:
    if database is Database.TRAVEL_DOCUMENTS:
        return Right.RECORD_DOCUMENTS
    return Right.RECORD_RECORDS


class Upload:
    """A file as it arrives, written to the spool directory a chunk at a time (never held
    whole in memory), with its size and its lines counted on the way."""

    def __init__(self, directory: Path, limit: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"upload-{secrets.token_hex(8)}.part"
        self.limit = limit
        self.size = 0
        self.lines = 0
        self.last = b"\n"
        self._file: BinaryIO = self.path.open("wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise UploadTooLarge(
                f"The file is over {self.limit // (1024 * 1024)} MiB, the most this hub "
                "imports at once (POLICENET_MAX_IMPORT_MB): split it in parts.",
                code="request_too_large",
            )
        if chunk:
            self.lines += chunk.count(b"\n")
            self.last = chunk[-1:]
        self._file.write(chunk)

    def close(self) -> None:
        self._file.close()
        if self.last != b"\n":
            self.lines += 1  # a last line without its end

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        self.path.unlink(missing_ok=True)


def _file_of(directory: Path, job_id: int) -> Path:
    return directory / f"job-{job_id}.data"


def submit(
    session: Session,
    actor: Principal,
    database: Database,
    file_format: str,
    skip_invalid: bool,
    profile_kind: ProfileKind | None,
    source: str,
    upload: Upload,
) -> ImportJob:
    """A job for a file that arrived whole: the rights and the format are checked now (so
    that a file no one may import is refused at once), the rows when the job runs."""
    require(actor, _right(database))
    bureau = owner_bureau(session, actor)
    if file_format not in FORMATS:
        raise InvalidInput(
            f"Unknown format {file_format!r}: use csv, jsonl or nist.",
            code="import_format_unsupported",
        )
    if file_format == "nist" and database not in (Database.DNA, Database.FINGERPRINTS):
        raise InvalidInput(
            "An ANSI/NIST-ITL transaction imports into dna or fingerprints only.",
            code="import_format_unsupported",
        )
    if file_format == "nist" and database is Database.DNA and profile_kind is None:
        raise InvalidInput(
            "An ANSI/NIST-ITL transaction does not say which kind of profile its Type-18 "
            "records are: give profile_kind (reference, crime_scene, missing_person, relative "
            "or unidentified_body).",
            code="invalid_input",
        )
    if file_format != "nist":
        rows: int | None = max(upload.lines - (file_format == "csv"), 0)
    elif database is Database.DNA:
        rows = announced_profiles(upload.path)
    else:
        rows = 1  # a fingerprint transaction is one card or mark
    job = store.add(
        session,
        principal_id=actor.id,
        bureau_id=bureau,
        database=database,
        file_format=file_format,
        skip_invalid=skip_invalid,
        profile_kind=None if profile_kind is None else profile_kind.value,
        source=source[:200],
        size=upload.size,
        rows=rows,
        at=utcnow(),
    )
    upload.path.replace(_file_of(upload.path.parent, job.id))
    audit.append_by(
        session,
        actor,
        "records.import.submitted",
        f"import_job:{job.id}",
        {"database": database, "format": file_format, "bytes": upload.size},
    )
    return job


def read_job(session: Session, actor: Principal, job_id: int) -> ImportJob:
    """A job its sender's bureau may follow; any other does not exist (and the attempt is
    audited)."""
    job = store.get(session, job_id)
    if job is None or not may_follow_import(actor, job.principal_id, job.bureau_id):
        raise refused(
            NotFound(
                f"No import job {job_id}: send the file to POST /v1/imports.",
                code="import_job_not_found",
            ),
            actor,
            "import_job.read",
            f"import_job:{job_id}",
        )
    return job


def list_jobs(session: Session, actor: Principal, window: Window) -> Page[ImportJob]:
    """A page of the imports of the actor's bureau (its own, for a principal of none)."""
    return store.of_bureau(session, actor.bureau_id, actor.id, window)


def cancellable(session: Session, actor: Principal, job_id: int) -> ImportJob:
    """A job the actor may cancel: one it may follow, not yet over."""
    job = read_job(session, actor, job_id)
    if job.state.finished:
        raise Conflict(
            f"Import job {job_id} is {job.state} already: there is nothing to cancel.",
            code="import_job_finished",
        )
    return job


def cancel_job(session: Session, actor: Principal, job_id: int) -> ImportJob:
    """Record a cancellation the runner was told of (``ImportRunner.cancel``): a queued job
    is cancelled at once, a running one rolls back as soon as it reads its next rows (nothing
    of the file is written)."""
    job = read_job(session, actor, job_id)
    if job.state is not JobState.CANCELLED:  # the runner may have written it down first
        job = cancellable(session, actor, job_id)
    store.ask_cancel(session, job_id)
    if job.state is JobState.QUEUED:
        store.set_state(session, job_id, JobState.CANCELLED, finished_at=utcnow())
    audit.append_by(session, actor, "records.import.cancel", f"import_job:{job_id}", {})
    found = store.get(session, job_id)
    assert found is not None  # noqa: S101 - read just above, in this transaction
    return found


@dataclass(slots=True)
class Live:
    """How far a running job went, as its thread counts it."""

    started: float
    validated: int = 0
    written: int = 0


class _Cancelled(Exception):
    pass


def job_done(job_id: int) -> Callable[[Session, ImportReport], None]:
    """What writes a job done, with its counts and its skipped rows, in the import's own
    transaction: a hub stopped once the rows are committed finds the job done, never
    "interrupted, nothing written" beside the rows it wrote."""

    def write(session: Session, report: ImportReport) -> None:
        store.set_state(
            session,
            job_id,
            JobState.DONE,
            finished_at=utcnow(),
            written=report.written,
            validated=report.written + len(report.skipped),
            skipped=len(report.skipped),
            error_count=len(report.skipped),
            errors=[JobError(e.line, e.field, e.message) for e in report.skipped],
        )

    return write


class ImportRunner:
    """Runs the jobs, one at a time, followed by a thread of the hub's own: an import writes
    in one transaction, so two at once would only wait for each other. A large file is
    imported by a process of its own (``import_process``: the border checks the hub answers
    meanwhile do not share its interpreter), which validates in a second one."""

    def __init__(self, database: Store, directory: Path, worker_from: int) -> None:
        self.database = database
        self.directory = directory
        self.worker_from = worker_from
        self.live: dict[int, Live] = {}
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._cancel: dict[int, int] = {}  # job: the principal that cancelled it

    def start(self) -> None:
        """Account for the jobs a stopped hub left (running: failed, nothing written; queued:
        run now), then wait for new ones. Started already, it does nothing."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self.database.transaction() as session:
            for job in store.unfinished(session):
                if job.state is JobState.RUNNING:
                    store.set_state(
                        session,
                        job.id,
                        JobState.FAILED,
                        finished_at=utcnow(),
                        code="import_interrupted",
                        message="The hub stopped during the import: nothing of the file was "
                        "written. Send it again.",
                    )
                    _file_of(self.directory, job.id).unlink(missing_ok=True)
                else:
                    self._queue.put(job.id)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="policenet-imports", daemon=True)
        self._thread.start()

    def submit(self, job_id: int) -> None:
        self._queue.put(job_id)

    def cancel(self, job: ImportJob, by: Principal) -> bool:
        """Stop a job: a running one at its next rows (told in memory, so that an import that
        holds SQLite's one write lock lets go before the cancellation is written); a queued
        one by removing its file, which no write lock waits for and which no restart undoes.
        True when the job was queued: its cancellation is written when the runner reaches it
        (``cancel_job`` is for a running one)."""
        self._cancel[job.id] = by.id
        if job.id in self.live:
            return False
        _file_of(self.directory, job.id).unlink(missing_ok=True)
        return True

    def stop(self) -> None:
        """Stop once the job under way is done; the jobs still queued run at the next start."""
        if self._thread is None:
            return
        self._stopping.set()
        self._queue.put(None)
        self._thread.join()
        self._thread = None

    def progress(self, job: ImportJob) -> ImportJob:
        """The job with the counts of its running import."""
        live = self.live.get(job.id)
        if job.state is JobState.QUEUED and job.id in self._cancel:
            return replace(job, state=JobState.CANCELLED, cancel_asked=True)
        if live is None or job.state is not JobState.RUNNING:
            return job
        return replace(job, validated=live.validated, written=live.written)

    def rate(self, job_id: int) -> float | None:
        """Rows a second the running job validates."""
        live = self.live.get(job_id)
        if live is None:
            return None
        return live.validated / max(time.monotonic() - live.started, 1e-6)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._stopping.is_set():
                return
            try:
                self._run(job_id)
            except Exception:  # a job that fails must not stop the next
                logger.exception("an import job failed in the hub")

    def _elsewhere(self, job: ImportJob) -> bool:
        """Whether the job runs in a process of its own (``import_process``): a file of
        ``worker_from`` bytes or more, on a store another process can open."""
        return job.size >= self.worker_from and not self.database.in_memory

    def _cancelled(self, job_id: int) -> bool:
        if job_id in self._cancel:
            return True
        with self.database.reading() as session:
            job = store.get(session, job_id)
            return job is None or job.cancel_asked

    def _run(self, job_id: int) -> None:
        with self.database.transaction() as session:
            job = store.get(session, job_id)
            if job is None or job.state is not JobState.QUEUED:
                return
            path = _file_of(self.directory, job_id)
            by = self._cancel.pop(job_id, None)
            if job.cancel_asked or by is not None or not path.exists():
                # Cancelled while it waited (its file removed: see ``cancel``).
                store.set_state(
                    session, job_id, JobState.CANCELLED, finished_at=utcnow(), cancel_asked=True
                )
                actor = principal_store.get_principal(session, by or job.principal_id)
                if actor is not None:
                    audit.append_by(
                        session, actor, "records.import.cancel", f"import_job:{job_id}", {}
                    )
                path.unlink(missing_ok=True)
                return
            principal = principal_store.get_principal(session, job.principal_id)
            kind = store.profile_kind(session, job_id)
            store.set_state(session, job_id, JobState.RUNNING, started_at=utcnow())
        live = Live(started=time.monotonic())
        self.live[job_id] = live
        checked = [time.monotonic()]

        def asked() -> bool:
            # Asked about a cancellation at most twice a second.
            if time.monotonic() - checked[0] > 0.5:
                checked[0] = time.monotonic()
                return self._cancelled(job_id)
            return False

        def validated(count: int) -> None:
            live.validated = count

        def written(count: int) -> None:
            live.written = count

        def watched(count: Callable[[int], None]) -> Callable[[int], None]:
            def note(n: int) -> None:
                count(n)
                if asked():
                    raise _Cancelled

            return note

        outcome: dict[str, object]
        try:
            if principal is None or principal.disabled_at is not None:
                raise Forbidden(
                    "The principal that sent the file is disabled: nothing was imported.",
                    code="principal_disabled",
                )
            if not path.exists():
                raise _Cancelled  # removed by ``cancel`` as the job started
            kind = kind if job.file_format == "nist" and job.database is Database.DNA else None
            if self._elsewhere(job):
                order = ImportOrder(
                    url=self.database.url,
                    connect_args=self.database.connect_args,
                    principal_id=principal.id,
                    database=job.database,
                    path=path,
                    file_format=job.file_format,
                    skip_invalid=job.skip_invalid,
                    source=job.source,
                    profile_kind=kind,
                    worker_from=self.worker_from,
                    job_id=job_id,
                )
                # The process is asked to stop, never killed: it may have committed already.
                import_elsewhere(order, validated, written, asked)
            else:
                import_file(
                    self.database,
                    principal,
                    job.database,
                    path,  # read a line at a time as it is validated: never held whole
                    job.file_format,
                    skip_invalid=job.skip_invalid,
                    source=job.source,
                    on_validated=watched(validated),
                    on_written=watched(written),
                    nist=None if kind is None else type18_reading(ProfileKind(kind), None),
                    worker_from=self.worker_from,
                    committing=job_done(job_id),
                )
            outcome = {}  # written with the rows, in their transaction (``job_done``)
        except (_Cancelled, Stopped):
            outcome = {"state": JobState.CANCELLED, "validated": live.validated, "written": 0}
        except ImportRejected as rejected:
            outcome = {
                "state": JobState.REJECTED,
                "validated": live.validated,
                "written": 0,
                "code": rejected.code,
                "message": str(rejected),
                "error_count": len(rejected.errors),
                "errors": [JobError(e.line, e.field, e.message) for e in rejected.errors],
            }
        except PolicenetError as error:
            outcome = {
                "state": JobState.FAILED,
                "written": 0,
                "code": error.code,
                "message": str(error),
            }
        except Exception as error:  # the validating process failed, the disk, …
            logger.error("import job %d failed: %s", job_id, type(error).__name__)
            outcome = {
                "state": JobState.FAILED,
                "written": 0,
                "code": "import_failed",
                "message": "The import failed in the hub: nothing of the file was written. "
                "Send it again; if it fails again, tell the hub's operator.",
            }
        finally:
            self.live.pop(job_id, None)
            self._cancel.pop(job_id, None)
            path.unlink(missing_ok=True)
        if not outcome:
            return
        state = outcome.pop("state")
        assert isinstance(state, JobState)  # noqa: S101 - set above
        with self.database.transaction() as session:
            store.set_state(session, job_id, state, finished_at=utcnow(), **outcome)
