"""``policenet init`` and ``policenet audit verify``: setting up a hub and checking that its
audit log was not altered."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policenet.actions.audit_checkpoints import public_key as audit_public_key
from policenet.actions.audit_checkpoints import published_checkpoints, sign_due, signing_key
from policenet.actions.hub import initialise, verify_audit
from policenet.actions.retention import run_retention
from policenet.cli.context import hub_of
from policenet.cli.errors import usage
from policenet.domain.clock import utcnow

console = Console()
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
retention_app = typer.Typer(
    help="Records kept until their review date unless renewed.", no_args_is_help=True
)


def init(
    ctx: typer.Context,
    admin_name: Annotated[str, typer.Option(help="Name of the first GS administrator.")] = (
        "GS administrator"
    ),
) -> None:
    """Create or upgrade the schema and the member registry; create the first GS admin."""
    hub = hub_of(ctx)
    report = initialise(hub.store, admin_name=admin_name, ttl_days=hub.settings.token_ttl_days)
    with usage():
        signing_key(hub.settings.audit_key_path, create=True)
    console.print(
        f"Schema at revision {report.revision}; registry rows added: {report.registry_rows_added}."
    )
    if report.first_admin is not None:
        principal, issued = report.first_admin
        console.print(f"First GS administrator: {principal.name} (principal {principal.id}).")
        console.print("Its API token, shown this once; keep it safe:")
        console.print(issued.secret, soft_wrap=True, highlight=False)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    published: Annotated[
        list[Path] | None,
        typer.Option(help="A file of published checkpoints to check the log against; repeat."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            help="The hub's public key (audit-signing.pub), if this machine lacks its key file."
        ),
    ] = None,
) -> None:
    """Walk the hash chain and check the signed checkpoints; name the first entry that was
    altered or removed."""
    hub = hub_of(ctx)
    key_path = public_key or hub.settings.audit_key_path
    with usage():
        public = audit_public_key(key_path)
        given = [c for path in published or [] for c in published_checkpoints(path)]
    result = verify_audit(
        hub.store,
        None,
        public=public,
        every=hub.settings.audit_checkpoint_every,
        published=given,
    )
    if result.problem is None:
        signed = (
            f"; {result.checkpoints} signed checkpoints verified"
            if result.checkpoints is not None
            else f"; checkpoints not checked: no key at {key_path}"
        )
        console.print(f"Audit log intact: {result.checked} entries verified{signed}.")
        return
    console.print(
        f"[bold red]Audit log broken[/]: {result.problem.reason} "
        f"({result.checked} entries verified before it)."
    )
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(ctx: typer.Context) -> None:
    """Sign the checkpoints due and the head of the chain now (a hub that serves does it by
    itself), and print the last one."""
    hub = hub_of(ctx)
    with usage():
        key = signing_key(hub.settings.audit_key_path, create=True)
    assert key is not None  # noqa: S101 - made when missing
    made = sign_due(
        hub.store,
        key,
        hub.settings.audit_checkpoint_every,
        head=True,
        publish=hub.settings.audit_publish,
    )
    if not made:
        console.print("Nothing to sign: the head of the chain is signed already.")
        return
    last = made[-1]
    console.print(
        f"Signed {len(made)} checkpoint(s); the last at entry {last.seq}, hash {last.hash}, "
        f"key {last.key_id}."
    )


@retention_app.command("run")
def retention_run(ctx: typer.Context) -> None:
    """Remind owners of records due for review within 90 days, and erase the content of
    records past their review date (a hub that serves does it every day)."""
    report = run_retention(hub_of(ctx).store, utcnow())
    erased = sum(report.erased.values())
    per_database = ", ".join(f"{count} {name}" for name, count in sorted(report.erased.items()))
    console.print(
        f"Erased {erased} records past their review date"
        + (f" ({per_database})" if per_database else "")
        + f"; reminded the owners of {report.reminded} records due within 90 days."
    )
