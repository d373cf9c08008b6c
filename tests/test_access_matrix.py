"""Invariant 2 over every read path: nobody learns of or reads a record its owner did not allow.

The read paths are generated, not listed: every ``GET`` route of the API that reads one
record of a police database by its id (found in the API's published reference), the one
check for every database it answers, the DNA and fingerprint searches, the hits those made
(listed and read by each bureau), and the export of every database. Each is asked
for five records of one owner (restricted to listed countries, restricted by exclusion,
``hit_only``, withdrawn, past its review date) by six principals (the owner, an allowed
country, an excluded country, a national agency, a carrier, the General Secretariat). What
each may learn is written here once (``learns``, ``reads``), from the organisation's rules,
independently of ``policenet.access``; every refused read must leave its audit entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.exchange import exported
from policenet.actions.principals import create_principal
from policenet.domain.errors import PolicenetError
from policenet.domain.notices import NoticeType
from policenet.domain.principals import AgencyKind, PrincipalCreate, Right, Role
from policenet.domain.records import Database as PoliceDatabase
from policenet.store.db import Database
from tests.conftest import MATRIX_CASES, Actor, World
from tests.test_dna import DONOR, profile
from tests.test_fingerprints import tenprint
from tests.test_network import events_of
from tests.test_notices import content, publish, subject
from tests.test_records import (
    CHECK_DUVAL,
    IMO,
    VIN_EU,
    answered,
    artwork,
    check,
    enter,
    firearm,
    person,
    today,
    vehicle,
    vessel,
)

OWNER = "FR"
VARIANTS = ("only_listed", "all_but_listed", "hit_only", "withdrawn", "expired")
VIEWERS = ("owner", "allowed", "excluded", "agency", "carrier", "gs")
COUNTRY = {
    "owner": "FR",
    "allowed": "BE",
    "excluded": "DE",
    "agency": "FR",
    "carrier": "FR",
    "gs": None,
}
# The databases a carrier may ask: travel documents, hit or no hit.
CARRIER_RIGHTS = {PoliceDatabase.TRAVEL_DOCUMENTS}


# --- what each may learn: the organisation's rules, written here once -----------------------


def learns(viewer: str, variant: str) -> bool:
    """Whether the viewer may learn that the record exists (by its id, in an export)."""
    if viewer == "owner":
        return True
    if variant in ("withdrawn", "expired"):
        return False
    country = COUNTRY[viewer]
    if variant == "only_listed":
        return country in (OWNER, "BE")
    if variant == "all_but_listed":
        return country != "DE"
    return True


def answers(viewer: str, variant: str) -> bool:
    """Whether a check or a search by the viewer finds the record: only records in force
    answer, for their owner too."""
    return variant not in ("withdrawn", "expired") and learns(viewer, variant)


def reads(viewer: str, variant: str) -> bool:
    """Whether the viewer may read the record's content."""
    if not learns(viewer, variant):
        return False
    return viewer == "owner" or (viewer != "carrier" and variant != "hit_only")


def holds_right(viewer: str, database: PoliceDatabase) -> bool:
    return viewer != "carrier" or database in CARRIER_RIGHTS


# --- the records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How to record one database's records, and how to find one by a check."""

    database: PoliceDatabase
    path: str
    body: Callable[[int], dict[str, Any]]
    question: Callable[[int], dict[str, Any]] | None


NAMES = [
    "Eleonore Vasquez",
    "Tadeusz Brzezinski",
    "Oluwaseun Adeyemi",
    "Haruki Tanabe",
    "Ingrid Solberg",
]


def _imo(seed: int) -> str:
    digits = f"{907470 + seed:06d}"
    check = sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return f"{digits}{check}"


def _document(i: int) -> dict[str, Any]:
    return {
        "issuing_country": OWNER,
        "document_type": "passport",
        "number": f"MX{i}40{i}512",
        "status": "stolen",
        "event_date": "2026-01-15",
        "holder_name": "MARTIN, Claire",
        "holder_birth_date": "1986-03-14",
    }


KINDS = [
    Kind(
        PoliceDatabase.TRAVEL_DOCUMENTS,
        "documents",
        _document,
        lambda i: {"document": {"issuing_country": OWNER, "number": f"MX{i}40{i}512"}},
    ),
    Kind(
        PoliceDatabase.PERSONS,
        "persons",
        lambda i: person(name=NAMES[i], aliases=[], birth_date=f"19{60 + i}-0{i + 1}-1{i}"),
        lambda i: {"person": {"name": NAMES[i], "birth_date": f"19{60 + i}-0{i + 1}-1{i}"}},
    ),
    Kind(
        PoliceDatabase.VEHICLES,
        "vehicles",
        lambda i: vehicle(vin=f"{VIN_EU[:-1]}{i}", plate=f"AB-12{i}-CD"),
        lambda i: {"vehicle": {"vin": f"{VIN_EU[:-1]}{i}"}},
    ),
    Kind(
        PoliceDatabase.ART,
        "art",
        lambda i: artwork(title=f"Nature morte numero {i} aux citrons"),
        lambda i: {"artwork": {"title": f"Nature morte numero {i} aux citrons"}},
    ),
    Kind(
        PoliceDatabase.FIREARMS,
        "firearms",
        lambda i: firearm(serial=f"QZT-90{i}7"),
        lambda i: {"firearm": {"serial": f"QZT-90{i}7"}},
    ),
    Kind(
        PoliceDatabase.VESSELS,
        "vessels",
        lambda i: vessel(name=f"Stella Maris {i}", imo=f"IMO {_imo(i)}", mmsi=f"22712345{i}"),
        lambda i: {"vessel": {"imo": _imo(i)}},
    ),
    Kind(PoliceDatabase.DNA, "dna", lambda i: profile(DONOR), None),
    Kind(PoliceDatabase.FINGERPRINTS, "fingerprints", lambda i: tenprint({1: "101_1"}), None),
]
assert IMO  # the records' own vessel stays out of this population


def _terms(variant: str) -> dict[str, Any]:
    """The owner's terms, disclosure always said (DNA is ``hit_only`` unless said)."""
    if variant == "only_listed":
        scope = {"scope": "only_listed", "countries": ["BE"]}
    elif variant == "all_but_listed":
        scope = {"scope": "all_but_listed", "countries": ["DE"]}
    else:
        scope = {"scope": "all", "countries": []}
    disclosure = "hit_only" if variant == "hit_only" else "full"
    return {"visibility": scope, "disclosure": disclosure}


def _record(
    client: TestClient, database: Database, owner: Actor, kind: Kind, index: int, variant: str
) -> int:
    body = kind.body(index) | _terms(variant) | {"external_ref": f"{kind.path}-{variant}"}
    answer = client.post(f"/v1/{kind.path}", json=body, headers=owner.headers)
    assert answer.status_code == 201, answer.text
    record_id: int = answer.json()["id"]
    url = f"/v1/{kind.path}/{record_id}"
    if variant == "withdrawn":
        gone = client.post(f"{url}/withdraw", json={"reason": "found"}, headers=owner.headers)
        assert gone.status_code == 200, gone.text
    if variant == "expired":
        table = (
            "travel_documents" if kind.database is PoliceDatabase.TRAVEL_DOCUMENTS else "records"
        )
        with database.transaction() as session:
            session.execute(
                text(f"UPDATE {table} SET review_date = :day WHERE id = :id"),  # noqa: S608
                {"day": today() - timedelta(days=1), "id": record_id},
            )
    return record_id


def _viewers(world: World) -> dict[str, Actor]:
    agency = world.agency(OWNER, AgencyKind.POLICE, [Right.CHECK_DOCUMENTS, Right.CHECK_RECORDS])
    with world.database.transaction() as session:
        principal, issued = create_principal(
            session,
            world.ncb_admin(OWNER).principal,
            PrincipalCreate(name="FR police officer", role=Role.AGENCY_OFFICER, agency_id=agency),
            default_ttl_days=30,
        )
    return {
        "owner": world.principal(Role.NCB_OFFICER, OWNER),
        "allowed": world.principal(Role.NCB_OFFICER, "BE"),
        "excluded": world.principal(Role.NCB_OFFICER, "DE"),
        "agency": Actor(principal, issued.secret),
        "carrier": world.principal(Role.CARRIER, OWNER),
        "gs": world.principal(Role.GS_REVIEWER),
    }


# --- the read paths ------------------------------------------------------------------------

READ_BY_ID = re.compile(
    r"^/v1/(?P<path>[a-z_]+)/\{(?P<param>record_id|document_id)\}(?P<rest>/.*)?$"
)


def read_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every GET route of the API's published reference that reads one record by its id:
    (the database's path, the route)."""
    found = []
    for route, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        matched = READ_BY_ID.match(route)
        if "get" in operations and matched is not None:
            found.append((matched["path"], route))
    return sorted(found)


def _url(route: str, record_id: int) -> str:
    url = re.sub(r"\{(record_id|document_id)\}", str(record_id), route)
    return url.replace("{finger}", "0")


def last_audit(database: Database, principal_id: int) -> tuple[str, dict[str, Any]] | None:
    """The principal's latest audit entry: its action and detail."""
    with database.reading() as session:
        row = session.execute(
            text(
                "SELECT action, detail FROM audit_log WHERE principal_id = :p "
                "ORDER BY seq DESC LIMIT 1"
            ),
            {"p": principal_id},
        ).one_or_none()
    return None if row is None else (row.action, json.loads(row.detail))


def audit_head(database: Database) -> int:
    """The number of the last audit entry written."""
    with database.reading() as session:
        return int(session.execute(text("SELECT COALESCE(MAX(seq), 0) FROM audit_log")).scalar())


def audit_since(database: Database, principal_id: int, after: int) -> list[dict[str, Any]]:
    """The details of the principal's audit entries written after entry ``after``."""
    with database.reading() as session:
        rows = session.execute(
            text("SELECT detail FROM audit_log WHERE principal_id = :p AND seq > :s"),
            {"p": principal_id, "s": after},
        ).scalars()
        return [json.loads(detail) for detail in rows]


class Matrix:
    """The cases asked and what went against the rules."""

    def __init__(self) -> None:
        self.cases = 0
        self.wrong: list[str] = []

    def expect(self, case: str, got: object, wanted: object) -> None:
        self.cases += 1
        if got != wanted:
            self.wrong.append(f"{case}: got {got!r}, the rules say {wanted!r}")


def test_every_read_path_shows_each_principal_exactly_what_the_owner_allowed(
    client: TestClient, world: World, database: Database, request: pytest.FixtureRequest
) -> None:
    viewers = _viewers(world)
    owner = viewers["owner"]
    ids: dict[tuple[PoliceDatabase, str], int] = {}
    for kind in KINDS:
        for index, variant in enumerate(VARIANTS):
            ids[kind.database, variant] = _record(client, database, owner, kind, index, variant)
    by_path = {kind.path: kind for kind in KINDS}
    routes = read_routes(client)
    # Every database has its read by id, and every read route reads a database populated here.
    assert {path for path, _ in routes} == set(by_path)
    matrix = Matrix()

    # Read by id, on every route that reads one record.
    for path, route in routes:
        kind = by_path[path]
        for variant in VARIANTS:
            record_id = ids[kind.database, variant]
            for viewer, actor in viewers.items():
                case = f"GET {route} [{variant}] by {viewer}"
                since = audit_head(database)
                answer = client.get(_url(route, record_id), headers=actor.headers)
                if not holds_right(viewer, kind.database):
                    wanted = 403
                else:
                    wanted = 200 if reads(viewer, variant) else 404
                matrix.expect(case, answer.status_code, wanted)
                # Every reading is audited, answered or refused, by an entry of its own.
                shown = [d.get("shown") for d in audit_since(database, actor.principal.id, since)]
                matrix.expect(f"{case} audited", answer.status_code == 200, True in shown)
                matrix.expect(
                    f"{case} audited as refused", answer.status_code != 200, False in shown
                )
                if answer.status_code == 200 and not route.endswith("/image"):
                    # The owner's own reference, in any answer that could carry it.
                    own_ref = f"{kind.path}-{variant}".encode()
                    matrix.expect(
                        f"{case} owner's reference", own_ref in answer.content, viewer == "owner"
                    )
                if answer.status_code == 200 and route.endswith("_id}"):
                    terms = answer.json()["visibility"] is not None
                    matrix.expect(f"{case} owner's terms", terms, viewer == "owner")

    # The list and the export over HTTP of every database: exactly the records each viewer
    # reads by id, in any state (carriers, who read none, may not list).
    every_state = {"state": "in_force,expired,withdrawn", "limit": "500"}
    for kind in KINDS:
        for viewer, actor in viewers.items():
            case = f"list {kind.path} by {viewer}"
            listed = client.get(f"/v1/{kind.path}", params=every_state, headers=actor.headers)
            out = client.get(f"/v1/{kind.path}/export", params=every_state, headers=actor.headers)
            if viewer == "carrier" or not holds_right(viewer, kind.database):
                matrix.expect(case, (listed.status_code, out.status_code), (403, 403))
                continue
            wanted = sorted(ids[kind.database, v] for v in VARIANTS if reads(viewer, v))
            matrix.expect(case, sorted(r["id"] for r in listed.json()["items"]), wanted)
            matrix.expect(f"{case}: total", listed.json()["total"], len(wanted))
            exported_ids = sorted(json.loads(line)["id"] for line in out.text.splitlines())
            matrix.expect(f"export over HTTP {kind.path} by {viewer}", exported_ids, wanted)
            for item in listed.json()["items"]:
                own = item["owner_bureau_id"] == owner.principal.bureau_id and viewer == "owner"
                matrix.expect(f"{case}: owner's terms", item["visibility"] is not None, own)

    # The one check, for every database it answers.
    for kind in KINDS:
        if kind.question is None:
            continue
        for index, variant in enumerate(VARIANTS):
            for viewer, actor in viewers.items():
                case = f"check {kind.path} [{variant}] by {viewer}"
                answer = client.post("/v1/checks", json=kind.question(index), headers=actor.headers)
                if not holds_right(viewer, kind.database):
                    matrix.expect(case, answer.status_code, 403)
                    continue
                hits = [h for h in answer.json()["hits"] if h["database"] == kind.database.value]
                matrix.expect(case, len(hits), 1 if answers(viewer, variant) else 0)
                if hits:
                    record = hits[0].get("record")
                    matrix.expect(f"{case} content", record is not None, reads(viewer, variant))

    # The DNA search: every profile above is the same donor's.
    for viewer, actor in viewers.items():
        answer = client.post(
            "/v1/dna/search", json={"profile": profile(DONOR)}, headers=actor.headers
        )
        if viewer == "carrier":
            matrix.expect("DNA search by carrier", answer.status_code, 403)
            continue
        matches = answer.json()["matches"]
        found = sorted(m["profile"]["id"] for m in matches if m.get("profile") is not None)
        wanted = sorted(
            ids[PoliceDatabase.DNA, v] for v in VARIANTS if answers(viewer, v) and reads(viewer, v)
        )
        matrix.expect(f"DNA search by {viewer} (profiles shown)", found, wanted)
        matrix.expect(
            f"DNA search by {viewer} (matches)",
            len(matches),
            sum(answers(viewer, v) for v in VARIANTS),
        )

    # The fingerprint search: every ten-print above holds the same finger.
    probe = {"probe": tenprint({1: "101_1"}), "limit": 20}
    for viewer, actor in viewers.items():
        answer = client.post("/v1/fingerprints/search", json=probe, headers=actor.headers)
        if viewer == "carrier":
            matrix.expect("fingerprint search by carrier", answer.status_code, 403)
            continue
        candidates = answer.json()["candidates"]
        shown = sorted(c["record"]["id"] for c in candidates if c["record"] is not None)
        wanted = sorted(
            ids[PoliceDatabase.FINGERPRINTS, v]
            for v in VARIANTS
            if answers(viewer, v) and reads(viewer, v)
        )
        matrix.expect(f"fingerprint search by {viewer} (records shown)", shown, wanted)
        matrix.expect(
            f"fingerprint search by {viewer} (candidates)",
            len(candidates),
            sum(answers(viewer, v) for v in VARIANTS),
        )

    # The hits the checks and searches above made, as each bureau lists and reads them: the
    # owner sees which record was hit, the checking side how it matched only when the record
    # is full; a principal of no bureau keeps no hits.
    for viewer, actor in viewers.items():
        listed = client.get("/v1/hits", params={"limit": 500}, headers=actor.headers)
        if actor.principal.bureau_id is None:
            matrix.expect(f"hits of {viewer}", listed.status_code, 403)
            continue
        for hit in listed.json()["items"]:
            case = f"hit {hit['database']} [{hit['disclosure']}] listed for {viewer}"
            matrix.expect(f"{case}: record id", hit["record_id"] is not None, viewer == "owner")
            full = viewer == "owner" or hit["disclosure"] == "full"
            matrix.expect(f"{case}: how it matched", hit["match"] is not None, full)
            read = client.get(f"/v1/hits/{hit['reference']}", headers=actor.headers)
            matrix.expect(f"{case}: read", (read.status_code, read.json()), (200, hit))
        if viewer == "owner":
            on_records = {(h["database"], h["record_id"]) for h in listed.json()["items"]}
            recorded = {(kind.value, record_id) for (kind, _), record_id in ids.items()}
            matrix.expect("hits on the owner's records", on_records <= recorded, True)

    # The export of every database.
    for kind in KINDS:
        for viewer, actor in viewers.items():
            case = f"export {kind.database.value} by {viewer}"
            try:
                with database.reading() as session:
                    lines = [line for _, line in exported(session, actor.principal, kind.database)]
            except PolicenetError as error:
                matrix.expect(
                    case,
                    error.status,
                    200 if holds_right(viewer, kind.database) and viewer != "carrier" else 403,
                )
                continue
            matrix.expect(case, viewer != "carrier", True)
            listed = {line["reference"]: line for line in lines}
            for variant in VARIANTS:
                reference = f"{kind.database.value}/{ids[kind.database, variant]}"
                line = listed.get(reference)
                # An export holds the records in force: never a withdrawn one, even the owner's.
                in_export = learns(viewer, variant) and variant != "withdrawn"
                matrix.expect(f"{case} [{variant}]", line is not None, in_export)
                if line is not None:
                    matrix.expect(
                        f"{case} [{variant}] content", "record" in line, reads(viewer, variant)
                    )

    broke = "\n".join(matrix.wrong)
    assert matrix.wrong == [], (
        f"{len(matrix.wrong)} of {matrix.cases} cases broke the rules:\n{broke}"
    )
    request.config.stash[MATRIX_CASES] = request.config.stash.get(MATRIX_CASES, 0) + matrix.cases


def test_a_refused_read_or_change_of_a_notice_diffusion_message_or_hit_is_audited(
    client: TestClient, world: World, database: Database
) -> None:
    """A read refused by a rule is answered as "not found" and leaves its audit entry, on
    every kind of thing a bureau keeps for itself and for those it chose."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    it = world.principal(Role.NCB_OFFICER, "IT")
    person_id = enter(client, fr, "persons", person())["id"]
    notice = client.post("/v1/notices", json=content(NoticeType.RED, person_id), headers=fr.headers)
    assert notice.status_code == 201, notice.text
    diffusion = client.post(
        "/v1/diffusions",
        json={
            "kind": "wanted_person",
            "title": "Wanted: Jean-Pierre DUVAL",
            "text": "Arrest and inform NCB Paris.",
            "to": ["DE"],
            "subject_person_id": person_id,
        },
        headers=fr.headers,
    )
    assert diffusion.status_code == 201, diffusion.text
    hit = check(client, de, {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}})
    (found,) = hit["hits"]
    message = client.post(
        f"/v1/hits/{found['reference']}/messages",
        json={"subject": "Held at Kehl", "body": "Please confirm."},
        headers=de.headers,
    )
    assert message.status_code == 201, message.text
    reads = {
        # A draft is its requester's; a diffusion to DE is not IT's; a hit and its messages
        # are the two bureaus' it concerns.
        f"/v1/notices/{notice.json()['id']}": "notice.read",
        f"/v1/diffusions/{diffusion.json()['id']}": "diffusion.read",
        f"/v1/hits/{found['reference']}": "hit.read",
        f"/v1/messages/{message.json()['reference']}": "message.read",
    }
    for url, action in reads.items():
        answer = client.get(url, headers=it.headers)
        assert answer.status_code == 404, (url, answer.text)
        assert last_audit(database, it.principal.id) == (action, {"shown": False}), url
        assert client.get(url, headers=fr.headers).status_code == 200, url
        entry = last_audit(database, fr.principal.id)
        assert entry is not None and entry[1].get("shown") is True, url
    # A change refused for the same reason is audited the same way.
    writes = {
        f"/v1/notices/{notice.json()['id']}/transitions": ({"to": "submitted"}, "notice.change"),
        f"/v1/diffusions/{diffusion.json()['id']}/cancellation": (
            {"reason": "not ours"},
            "diffusion.cancel",
        ),
        f"/v1/hits/{found['reference']}/decision": (
            {"decision": "confirmed", "reason": "Same person."},
            "hit.decide",
        ),
        f"/v1/hits/{found['reference']}/messages": (
            {"subject": "Ours?", "body": "Is this yours?"},
            "message.send",
        ),
    }
    for url, (body, action) in writes.items():
        answer = client.post(url, json=body, headers=it.headers)
        assert answer.status_code == 404, (url, answer.text)
        assert last_audit(database, it.principal.id) == (action, {"shown": False}), url


def test_a_hit_found_only_through_a_notice_tells_no_more_later_than_the_check_did(
    client: TestClient, world: World, database: Database
) -> None:
    """A person restricted from the checking country answers it while a published notice
    names them; the check shows the owner and the notice, not the record, and neither the
    hit it keeps nor the event the checking bureau gets may say more (how it matched, the
    cautions behind its urgency)."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    with database.transaction() as session:
        principal, issued = create_principal(
            session,
            world.gs_admin.principal,
            PrincipalCreate(name="NDTF reviewer", role=Role.GS_REVIEWER, bureau_id="GS-NDTF"),
            default_ttl_days=30,
        )
    reviewer = Actor(principal, issued.secret)
    restricted = {"visibility": {"scope": "only_listed", "countries": ["DE"]}}
    person_id = subject(client, fr, **restricted)
    notice = content(NoticeType.YELLOW, person_id)
    publish(client, fr, reviewer, notice)
    br = world.principal(Role.NCB_OFFICER, "BR")
    (hit,) = check(client, br, CHECK_DUVAL)["hits"]
    assert hit.get("record") is None and hit.get("match") is None and hit["notices"] != []
    kept = answered(client.get(f"/v1/hits/{hit['reference']}", headers=br.headers))
    assert kept["disclosure"] == "hit_only"
    assert kept["match"] is None and kept["urgency_reason"] is None
    (told,) = [e for e in events_of(client, br) if e["kind"] == "hit.recorded"]
    assert "urgency_reason" not in told["payload"] and "due_at" not in told["payload"]
    # The owner still reads all of its hit.
    owned = answered(client.get(f"/v1/hits/{hit['reference']}", headers=fr.headers))
    assert owned["record_id"] == person_id and owned["match"] is not None
