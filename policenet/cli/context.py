"""What the hub's commands share: the hub they run against, and the principal their token
names.

The hub (its settings and the store built from them) is made by the composition root,
``cli/main.py``, and handed to every command in Click's context object, so that the
commands themselves never build a store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from policenet.actions.authentication import authenticate
from policenet.actions.verbs import look
from policenet.cli.errors import usage
from policenet.domain.principals import Credentials

if TYPE_CHECKING:
    from policenet.cli.main import Hub
    from policenet.domain.principals import Principal

TokenOption = Annotated[
    str,
    typer.Option(
        envvar="POLICENET_TOKEN",
        help="The API token of the principal to act as (or set POLICENET_TOKEN).",
        show_default=False,
    ),
]


def hub_of(ctx: typer.Context) -> Hub:
    """The hub this command runs against."""
    return cast("Hub", ctx.obj)


def signed_in(hub: Hub, token: str) -> Principal:
    """The principal behind ``token``; a token that names none ends the command (status 2)."""
    with usage():
        return look(hub.store, authenticate, Credentials(token))
