"""What rebuilding a hit_only DNA profile from hit/no-hit answers costs now.

The German NCB holds a 12-locus profile as hit_only. A French officer knows 6 of its loci
and wants the other 12 alleles. The attack: search with the 6 known loci, one allele of them
deliberately wrong, plus one guessed pair at an unknown locus (the commonest pairs first):
under the Prüm rules the search hits (a near match, one allele apart) exactly when the guess
is right. Every search goes through the hub (POST /v1/dna/search, in-process, SQLite).

Prints how many searches each learned allele cost, how many alleles were learned before the
hub limited the officer, and what the owner was told.

Then the same for a person: the German NCB holds a person as hit_only; another French officer
knows the name and wants the birth date. The attack asks the name with a year (1970 onward),
then, once a year hits, with each month, then each day: a check hits exactly when the date
asked holds the true one. Prints how many checks the plan needs to learn the day, how many
the hub let through, and what was learned by then.

    python bench/probing.py
"""

from __future__ import annotations

import itertools
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions import principals
from policenet.actions.hub import initialise
from policenet.api.app import create_app
from policenet.demo.dna import DONOR
from policenet.domain.principals import Principal, PrincipalCreate, Role
from policenet.matching.dna import populations
from policenet.settings import Settings
from policenet.store.db import Database

KNOWN = 6


def _principal(database: Database, by: Principal, data: PrincipalCreate) -> tuple[Principal, str]:
    with database.transaction() as session:
        made, issued = principals.create_principal(session, by, data, default_ttl_days=1)
    return made, issued.secret


def _pairs(locus: str) -> list[list[str]]:
    """Every genotype at the locus, the likeliest first."""
    table = populations()["Cauc"].alleles[locus]
    alleles = sorted(table, key=lambda a: -table[a])
    pairs = itertools.combinations_with_replacement(alleles, 2)
    ranked = sorted(pairs, key=lambda p: -(table[p[0]] * table[p[1]]))
    return [sorted(p, key=float) for p in ranked]


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="policenet-probing-"))
    database = Database(f"sqlite:///{data / 'hub.db'}")
    report = initialise(database, admin_name="bench", ttl_days=1)
    assert report.first_admin is not None
    gs = report.first_admin[0]
    admins = {
        c: _principal(
            database, gs, PrincipalCreate(name=f"{c} admin", role=Role.NCB_ADMIN, country=c)
        )[0]
        for c in ("DE", "FR")
    }
    _, owner = _principal(
        database, admins["DE"], PrincipalCreate(name="DE officer", role=Role.NCB_OFFICER)
    )
    _, attacker = _principal(
        database, admins["FR"], PrincipalCreate(name="FR officer", role=Role.NCB_OFFICER)
    )
    loci = list(DONOR)
    known = {locus: DONOR[locus] for locus in loci[:KNOWN]}
    first = loci[0]
    # One known allele wrong on purpose: a right guess elsewhere makes it a near match.
    wrong = str(int(float(known[first][0])) + 1)
    decoy = known | {first: sorted([wrong, known[first][1]], key=float)}
    settings = Settings(data_dir=data, database_url=database.url, escalation_interval=600)
    costs: list[int] = []
    searches = refused = 0
    with TestClient(create_app(settings, database)) as client:
        entry = {"kind": "crime_scene", "loci": DONOR, "external_ref": "DE-BKA-PROBE"}
        stored = client.post("/v1/dna", json=entry, headers={"Authorization": f"Bearer {owner}"})
        assert stored.status_code == 201, stored.text
        headers = {"Authorization": f"Bearer {attacker}"}
        for locus in loci[KNOWN:]:
            for tries, pair in enumerate(_pairs(locus), start=1):
                body = {
                    "profile": {"kind": "crime_scene", "loci": decoy | {locus: pair}},
                    "rules": "prum",
                }
                answer = client.post("/v1/dna/search", json=body, headers=headers)
                searches += 1
                if answer.status_code == 429 or "not run" in str(answer.json().get("notes")):
                    refused += 1
                    break
                assert answer.status_code == 200, answer.text
                if answer.json()["hit"]:
                    assert pair == DONOR[locus]
                    costs.append(tries)
                    break
            if refused:
                break
        told = client.get("/v1/events", headers={"Authorization": f"Bearer {owner}"}).json()
    alerts = [e for e in told["events"] if e["kind"] == "probing.suspected"]
    with database.reading() as session:
        limited = session.execute(text("SELECT count(*) FROM probing_limits")).scalar_one()
    learned = 2 * len(costs)
    day = f"{datetime.now(UTC):%Y-%m-%d}"
    print(f"# bench/probing.py, {day}: one 12-locus hit_only profile, {KNOWN} loci known")
    print("| measure | value |")
    print("|---|---|")
    print(f"| searches sent | {searches} |")
    unknown = 2 * (len(loci) - KNOWN)
    print(f"| alleles learned before the hub limited the officer | {learned} of {unknown} |")
    if costs:
        per_allele = statistics.mean(costs) / 2
        print(f"| searches per allele learned (mean, per locus / 2) | {per_allele:.1f} |")
    print(f"| searches refused (probing_limited) | {refused} |")
    print(f"| probing.suspected events to the owner | {len(alerts)} |")
    print(f"| probing limits set (the data protection officers are told of each) | {limited} |")
    _birth_date(database, settings, admins, owner)
    database.dispose()


def _birth_date(
    database: Database, settings: Settings, admins: dict[str, Principal], owner: str
) -> None:
    """The birth-date attack on a hit_only person, through the hub."""
    _, attacker = _principal(
        database, admins["FR"], PrincipalCreate(name="FR officer 2", role=Role.NCB_OFFICER)
    )
    born = "1980-02-02"
    # The plan: the year, then the month, then the day, each tried in order until one hits.
    stages = [
        ("a year", [str(y) for y in range(1970, 1991)]),
        ("a month", [f"{born[:4]}-{m:02d}" for m in range(1, 13)]),
        ("the day", [f"{born[:7]}-{d:02d}" for d in range(1, 29)]),
    ]
    truth = (born[:4], born[:7], born)
    needed = sum(dates.index(true) + 1 for (_, dates), true in zip(stages, truth, strict=True))
    answered, hits = 0, []
    refused = False
    with TestClient(create_app(settings, database)) as client:
        person = {"name": "Marc LEBLANC", "birth_date": born, "disclosure": "hit_only"}
        owner_headers = {"Authorization": f"Bearer {owner}"}
        stored = client.post("/v1/persons", json=person, headers=owner_headers)
        assert stored.status_code == 201, stored.text
        headers = {"Authorization": f"Bearer {attacker}"}
        for _, dates in stages:
            for date in dates:
                body = {"person": {"name": "Marc Leblanc", "birth_date": date}}
                answer = client.post("/v1/checks", json=body, headers=headers)
                if answer.status_code == 429:
                    refused = True
                    break
                assert answer.status_code == 200, answer.text
                answered += 1
                if answer.json()["hit"]:
                    hits.append(date)
                    break
            if refused:
                break
    print()
    print(f"# a hit_only person's birth date ({born}), the name known")
    print("| measure | value |")
    print("|---|---|")
    print(f"| checks the plan needs to learn the day | {needed} |")
    print(f"| checks answered before the hub limited the officer | {answered} |")
    print(f"| dates asked that hit by then | {', '.join(hits) or 'none'} |")
    print(f"| limited | {'yes' if refused else 'no'} |")


if __name__ == "__main__":
    main()
