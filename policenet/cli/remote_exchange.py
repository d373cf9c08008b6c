"""``policenet import --hub`` and ``policenet export --hub``: a bureau's files in and out of a
hub over the network, from the bureau's own machine (POST /v1/imports, GET
/v1/{database}/export), with the rules and the answers of the direct commands."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from policenet.cli.client import ClientError, HubClient, Tls
from policenet.domain.databases import PATHS, Database

if TYPE_CHECKING:
    from pathlib import Path

console = Console()
# How often the job is asked how far it went.
POLL_SECONDS = 0.5


def import_columns() -> tuple[ProgressColumn, ...]:
    """An import's progress bars: validating, then writing, with the rate and time left."""
    return (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
    )


def _client(hub: str, token: str, timeout: float) -> HubClient:
    return HubClient(hub, token, timeout=timeout, tls=Tls.from_environment())


def _failed(error: ClientError) -> typer.Exit:
    Console(stderr=True).print(f"{error.message} ({error.code})", highlight=False)
    return typer.Exit(1)


def send_import(
    hub: str,
    token: str,
    database: Database,
    file: Path,
    file_format: str,
    *,
    skip_invalid: bool,
    profile_kind: str | None,
) -> None:
    """Send the file, follow its job with a progress bar, and print its outcome (every bad
    row with its line); exit 1 unless it was imported. Ctrl-C cancels the job."""
    client = _client(hub, token, timeout=600.0)
    params: dict[str, Any] = {
        "database": database.value,
        "format": file_format,
        "skip_invalid": str(skip_invalid).lower(),
        "name": file.name,
    }
    if profile_kind is not None:
        params["profile_kind"] = profile_kind
    try:
        with file.open("rb") as body:
            job = client.call("POST", "/v1/imports", params=params, content=body)
        console.print(
            f"Sent {file.name} ({job['size']:,} bytes): import job {job['id']}.", highlight=False
        )
        try:
            job = _follow(client, job)
        except KeyboardInterrupt:
            client.call("POST", f"{job['link']}/cancel")
            console.print(f"Import job {job['id']} cancelled: nothing of the file was written.")
            raise typer.Exit(130) from None
    except ClientError as error:
        raise _failed(error) from None
    finally:
        client.close()
    _outcome(job, database, file.name)


def _follow(client: HubClient, job: dict[str, Any]) -> dict[str, Any]:
    with Progress(*import_columns(), console=console, transient=False) as progress:
        checking = progress.add_task("validating", total=job["rows"], rate="-")
        writing = progress.add_task("writing", total=job["rows"], rate="-")
        while job["state"] in ("queued", "running"):
            time.sleep(POLL_SECONDS)
            job = client.call("GET", job["link"])
            rate = "-" if job["rate"] is None else f"{job['rate']:,.0f}"
            progress.update(checking, completed=job["validated"], rate=rate)
            progress.update(writing, completed=job["written"], rate=rate)
    return job


def _outcome(job: dict[str, Any], database: Database, name: str) -> None:
    for error in job["errors"][:50]:
        where = f"line {error['line']}" + (f", {error['field']}" if error["field"] else "")
        skipped = "skipped " if job["state"] == "done" else ""
        console.print(
            f"  {skipped}{name}: {where}: {error['message']}", highlight=False, soft_wrap=True
        )
    if job["error_count"] > 50:
        console.print(f"  … and {job['error_count'] - 50} more.")
    if job["state"] == "done":
        seconds = _seconds(job)
        console.print(
            f"Imported {job['written']} {database} records from {name} in {seconds:.1f} s "
            f"({job['written'] / max(seconds, 1e-9):,.0f} rows/s); {job['skipped']} rows "
            "skipped.",
            highlight=False,
        )
        return
    Console(stderr=True).print(
        f"{job['message'] or 'The import was cancelled.'} ({job['code'] or job['state']})",
        highlight=False,
    )
    raise typer.Exit(1)


def _seconds(job: dict[str, Any]) -> float:
    if not job["started_at"] or not job["finished_at"]:
        return 0.0
    started = datetime.fromisoformat(job["started_at"])
    finished = datetime.fromisoformat(job["finished_at"])
    return (finished - started).total_seconds()


def fetch_export(
    hub: str, token: str, database: Database, file_format: str, output: Path | None
) -> None:
    """Stream the export of what the token's principal may read to ``output`` (standard
    output by default)."""
    client = _client(hub, token, timeout=600.0)
    out = sys.stdout.buffer if output is None else output.open("wb")
    written = 0
    try:
        with client.stream(
            "GET", f"/v1/{PATHS[database]}/export", params={"format": file_format}
        ) as answer:
            for chunk in answer.iter_bytes():
                out.write(chunk)
                written += chunk.count(b"\n")
    except ClientError as error:
        raise _failed(error) from None
    finally:
        client.close()
        if output is not None:
            out.close()
    lines = written - (file_format == "csv")
    Console(stderr=True).print(
        f"Exported {lines} {'entities' if file_format == 'ftm' else 'records'} of {database}.",
        highlight=False,
    )
