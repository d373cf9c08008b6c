"""Every refusal reaches the command line the same way: one line on standard error, naming
the stable code and saying what was wrong, and a non-zero exit status; never a traceback.

``CommandGroup`` is the ``policenet`` command's group: it catches the hub's errors
(``PolicenetError``, raised by the actions) and the client's (``ClientError``, the hub's
answer to ``send``, ``listen`` and ``keys``) around whichever sub-command runs.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from policenet.cli.client import ClientError
from policenet.domain.errors import PolicenetError

if TYPE_CHECKING:
    from collections.abc import Iterator

REFUSED = 1
# Click ends a command given bad options with 2: a token or an option's file that the hub
# cannot use is as much a fault of the command line.
USAGE = 2


def report(error: PolicenetError | ClientError) -> None:
    """Print ``error [code]: message`` on standard error, on one line."""
    message = " ".join(error.message.split())
    typer.echo(f"error [{error.code}]: {message}", err=True)


class CommandGroup(TyperGroup):
    """The group of ``policenet``'s sub-commands, with the one error handler of them all."""

    # ``ctx`` is a Context of the click that Typer vendors privately (typer._click): Any.
    def invoke(self, ctx: Any) -> Any:  # noqa: ANN401 - as said, and what the command returns
        try:
            return super().invoke(ctx)
        except (PolicenetError, ClientError) as error:
            report(error)
            raise typer.Exit(REFUSED) from None


@contextmanager
def usage() -> Iterator[None]:
    """Errors in what the command line gave (its token, an option's file): reported as every
    error is, with the exit status of a usage error."""
    try:
        yield
    except PolicenetError as error:
        report(error)
        raise typer.Exit(USAGE) from None
