"""``policenet init`` and ``policenet audit verify``: setting up a hub and checking that its
audit log was not altered."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from policenet.actions.hub import initialise, verify_audit
from policenet.cli.context import hub_of

console = Console()
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    admin_name: Annotated[str, typer.Option(help="Name of the first GS administrator.")] = (
        "GS administrator"
    ),
) -> None:
    """Create or upgrade the schema and the member registry; create the first GS admin."""
    hub = hub_of(ctx)
    report = initialise(hub.store, admin_name=admin_name, ttl_days=hub.settings.token_ttl_days)
    console.print(
        f"Schema at revision {report.revision}; registry rows added: {report.registry_rows_added}."
    )
    if report.first_admin is not None:
        principal, issued = report.first_admin
        console.print(f"First GS administrator: {principal.name} (principal {principal.id}).")
        console.print("Its API token, shown this once; keep it safe:")
        console.print(issued.secret, soft_wrap=True, highlight=False)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Walk the hash chain; name the first entry that was altered or removed."""
    result = verify_audit(hub_of(ctx).store, None)
    if result.problem is None:
        console.print(f"Audit log intact: {result.checked} entries verified.")
        return
    console.print(
        f"[bold red]Audit log broken[/]: {result.problem.reason} "
        f"({result.checked} entries verified before it)."
    )
    raise typer.Exit(1)
