"""``policenet import`` and ``policenet export``: a bureau's records in and out of the hub as
files (CSV, JSON Lines, ANSI/NIST-ITL in; JSON Lines and FollowTheMoney out)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    Progress,
)

from policenet.actions.dna_transactions import Type18Reading, announced_profiles, type18_reading
from policenet.actions.exchange import (
    ImportRejected,
    audit_export,
    exported_from,
    ftm_entities,
    import_file,
    start_export,
)
from policenet.actions.import_worker import ImportFailed
from policenet.actions.verbs import perform
from policenet.cli.context import TokenOption, hub_of, signed_in
from policenet.cli.errors import usage
from policenet.cli.remote_exchange import fetch_export, import_columns, send_import
from policenet.domain.dna import ProfileKind
from policenet.domain.errors import InvalidInput
from policenet.domain.records import Database as RecordDatabase

console = Console()

NIST_SUFFIXES = (".an2", ".an2k", ".nist", ".eft", ".xml.an2")

RemoteHub = Annotated[
    str | None,
    typer.Option(
        "--hub",
        help="Send the file to this hub over the network (POST /v1/imports) or fetch the export "
        "from it, from your own machine; without it, the command opens this machine's hub "
        "database directly (the hub's operator).",
        show_default=False,
    ),
]


def _lines(path: Path) -> int:
    """The file's lines that hold more than blanks, read a line at a time."""
    with path.open("rb") as file:
        return sum(1 for line in file if line.strip())


def _utf8(path: Path) -> str:
    """The file's text, or a clear refusal naming the line of its first byte that is not
    UTF-8 (a file saved as Latin-1 or Windows-1252 by a spreadsheet)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"{path.name} is not UTF-8 text: line {line} holds the byte "
            f"{raw[error.start]:#04x}. Save the file as UTF-8 (CSV UTF-8 in a spreadsheet) and "
            "import it again.",
            code="import_not_utf8",
        ) from None


def _file_format(path: Path, given: str | None) -> str:
    if given is not None:
        return given
    if path.suffix.lower() in NIST_SUFFIXES:
        return "nist"
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"


def _nist_reading(
    chosen: str, database: RecordDatabase, kind: ProfileKind | None, locus_table: Path | None
) -> Type18Reading | None:
    if chosen != "nist" or database is not RecordDatabase.DNA:
        return None
    if kind is None:
        console.print(
            "An ANSI/NIST-ITL transaction does not say which kind of profile its Type-18 "
            "records are: give --profile-kind (reference, crime_scene, missing_person, "
            "relative or unidentified_body)."
        )
        raise typer.Exit(2)
    table = None if locus_table is None else _utf8(locus_table)
    with usage():
        return type18_reading(kind, table)


def import_(
    ctx: typer.Context,
    database_name: Annotated[
        RecordDatabase, typer.Argument(metavar="DATABASE", help="Where to import.")
    ],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV, JSON Lines, or an ANSI/NIST-ITL transaction: Type-18 records (dna), or "
            "one ten-print card or mark (fingerprints).",
        ),
    ],
    token: TokenOption,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv, jsonl or nist (by default, from the file's extension: .an2, .nist and "
            ".eft are ANSI/NIST-ITL).",
        ),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and leave the bad ones out.")
    ] = False,
    profile_kind: Annotated[
        ProfileKind | None,
        typer.Option(help="ANSI/NIST-ITL only: the kind of every profile of the transaction."),
    ] = None,
    locus_table: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="ANSI/NIST-ITL only: your laboratory system's locus numbers, one NUMBER,LOCUS "
            "per line, for transactions that number their loci.",
        ),
    ] = None,
    remote: RemoteHub = None,
) -> None:
    """Import a file of records as the token's bureau: all rows or none, never twice."""
    chosen = _file_format(file, file_format)
    if chosen not in ("csv", "jsonl", "nist"):
        console.print(f"Unknown format {chosen!r}: use csv, jsonl or nist.")
        raise typer.Exit(2)
    if remote is not None:
        if locus_table is not None:
            console.print(
                "--locus-table is read on the hub's machine only: import a transaction that "
                "numbers its loci with the direct command, or name its loci."
            )
            raise typer.Exit(2)
        send_import(
            remote,
            token,
            database_name,
            file,
            chosen,
            skip_invalid=skip_invalid,
            profile_kind=None if profile_kind is None else profile_kind.value,
        )
        return
    nist = _nist_reading(chosen, database_name, profile_kind, locus_table)
    hub = hub_of(ctx)
    principal = signed_in(hub, token)
    # Read as it is validated, a line (or a transaction's record) at a time, never whole:
    # counted here for the progress bar in one pass that holds a block at a time.
    rows: int | None
    if chosen != "nist":
        rows = max(_lines(file) - (chosen == "csv"), 0)
    elif database_name is RecordDatabase.FINGERPRINTS:
        rows = 1  # one card or mark a transaction
    else:
        rows = announced_profiles(file)  # read from the Type-1 record alone
    started = time.perf_counter()
    with Progress(*import_columns(), console=console, transient=False) as progress:
        checking = progress.add_task("validating", total=rows, rate="-")
        writing = progress.add_task("writing", total=rows, rate="-", start=False)

        def validated(count: int) -> None:
            rate = count / max(time.perf_counter() - started, 1e-9)
            progress.update(checking, completed=count, rate=f"{rate:,.0f}")

        def written(count: int) -> None:
            progress.start_task(writing)
            elapsed = progress.tasks[writing].elapsed or 1e-9
            progress.update(writing, completed=count, rate=f"{count / elapsed:,.0f}")

        try:
            report = import_file(
                hub.store,
                principal,
                database_name,
                file,
                chosen,
                skip_invalid=skip_invalid,
                source=file.name,
                on_validated=validated,
                on_written=written,
                nist=nist,
                worker_from=hub.settings.import_worker_from,
            )
        except ImportRejected as rejected:
            progress.stop()
            for error in rejected.errors[:50]:
                console.print(f"  {file.name}: {error}", highlight=False, soft_wrap=True)
            if len(rejected.errors) > 50:
                console.print(f"  … and {len(rejected.errors) - 50} more.")
            raise
        except RuntimeError as failure:
            # How import_file reports the failure of its validating process.
            raise ImportFailed.of(failure) from None
        progress.update(checking, completed=rows)
    elapsed = time.perf_counter() - started
    for skipped in report.skipped:
        console.print(f"  skipped {file.name}: {skipped}", highlight=False, soft_wrap=True)
    console.print(
        f"Imported {report.written} {database_name} records from {file.name} in {elapsed:.1f} s "
        f"({report.written / max(elapsed, 1e-9):,.0f} rows/s); {len(report.skipped)} rows "
        "skipped.",
        highlight=False,
    )


def export(
    ctx: typer.Context,
    database_name: Annotated[
        RecordDatabase, typer.Argument(metavar="DATABASE", help="What to export.")
    ],
    token: TokenOption,
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl, or ftm for FollowTheMoney entities (csv too, with --hub).",
        ),
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option(help="File to write (standard output by default).")
    ] = None,
    remote: RemoteHub = None,
) -> None:
    """Write the records the token's principal may see, one JSON object per line."""
    if remote is not None:
        if file_format not in ("jsonl", "csv", "ftm"):
            console.print(f"Unknown format {file_format!r}: use jsonl, csv or ftm.")
            raise typer.Exit(2)
        fetch_export(remote, token, database_name, file_format, output)
        return
    if file_format not in ("jsonl", "ftm"):
        console.print(f"Unknown format {file_format!r}: use jsonl or ftm.")
        raise typer.Exit(2)
    hub = hub_of(ctx)
    database = hub.store
    principal = signed_in(hub, token)
    written = withheld = 0
    # Audited before a line is written.
    perform(database, start_export, principal, database_name, file_format)
    out = sys.stdout if output is None else output.open("w", encoding="utf-8")
    try:
        for record, line in exported_from(database, principal, database_name):
            if file_format == "jsonl":
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                written += 1
            elif record is not None:
                for entity in ftm_entities(record, f"policenet {line['owner_bureau']}"):
                    out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                written += 1
            else:
                withheld += 1
    finally:
        if output is not None:
            out.close()
    perform(database, audit_export, principal, database_name, file_format, written)
    note = Console(stderr=True)
    note.print(f"Exported {written} {database_name} records.", highlight=False)
    if withheld:
        note.print(
            f"{withheld} more are hit-only records of other bureaus: FollowTheMoney carries "
            "none of them; the jsonl export lists their owners and references.",
            highlight=False,
        )
