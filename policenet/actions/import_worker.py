"""The second process of a large import: validates the file while the importing process
writes (``python -m policenet.actions.import_worker``, started by ``exchange.import_file``).

The job comes pickled on standard input, the messages go back pickled on standard output;
anything else the process prints goes to standard error, so that it cannot corrupt them.
"""

from __future__ import annotations

import contextlib
import os
import sys


def main() -> None:
    # The messages get their own copy of standard output; the descriptor itself goes to
    # standard error before anything is imported, so that no stray print reaches them.
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from policenet.actions.exchange import serve_validation

    try:
        serve_validation(sys.stdin.buffer, sink)
    finally:
        with contextlib.suppress(BrokenPipeError):  # the importer may be gone
            sink.close()


if __name__ == "__main__":
    main()
