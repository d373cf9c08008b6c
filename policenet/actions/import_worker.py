"""The second process of a large import: validates the file while the importing process
writes (``python -m policenet.actions.import_worker``, started by ``exchange.worker`` for
``exchange.import_file``).

The job comes pickled on standard input, the messages go back pickled on standard output;
anything else the process prints goes to standard error, so that it cannot corrupt them.
A failure of this process is told to the user as ``ImportFailed``.
"""

from __future__ import annotations

import contextlib
import os
import sys

from policenet.domain.errors import PolicenetError


class ImportFailed(PolicenetError):
    """The validation of an imported file failed or stopped (the second process died, or
    raised an error that is no refusal of the file): nothing was imported (HTTP 500)."""

    code = "import_failed"
    status = 500

    @classmethod
    def of(cls, failure: RuntimeError) -> ImportFailed:
        """The failure ``exchange.import_file`` raised, told in one sentence: a traceback
        carried back from the second process is cut to its last line, the error itself."""
        lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
        cause = lines[-1] if len(lines) > 1 else "".join(lines)
        cause = cause.removesuffix(": nothing was imported")
        return cls(
            f"The import stopped ({cause}): nothing was imported. Import the file again, and "
            "tell the hub's operators if it fails again."
        )


def main() -> None:
    # The messages get their own copy of standard output; the descriptor itself goes to
    # standard error before the exchange is imported, so that no stray print reaches them.
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from policenet.actions.exchange.worker import serve_validation

    try:
        serve_validation(sys.stdin.buffer, sink)
    finally:
        with contextlib.suppress(BrokenPipeError):  # the importer may be gone
            sink.close()


if __name__ == "__main__":
    main()
