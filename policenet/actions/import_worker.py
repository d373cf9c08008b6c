"""The second process of a large import: validates the file while the importing process
writes (``python -m policenet.actions.import_worker``, started by ``exchange.import_file``).

The job comes pickled on standard input, the messages go back pickled on standard output;
anything else the process prints goes to standard error, so that it cannot corrupt them.
"""

from __future__ import annotations

import os
import sys

from policenet.actions.exchange import serve_validation


def main() -> None:
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to standard error
    with sink:
        serve_validation(sys.stdin.buffer, sink)


if __name__ == "__main__":
    main()
