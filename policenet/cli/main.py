"""``policenet``: set up a hub, seed a demo, serve the API, verify the audit log, move files of
records in and out, and the bureau's side of the secure network.

This module is the command line's composition root: it builds the hub (its settings, and the
store they name) for each command, and assembles the commands of ``cli/hub.py``,
``cli/demo.py``, ``cli/exchange.py`` and ``cli/network.py`` into one ``policenet`` command
whose group reports every error (``cli/errors.py``).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policenet.cli.client import ClientError
from policenet.cli.demo import demo
from policenet.cli.errors import USAGE, CommandGroup, report
from policenet.cli.exchange import export, import_
from policenet.cli.hub import audit_app, init, retention_app
from policenet.cli.network import keys_app, listen, send
from policenet.settings import Settings, get_settings
from policenet.store.db import Database as Store
from policenet.store.db import sqlite_path


class Hub:
    """The hub a command runs against: the settings, and the store they name, opened on first
    use and closed when the command ends."""

    @cached_property
    def settings(self) -> Settings:
        return get_settings()

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.resolved_database_url)

    def sqlite_file(self) -> Path | None:
        """The hub's SQLite file, or None when it keeps its data elsewhere (PostgreSQL)."""
        return sqlite_path(self.settings.resolved_database_url)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()


SWITCH_INTERVAL_S = 0.001  # how long a thread of the served hub holds the interpreter at most

app = typer.Typer(
    cls=CommandGroup,
    help="policenet: the hub of an international police network.",
    no_args_is_help=True,
)


@app.callback()
def _hub(ctx: typer.Context) -> None:
    hub = Hub()
    ctx.obj = hub
    ctx.call_on_close(hub.close)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (the audit log already records each one).")
    ] = False,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve HTTPS with this certificate (PEM, with its chain).")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="The certificate's key (PEM).")] = None,
    client_ca: Annotated[
        Path | None,
        typer.Option(
            help="Mutual TLS: accept only clients whose certificate this CA signed, one per "
            "bureau, its common name the bureau's id (NCB-FR, GS-HQ; AGENCY-<id> for an "
            "agency); a token is then accepted only with its own bureau's certificate."
        ),
    ] = None,
) -> None:
    """Serve the API (OpenAPI page at /docs), over HTTPS with --tls-cert and --tls-key."""
    import ssl
    import sys

    import uvicorn
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from policenet.api.app import create_app
    from policenet.api.errors import server_log_config
    from policenet.api.tls import peer_certificate_protocol

    if (tls_cert is None) != (tls_key is None) or (client_ca is not None and tls_cert is None):
        report(
            ClientError(
                "tls_incomplete",
                "Give --tls-cert and --tls-key together (and --client-ca only with them).",
            )
        )
        raise typer.Exit(USAGE)
    for given in (tls_cert, tls_key, client_ca):
        if given is not None and not given.is_file():
            report(ClientError("tls_file_missing", f"{given} is not a file: give a PEM file."))
            raise typer.Exit(USAGE)
    settings = get_settings()
    scheme = "http" if tls_cert is None else "https"
    Console().print(
        f"policenet on {scheme}://{host or settings.host}:{port or settings.port} "
        "(API reference at /docs)" + ("" if client_ca is None else ", client certificates required")
    )
    if client_ca is not None:
        settings = settings.model_copy(update={"client_certificates": True})
    # A border check answered on the event loop waits for the interpreter's lock each time it
    # comes back from the disk or the network; a bulk import writing in a thread of this
    # process holds that lock up to the switch interval. 1 ms instead of 5 halves the checks'
    # p99 while an import runs (bench/listing.py: 80 ms to 50 at 300,000 rows), for some 5 %
    # of the import's rate.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        access_log=access_log,
        # uvicorn's own, but an error the hub answered is logged without its message.
        log_config=server_log_config(),
        ssl_certfile=None if tls_cert is None else str(tls_cert),
        ssl_keyfile=None if tls_key is None else str(tls_key),
        ssl_ca_certs=None if client_ca is None else str(client_ca),
        ssl_cert_reqs=ssl.CERT_NONE if client_ca is None else ssl.CERT_REQUIRED,
        # Over mutual TLS each request carries its connection's certificate (ASGI TLS
        # extension), which uvicorn itself does not fill.
        http=AutoHTTPProtocol if client_ca is None else peer_certificate_protocol(AutoHTTPProtocol),
    )


app.command()(send)
app.command()(listen)
app.command()(init)
app.command()(demo)
app.command()(serve)
app.command("import")(import_)
app.command("export")(export)
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(keys_app, name="keys")
