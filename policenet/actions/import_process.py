"""The process of its own in which the hub runs a large import sent over the network
(``python -P -m policenet.actions.import_process``, started by ``import_jobs.ImportRunner``).

Writing a file's rows is Python work: in the hub's own process it held the interpreter lock
against the border checks the hub answers meanwhile, and the chaining of the import's audit
entries after it did too (another bureau's checks during an import of 300,000 travel
documents: p99 98.8 ms on PostgreSQL, 49-53 ms on SQLite; from a process of its own, 37.9
and 25.2 ms, and 35.8 and 30.2 ms at 1,000,000: bench/listing.py). Here it takes nothing of
the hub's but a core.

The order comes pickled on standard input; how far the import got, then its outcome, go back
pickled on standard output. A byte on standard input asks the import to stop at its next
rows; the end of standard input (the hub gone) before the import commits stops the process
at once, its transaction rolled back: an import the hub no longer follows writes nothing. Once
committed, it says so, then chains the import's audit entries whatever happens to the hub.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from policenet.domain.errors import NotFound, PolicenetError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from policenet.actions.exchange.imports import ImportReport
    from policenet.domain.databases import Database

# At most this often the process says how far it got (seconds).
PROGRESS_EVERY = 0.1
_CANCEL = b"c"


@dataclass(frozen=True, slots=True)
class ImportOrder:
    """What the process imports: ``import_file``'s arguments, the store as its URL."""

    url: str
    connect_args: dict[str, Any] | None
    principal_id: int
    database: Database
    path: Path
    file_format: str
    skip_invalid: bool
    source: str
    profile_kind: str | None
    worker_from: int
    job_id: int | None = None  # the job whose outcome is written with the rows


class Stopped(Exception):
    """The import stopped because it was asked to: nothing was written."""


def import_elsewhere(
    order: ImportOrder,
    on_validated: Callable[[int], None],
    on_written: Callable[[int], None],
    stop_asked: Callable[[], bool],
) -> ImportReport:
    """``import_file`` as ``order`` says, in a process of its own: its report, or the error
    it raised (``Stopped`` once ``stop_asked``, asked at each count it sends; a
    ``RuntimeError`` if the process died)."""
    from policenet.actions.exchange.worker import start_worker

    process = start_worker("policenet.actions.import_process")
    assert process.stdin is not None and process.stdout is not None  # noqa: S101 - PIPE asked
    finished = False
    try:
        process.stdin.write(pickle.dumps(order, protocol=pickle.HIGHEST_PROTOCOL))
        process.stdin.flush()
        asked = False
        while True:
            try:
                kind, *value = pickle.load(process.stdout)  # noqa: S301 - our own child
            except (EOFError, pickle.UnpicklingError):
                raise RuntimeError(
                    f"the importing process stopped (exit code {process.wait()})"
                ) from None
            if kind == "validated":
                on_validated(value[0])
            elif kind == "written":
                on_written(value[0])
            else:
                finished = True
                return _outcome(kind, value)
            if not asked and stop_asked():
                asked = True
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.write(_CANCEL)
                    process.stdin.flush()
    finally:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()  # its end of the order: it stops if still at work
        if not finished:
            process.kill()
        process.wait()
        process.stdout.close()


def _outcome(kind: str, value: list[Any]) -> ImportReport:
    if kind == "done":
        report: ImportReport = value[0]
        return report
    if kind == "stopped":
        raise Stopped
    if kind == "refused":
        error_type, message, code, field, details, errors = value
        from policenet.actions.exchange.imports import ImportRejected

        if issubclass(error_type, ImportRejected):
            raise error_type(errors, message)
        # A kind made otherwise raises TypeError here: the job fails as ``import_failed``.
        raise error_type(message, code=code, field=field, details=details)
    raise RuntimeError(f"the import failed in its process: {value[0]}")


def _run(order: ImportOrder, sink: BinaryIO, stop: threading.Event, done: threading.Event) -> None:
    from policenet.actions.audit_checkpoints import chain_deferred_entries
    from policenet.actions.dna_transactions import type18_reading
    from policenet.actions.exchange.imports import ImportRejected, import_file
    from policenet.actions.import_jobs import job_done
    from policenet.domain.dna import ProfileKind
    from policenet.store import principals
    from policenet.store.db import Database as Store

    def send(*message: object) -> None:
        sink.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        sink.flush()

    last = [0.0]

    def counted(kind: str) -> Callable[[int], None]:
        def note(count: int) -> None:
            if stop.is_set():
                raise Stopped
            if time.monotonic() - last[0] >= PROGRESS_EVERY:
                last[0] = time.monotonic()
                send(kind, count)

        return note

    store = Store(order.url, connect_args=order.connect_args)
    try:
        with store.reading() as session:
            actor = principals.get_principal(session, order.principal_id)
        if actor is None:
            raise NotFound("The principal that sent the file is gone.", code="principal_not_found")
        nist = None
        if order.profile_kind is not None and order.file_format == "nist":
            nist = type18_reading(ProfileKind(order.profile_kind), None)
        report = import_file(
            store,
            actor,
            order.database,
            order.path,
            order.file_format,
            skip_invalid=order.skip_invalid,
            source=order.source,
            on_validated=counted("validated"),
            on_written=counted("written"),
            nist=nist,
            worker_from=order.worker_from,
            chain=False,
            committing=None if order.job_id is None else job_done(order.job_id),
        )
        # Committed: from here the end of standard input no longer stops the process.
        done.set()
        send("done", report)
        with contextlib.suppress(Exception):  # the hub chains what is left every 5 s
            chain_deferred_entries(store)
    except Stopped:
        send("stopped")
    except PolicenetError as error:
        errors = error.errors if isinstance(error, ImportRejected) else None
        refusal = (type(error), error.message, error.code, error.field, error.details, errors)
        try:
            send("refused", *refusal)
        except (pickle.PicklingError, TypeError, AttributeError):  # pickled before it is sent
            send("failed", type(error).__name__)
    except Exception as error:  # carried back by its kind only: its text may quote a row
        send("failed", type(error).__name__)
    finally:
        store.dispose()


def _listen(source: BinaryIO, stop: threading.Event, done: threading.Event) -> None:
    """Standard input after the order: a byte asks to stop; its end, the hub gone, stops the
    process at once, whatever it was writing (its transaction is rolled back)."""
    while True:
        byte = source.read(1)
        if not byte:
            if not done.is_set():
                os._exit(3)
            return
        stop.set()


def main() -> None:
    # The messages get their own copy of standard output; the descriptor itself goes to
    # standard error, so that no stray print reaches them.
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    source = sys.stdin.buffer
    order = pickle.load(source)  # noqa: S301 - sent by the hub, our parent
    stop, done = threading.Event(), threading.Event()
    threading.Thread(target=_listen, args=(source, stop, done), daemon=True).start()
    try:
        _run(order, sink, stop, done)
    except BrokenPipeError:
        pass  # the hub stopped listening
    finally:
        done.set()
        with contextlib.suppress(BrokenPipeError):
            sink.close()


if __name__ == "__main__":
    main()
