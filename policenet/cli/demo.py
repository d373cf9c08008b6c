"""``policenet demo``: a hub seeded with demo and training data, and the tokens of its demo
principals printed with requests to try."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from policenet.actions.hub import initialise
from policenet.actions.verbs import look, perform
from policenet.cli.context import hub_of
from policenet.demo.population import DemoReport, demo_seeded
from policenet.demo.seeding import seed_by_first_admin
from policenet.domain.principals import Role

if TYPE_CHECKING:
    from policenet.cli.main import Hub

console = Console()

TOKENS_FILE = "demo-tokens.json"


def _reset(hub: Hub) -> None:
    path = hub.sqlite_file()
    if path is None:
        console.print(
            "--reset removes an SQLite database only; to start a PostgreSQL hub "
            "afresh, drop and create its database yourself."
        )
        raise typer.Exit(2)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    (hub.settings.data_dir / TOKENS_FILE).unlink(missing_ok=True)


def _write_tokens(
    path: Path, report: DemoReport, hub_url: str, first: dict[str, Any] | None
) -> dict[str, Any]:
    principals = [] if first is None else [first]
    principals += [
        {"id": p.id, "name": p.name, "role": p.role, "country": p.country, "token": t.secret}
        for p, t in report.principals
    ]
    content = {
        "hub": hub_url,
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


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the random demo data.")] = 2026,
    documents: Annotated[int, typer.Option(min=1, help="Travel documents to seed.")] = 10_000,
    reset: Annotated[bool, typer.Option(help="Start again from an empty SQLite hub.")] = False,
) -> None:
    """Seed a demo hub and print its principals' tokens (kept in data/demo-tokens.json)."""
    hub = hub_of(ctx)
    settings = hub.settings
    path = settings.data_dir / TOKENS_FILE
    if reset:
        _reset(hub)
    database = hub.store
    init_report = initialise(
        database, admin_name="GS administrator (demo)", ttl_days=settings.token_ttl_days
    )
    seeded = look(database, demo_seeded)
    if seeded:
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
    with console.status(f"Seeding {documents} travel documents..."):
        report = perform(
            database,
            seed_by_first_admin,
            seed=seed,
            documents=documents,
            ttl_days=settings.token_ttl_days,
        )
    _print_demo(_write_tokens(path, report, f"http://{settings.host}:{settings.port}", first), path)
