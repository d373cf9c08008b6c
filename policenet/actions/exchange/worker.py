"""Where an import validates its file: in the importing process, or in a second one that
reads and validates while the first writes.

A large file on a machine with a core to spare is validated in a fresh interpreter
(``python -m policenet.actions.import_worker``): the job goes in pickled on its standard input,
the messages come back pickled on its standard output, and an error raised there is raised
here. Either way the rows, the errors and the outcome are the same.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import site
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from policenet.actions.exchange.validation import Job, Message, Outcome, validated
from policenet.domain.errors import PolicenetError

if TYPE_CHECKING:
    from collections.abc import Generator


def validation(job: Job, size: int, worker_from: int) -> Generator[Message]:
    """The messages of a file's validation (see ``validated``): from a second process for a
    file of ``worker_from`` bytes or more, if the machine has a second core, else from this
    one. An ANSI/NIST-ITL transaction is always validated here."""
    if job.file_format != "nist" and size >= worker_from and _cores() > 1:
        return _validated_elsewhere(job)
    return validated(job)


def _cores() -> int:
    """The cores this process may use: those it may run on, within its container's quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return cores if quota is None else max(1, min(cores, quota))


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_quota(path: Path | None = None) -> int | None:
    """Whole CPUs a cgroup v2 quota allows ("150000 100000" is 1), or None without one."""
    try:
        quota, period = (path or CPU_MAX).read_text("ascii").split()[:2]
        return None if quota == "max" else int(quota) // int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _validated_elsewhere(job: Job) -> Generator[Message]:
    """``validated`` run in a second process, its messages as they come: that process reads
    and validates the file while this one writes. Closing the generator stops it.

    The worker is a fresh interpreter (``python -m policenet.actions.import_worker``), never a
    copy of this process and its threads, and it does not import the caller's main module as
    multiprocessing would; the job goes in on its standard input, the messages come back
    pickled on its standard output."""
    worker = start_worker("policenet.actions.import_worker")
    assert worker.stdin is not None and worker.stdout is not None  # noqa: S101 - PIPE asked
    finished = False
    try:
        with contextlib.suppress(BrokenPipeError), worker.stdin:
            # A worker that died at start closed its end: its exit is reported below.
            pickle.dump(job, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                message = pickle.load(worker.stdout)  # noqa: S301 - our own worker's output
            except (EOFError, pickle.UnpicklingError):  # gone, perhaps halfway through one
                raise RuntimeError(
                    "the process validating the file stopped before it finished "
                    f"(exit code {worker.wait()}): nothing was imported"
                ) from None
            if isinstance(message, _Failure):
                raise message.error()
            if isinstance(message, Outcome):
                finished = True
            yield message
            if finished:
                return
    finally:
        if not finished:  # an error here or there, or the import abandoned
            worker.kill()
        try:
            worker.wait(timeout=_WORKER_EXIT)  # done: it exits once its outcome is read
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()


_WORKER_EXIT = 5  # seconds a worker that sent its outcome is given to exit


def start_worker(module: str) -> subprocess.Popen[bytes]:
    """``python -m module`` in a fresh interpreter, spoken to on its standard input and
    output (pipes), in a session of its own: a Ctrl-C at the terminal stops its parent,
    which stops it."""
    return subprocess.Popen(  # noqa: S603 - one of our own modules, by its name
        # -P: nothing from the current directory (where the bureau's file may lie) is imported.
        [sys.executable, "-P", "-m", module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=worker_environment(),
        start_new_session=True,
    )


def worker_environment() -> dict[str, str]:
    """This environment, and where this package lies when the interpreter would not find it
    by itself (run from a source tree): never a site directory, which would come before the
    standard library."""
    environment = dict(os.environ)
    root = str(Path(__file__).resolve().parents[3])
    known = {*site.getsitepackages(), site.getusersitepackages()}
    if root not in known:
        environment["PYTHONPATH"] = os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    return environment


@dataclass(frozen=True, slots=True)
class _Failure:
    """An error raised while validating in the worker, carried back to be raised here."""

    kind: type[PolicenetError] | None
    message: str
    code: str | None = None
    field: str | None = None

    def error(self) -> Exception:
        if self.kind is None:
            return RuntimeError(f"validating the file failed: {self.message}")
        return self.kind(self.message, code=self.code, field=self.field)


def serve_validation(source: BinaryIO, sink: BinaryIO) -> None:
    """The worker process: reads a pickled job from ``source`` and writes what ``validated``
    yields to ``sink``, each message pickled and flushed."""
    # This process lives for one file, makes millions of short-lived objects that reference
    # counting frees, and no cycles worth finding: the cyclic collector, walking every object
    # the process holds again and again, took a third of its time.
    gc.disable()
    try:
        job = pickle.load(source)  # noqa: S301 - sent by the importing process, our parent
        for message in validated(job):
            # Pickled whole before any byte is written: a message that cannot be pickled
            # leaves nothing half-sent in front of the failure that reports it.
            sink.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            sink.flush()
    except BrokenPipeError:
        return  # the importing process stopped listening
    except PolicenetError as error:
        failure = _Failure(type(error), error.message, error.code, error.field)
    except Exception:  # carried back whole, to be raised there
        failure = _Failure(None, traceback.format_exc())
    else:
        return
    with contextlib.suppress(BrokenPipeError):
        sink.write(pickle.dumps(failure))
        sink.flush()
