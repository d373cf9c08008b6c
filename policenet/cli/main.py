"""``policenet``: set up a hub, seed a demo, serve the API, verify the audit log."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from policenet.actions.demo import DemoReport, demo_seeded, seed_demo
from policenet.actions.exchange import (
    ImportRejected,
    audit_export,
    exported,
    ftm_entities,
    import_file,
    start_export,
)
from policenet.actions.hub import initialise, verify_audit
from policenet.actions.principals import authenticate
from policenet.cli.network import keys_app, listen, send
from policenet.domain.dna import ProfileKind
from policenet.domain.errors import PolicenetError
from policenet.domain.principals import Principal, Role
from policenet.domain.records import Database as RecordDatabase
from policenet.formats.ansi_nist import Type18Reading, load_locus_numbers
from policenet.settings import Settings, get_settings
from policenet.store import principals as principals_store
from policenet.store.db import Database as Store
from policenet.store.db import sqlite_path

app = typer.Typer(
    help="policenet: the hub of an international police network.", no_args_is_help=True
)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.command()(send)
app.command()(listen)
console = Console()

TOKENS_FILE = "demo-tokens.json"


def _database(settings: Settings) -> Store:
    return Store(settings.resolved_database_url)


@app.command()
def init(
    admin_name: Annotated[str, typer.Option(help="Name of the first GS administrator.")] = (
        "GS administrator"
    ),
) -> None:
    """Create or upgrade the schema and the member registry; create the first GS admin."""
    settings = get_settings()
    database = _database(settings)
    report = initialise(database, admin_name=admin_name, ttl_days=settings.token_ttl_days)
    console.print(
        f"Schema at revision {report.revision}; registry rows added: {report.registry_rows_added}."
    )
    if report.first_admin is not None:
        principal, issued = report.first_admin
        console.print(f"First GS administrator: {principal.name} (principal {principal.id}).")
        console.print("Its API token, shown this once; keep it safe:")
        console.print(issued.secret, soft_wrap=True, highlight=False)
    database.dispose()


def _reset(settings: Settings) -> None:
    path = sqlite_path(settings.resolved_database_url)
    if path is None:
        console.print(
            "--reset removes an SQLite database only; to start a PostgreSQL hub "
            "afresh, drop and create its database yourself."
        )
        raise typer.Exit(2)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    (settings.data_dir / TOKENS_FILE).unlink(missing_ok=True)


def _write_tokens(
    path: Path, report: DemoReport, settings: Settings, first: dict[str, Any] | None
) -> dict[str, Any]:
    principals = [] if first is None else [first]
    principals += [
        {"id": p.id, "name": p.name, "role": p.role, "country": p.country, "token": t.secret}
        for p, t in report.principals
    ]
    content = {
        "hub": f"http://{settings.host}:{settings.port}",
        "principals": principals,
        "examples": report.examples,
        "documents": report.documents,
        "records": report.records,
        "network": report.network,
        "notices": report.notices,
        "dna": report.dna,
        "fingerprints": report.prints,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, default=str), "utf-8")
    path.chmod(0o600)
    return content


def _print_demo(content: dict[str, Any], path: Path) -> None:
    console.print(f"Demo principals (all {len(content['principals'])} are in {path}):")
    shown = [p for p in content["principals"] if p["country"] in (None, "FR", "DE")]
    for p in shown:
        console.print(
            f"  {p['role']:<16} {p['country'] or 'GS':<3} {p['name']:<32} {p['token']}",
            soft_wrap=True,
            highlight=False,
        )
    records = ", ".join(f"{n} {db}" for db, n in content.get("records", {}).items())
    console.print(f"{content['documents']} travel documents seeded; and {records}.")
    officer = next(p for p in content["principals"] if p["role"] == Role.BORDER_OFFICER)
    example = content["examples"]["stolen_passport"]
    body = json.dumps({"mrz": example["mrz"]})
    console.print("\nTry a check (a stolen French passport):", highlight=False)
    console.print(
        f"curl -s -X POST {content['hub']}/v1/checks -H 'Authorization: Bearer "
        f"{officer['token']}' -H 'Content-Type: application/json' -d '{body}'",
        soft_wrap=True,
        highlight=False,
    )
    network = content.get("network")
    if network:
        hits = network["hits"]
        fr = next(p for p in content["principals"] if p["name"] == "NCB FR officer")
        console.print(
            f"\nHits: {len(hits['confirmed'])} confirmed, {len(hits['overdue'])} overdue "
            f"(escalated to GS-CCC), {len(hits['open'])} open; message threads on them and in "
            f"the working group '{network['working_group']}'. Watch the French NCB's events:",
            highlight=False,
        )
        console.print(
            f"curl -s {content['hub']}/v1/events -H 'Authorization: Bearer {fr['token']}'",
            soft_wrap=True,
            highlight=False,
        )
        console.print(
            f"policenet listen --token {fr['token']}   # live, in a terminal",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
    notices = content.get("notices")
    if notices:
        reviewer = next(p for p in content["principals"] if p["name"] == "Notices reviewer (demo)")
        console.print(
            f"\nNotices: {len(notices['notices'])} requests, every type in every state. The GS "
            "review queue (urgent first, then oldest; screening flags and late ones shown):",
            highlight=False,
        )
        console.print(
            f"curl -s {content['hub']}/v1/notices/review-queue -H 'Authorization: Bearer "
            f"{reviewer['token']}'",
            soft_wrap=True,
            highlight=False,
        )
        console.print(
            f"Public extracts, no token (lang en, fr, es or ar; or open it in a browser): "
            f"{content['hub']}/public/notices?lang=fr",
            soft_wrap=True,
            highlight=False,
        )
    dna = content.get("dna")
    if dna:
        fr = next(p for p in content["principals"] if p["name"] == "NCB FR officer")
        owners = ", ".join(f"{m['owner']} ({m['match']})" for m in dna["matches"])
        console.print(
            f"\nDNA: {dna['profiles']} profiles. The French suspect's profile matches across "
            f"borders: {owners}. Search it again:",
            highlight=False,
        )
        console.print(
            f"curl -s -X POST {content['hub']}/v1/dna/search -H 'Authorization: Bearer "
            f"{fr['token']}' -H 'Content-Type: application/json' -d "
            f"'{json.dumps(dna['search'])}'",
            soft_wrap=True,
            highlight=False,
        )
    prints = content.get("fingerprints")
    if prints and prints.get("reverse_search"):
        examiner = next(
            p for p in content["principals"] if p["name"] == "NCB FR fingerprint examiner"
        )
        console.print(
            "\nFingerprints (synthetic): a German ten-print, when recorded, found an open French "
            "crime-scene mark; the French examiner identified it and Germany was alerted of the "
            "hit. The candidate list:",
            highlight=False,
        )
        console.print(
            f"curl -s {content['hub']}/v1/fingerprints/searches/{prints['reverse_search']} "
            f"-H 'Authorization: Bearer {examiner['token']}'",
            soft_wrap=True,
            highlight=False,
        )
        console.print(
            "The German ten-print's right thumb, and the whole card as an ANSI/NIST-ITL "
            "transaction:",
            highlight=False,
        )
        for part, saved in (("fingers/0/image", "thumb.png"), ("transaction", "card.an2")):
            console.print(
                f"curl -s {content['hub']}/v1/fingerprints/{prints['tenprint_id']}/{part} "
                f"-H 'Authorization: Bearer {examiner['token']}' -o {saved}",
                soft_wrap=True,
                highlight=False,
            )
    person = content["examples"].get("person_in_another_script")
    if person is not None:
        console.print("\nA person recorded in Cyrillic, asked in Latin script:", highlight=False)
        console.print(
            f"curl -s -X POST {content['hub']}/v1/checks -H 'Authorization: Bearer "
            f"{officer['token']}' -H 'Content-Type: application/json' -d "
            f"'{json.dumps(person, ensure_ascii=False)}'",
            soft_wrap=True,
            highlight=False,
        )


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the random demo data.")] = 2026,
    documents: Annotated[int, typer.Option(min=1, help="Travel documents to seed.")] = 10_000,
    reset: Annotated[bool, typer.Option(help="Start again from an empty SQLite hub.")] = False,
) -> None:
    """Seed a demo hub and print its principals' tokens (kept in data/demo-tokens.json)."""
    settings = get_settings()
    path = settings.data_dir / TOKENS_FILE
    if reset:
        _reset(settings)
    database = _database(settings)
    init_report = initialise(
        database, admin_name="GS administrator (demo)", ttl_days=settings.token_ttl_days
    )
    with database.transaction() as session:
        seeded = demo_seeded(session)
    if seeded:
        database.dispose()
        if not path.exists():
            console.print(
                f"This hub holds demo data but {path} is gone, and tokens are "
                "shown only once: run 'policenet demo --reset' to start again."
            )
            raise typer.Exit(1)
        console.print("The demo hub is already seeded.")
        _print_demo(json.loads(path.read_text("utf-8")), path)
        return
    first = None
    if init_report.first_admin is not None:
        principal, issued = init_report.first_admin
        first = {
            "id": principal.id,
            "name": principal.name,
            "role": principal.role,
            "country": None,
            "token": issued.secret,
        }
    with (
        console.status(f"Seeding {documents} travel documents..."),
        database.transaction() as session,
    ):
        admin = principals_store.first_with_role(session, Role.GS_ADMIN)
        assert admin is not None  # noqa: S101 - initialise created one
        report = seed_demo(
            session, admin, seed=seed, documents=documents, ttl_days=settings.token_ttl_days
        )
    database.dispose()
    _print_demo(_write_tokens(path, report, settings, first), path)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (the audit log already records each one).")
    ] = False,
) -> None:
    """Serve the API (OpenAPI page at /docs)."""
    import uvicorn

    from policenet.api.app import create_app

    settings = get_settings()
    console.print(
        f"policenet on http://{host or settings.host}:{port or settings.port} "
        "(API reference at /docs)"
    )
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        access_log=access_log,
    )


TokenOption = Annotated[
    str,
    typer.Option(
        envvar="POLICENET_TOKEN",
        help="The API token of the principal to act as (or set POLICENET_TOKEN).",
        show_default=False,
    ),
]


def _principal(database: Store, token: str) -> Principal:
    try:
        with database.reading() as session:
            return authenticate(session, token)
    except PolicenetError as error:
        console.print(f"[bold red]{error.code}[/]: {error.message}", highlight=False)
        raise typer.Exit(2) from None


NIST_SUFFIXES = (".an2", ".an2k", ".nist", ".eft", ".xml.an2")


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
    try:
        numbers = load_locus_numbers(locus_table.read_text("utf-8-sig")) if locus_table else {}
    except PolicenetError as error:
        console.print(f"[bold red]{error.code}[/]: {error.message}", highlight=False)
        raise typer.Exit(2) from None
    return Type18Reading(kind.value, numbers)


@app.command("import")
def import_(
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
) -> None:
    """Import a file of records as the token's bureau: all rows or none, never twice."""
    chosen = _file_format(file, file_format)
    if chosen not in ("csv", "jsonl", "nist"):
        console.print(f"Unknown format {chosen!r}: use csv, jsonl or nist.")
        raise typer.Exit(2)
    nist = _nist_reading(chosen, database_name, profile_kind, locus_table)
    settings = get_settings()
    database = _database(settings)
    principal = _principal(database, token)
    if chosen == "nist":
        # Latin-1 keeps every byte as it is; the reader takes them back as bytes.
        text = file.read_bytes().decode("latin-1")
        is_card = database_name is RecordDatabase.FINGERPRINTS
        rows = 1 if is_card else max(text.count("\x1c") - 1, 0)
    else:
        text = file.read_text("utf-8-sig")
        rows = max(sum(1 for line in text.splitlines() if line.strip()) - (chosen == "csv"), 0)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=console, transient=False) as progress:
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
                database,
                principal,
                database_name,
                text,
                chosen,
                skip_invalid=skip_invalid,
                source=file.name,
                on_validated=validated,
                on_written=written,
                nist=nist,
                worker_from=settings.import_worker_from,
            )
        except ImportRejected as rejected:
            progress.stop()
            for error in rejected.errors[:50]:
                console.print(f"  {file.name}: {error}", highlight=False, soft_wrap=True)
            if len(rejected.errors) > 50:
                console.print(f"  … and {len(rejected.errors) - 50} more.")
            console.print(f"[bold red]{rejected.code}[/]: {rejected.message}", highlight=False)
            raise typer.Exit(1) from None
        except PolicenetError as error:
            progress.stop()
            console.print(f"[bold red]{error.code}[/]: {error.message}", highlight=False)
            raise typer.Exit(1) from None
        progress.update(checking, completed=rows)
    elapsed = time.perf_counter() - started
    database.dispose()
    for skipped in report.skipped:
        console.print(f"  skipped {file.name}: {skipped}", highlight=False, soft_wrap=True)
    console.print(
        f"Imported {report.written} {database_name} records from {file.name} in {elapsed:.1f} s "
        f"({report.written / max(elapsed, 1e-9):,.0f} rows/s); {len(report.skipped)} rows "
        "skipped.",
        highlight=False,
    )


@app.command("export")
def export(
    database_name: Annotated[
        RecordDatabase, typer.Argument(metavar="DATABASE", help="What to export.")
    ],
    token: TokenOption,
    file_format: Annotated[
        str, typer.Option("--format", help="jsonl, or ftm for FollowTheMoney entities.")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option(help="File to write (standard output by default).")
    ] = None,
) -> None:
    """Write the records the token's principal may see, one JSON object per line."""
    if file_format not in ("jsonl", "ftm"):
        console.print(f"Unknown format {file_format!r}: use jsonl or ftm.")
        raise typer.Exit(2)
    settings = get_settings()
    database = _database(settings)
    principal = _principal(database, token)
    written = withheld = 0
    try:
        # Audited before a line is written; read without holding the write lock (SQLite),
        # so that checks go on while a large export runs.
        with database.transaction() as session:
            start_export(session, principal, database_name, file_format)
        out = sys.stdout if output is None else output.open("w", encoding="utf-8")
        try:
            with database.reading() as session:
                for record, line in exported(session, principal, database_name):
                    if file_format == "jsonl":
                        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                        written += 1
                    elif "record" in line:
                        for entity in ftm_entities(record, f"policenet {line['owner_bureau']}"):
                            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                        written += 1
                    else:
                        withheld += 1
        finally:
            if output is not None:
                out.close()
        with database.transaction() as session:
            audit_export(session, principal, database_name, file_format, written)
    except PolicenetError as error:
        console.print(f"[bold red]{error.code}[/]: {error.message}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    note = Console(stderr=True)
    note.print(f"Exported {written} {database_name} records.", highlight=False)
    if withheld:
        note.print(
            f"{withheld} more are hit-only records of other bureaus: FollowTheMoney carries "
            "none of them; the jsonl export lists their owners and references.",
            highlight=False,
        )


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; name the first entry that was altered or removed."""
    database = _database(get_settings())
    result = verify_audit(database, None)
    database.dispose()
    if result.problem is None:
        console.print(f"Audit log intact: {result.checked} entries verified.")
        return
    console.print(
        f"[bold red]Audit log broken[/]: {result.problem.reason} "
        f"({result.checked} entries verified before it)."
    )
    raise typer.Exit(1)
