"""Every list of the API in order of entry (hits, messages, notices, diffusions, the audit
log and the queries on a bureau's records) answers the same envelope as the records' lists:
the items, a total, a cursor and a next link; the same order, span of time and paging; no
item twice and none missed while items are added between pages."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policenet.domain.notices import NoticeType
from policenet.domain.principals import Role
from tests.conftest import Actor, World
from tests.test_import_jobs import send
from tests.test_notices import content, draft, subject, task_force_reviewer
from tests.test_records import answered, check, enter, refused, vehicle


@dataclass
class Listed:
    """A list as one principal reads it, and how to add one more item to it."""

    path: str
    reader: Actor
    add: Callable[[], None]
    key: str = "id"
    params: dict[str, Any] | None = None


def _lists(client: TestClient, world: World) -> dict[str, Listed]:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    de = world.principal(Role.NCB_OFFICER, "DE")
    dpo = world.principal(Role.DATA_PROTECTION)
    car = vehicle()
    enter(client, fr, "vehicles", car)
    person_id = subject(client, fr)
    counter = iter(range(1_000))

    def message() -> None:
        body = {"to": ["NCB-DE"], "subject": f"Case {next(counter)}", "body": "See attached."}
        answered(client.post("/v1/messages", json=body, headers=fr.headers), 201)

    def hit() -> None:
        assert check(client, de, {"vehicle": {"vin": car["vin"]}})["hit"]

    def notice() -> None:
        draft(client, fr, content(NoticeType.RED, person_id))

    def diffusion() -> None:
        body = {
            "kind": "wanted_person",
            "title": f"Wanted: Jean-Pierre DUVAL ({next(counter)})",
            "text": "Arrest and inform NCB Paris.",
            "to": ["DE"],
            "subject_person_id": person_id,
        }
        answered(client.post("/v1/diffusions", json=body, headers=fr.headers), 201)

    def upload() -> None:
        n = next(counter)
        body = f"issuing_country,number,document_type,status\nFR,LP{n:07d},passport,stolen\n"
        answered(send(client, fr, body.encode()), 202)

    return {
        "imports": Listed("/v1/imports", fr, upload),
        "messages": Listed("/v1/messages", de, message, key="reference"),
        "hits": Listed("/v1/hits", de, hit, key="reference"),
        "notices": Listed("/v1/notices", fr, notice),
        "diffusions": Listed("/v1/diffusions", de, diffusion),
        "audit": Listed(
            "/v1/audit",
            dpo,
            message,
            key="seq",
            params={"principal_id": fr.principal.id, "action": "message.send"},
        ),
        "queries": Listed("/v1/audit/queries-on-my-records", fr, hit, key="reference"),
    }


LISTS = ["imports", "messages", "hits", "notices", "diffusions", "audit", "queries"]


def _page(client: TestClient, listed: Listed, **params: Any) -> dict[str, Any]:
    answer = client.get(
        listed.path, params={**(listed.params or {}), **params}, headers=listed.reader.headers
    )
    page: dict[str, Any] = answered(answer)
    assert set(page) == {"items", "total", "total_exact", "after", "next"}, page.keys()
    return page


def _keys(page: dict[str, Any], listed: Listed) -> list[Any]:
    return [item[listed.key] for item in page["items"]]


@pytest.mark.parametrize("name", LISTS)
def test_a_list_pages_without_repeats_or_gaps_while_items_are_added(
    client: TestClient, world: World, name: str
) -> None:
    listed = _lists(client, world)[name]
    for _ in range(7):
        listed.add()
    first = _page(client, listed, limit=3)
    assert first["total"] == 7 and first["total_exact"] is True
    everything = _keys(_page(client, listed, limit=100), listed)
    assert len(everything) == 7
    # Newest first: each page older than the last; the next link is the way on.
    seen = _keys(first, listed)
    link = first["next"]
    added = 0
    while link is not None:
        listed.add()  # a newer item: it never shows on a later page, and moves nothing
        added += 1
        page = answered(client.get(link, headers=listed.reader.headers))
        seen += _keys(page, listed)
        assert page["after"] is None or page["next"].endswith(page["after"])
        link = page["next"]
    assert seen == everything
    # Oldest first: the same items the other way round, and those added since at the end.
    oldest = _keys(_page(client, listed, sort="oldest", limit=100), listed)
    assert added == 2 and oldest[:7] == everything[::-1] and len(oldest) == 7 + added
    # Without a total, none is counted.
    uncounted = _page(client, listed, total="false", limit=1)
    assert uncounted["total"] is None and uncounted["total_exact"] is None
    assert uncounted["next"] is not None


@pytest.mark.parametrize("name", LISTS)
def test_a_list_keeps_to_its_span_of_time(client: TestClient, world: World, name: str) -> None:
    listed = _lists(client, world)[name]
    listed.add()
    listed.add()
    now = datetime.now(UTC)
    later = (now + timedelta(days=1)).isoformat()
    earlier = (now - timedelta(days=1)).isoformat()
    assert _page(client, listed, entered_from=later)["total"] == 0
    assert _page(client, listed, entered_to=earlier)["items"] == []
    assert _page(client, listed, entered_from=earlier, entered_to=later)["total"] == 2
    # Without an offset, an instant is read as UTC.
    naive = (now + timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert _page(client, listed, entered_from=naive)["total"] == 0


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_this_list_did_not_give_is_refused(
    client: TestClient, world: World, name: str
) -> None:
    listed = _lists(client, world)[name]
    listed.add()
    headers = listed.reader.headers
    refused(
        client.get(listed.path, params={"after": "not-a-cursor"}, headers=headers),
        422,
        "bad_cursor",
    )
    # A record list's cursor in its review order names a day, which no list in order of entry
    # pages by.
    foreign = base64.urlsafe_b64encode(json.dumps(["2027-01-01", 5, None]).encode()).decode()
    refused(client.get(listed.path, params={"after": foreign}, headers=headers), 422, "bad_cursor")
    refused(
        client.get(listed.path, params={"sort": "review_due"}, headers=headers),
        422,
        "invalid_request",
    )
    refused(client.get(listed.path, params={"limit": 501}, headers=headers), 422, "invalid_request")


def test_hits_are_filtered_by_state_and_database(client: TestClient, world: World) -> None:
    lists = _lists(client, world)
    hits = lists["hits"]
    for _ in range(3):
        hits.add()
    assert _page(client, hits, state="open")["total"] == 3
    assert _page(client, hits, state="confirmed")["total"] == 0
    assert _page(client, hits, database="vehicles")["total"] == 3
    assert _page(client, hits, database="persons")["items"] == []
    refused(
        client.get("/v1/hits", params={"state": "lost"}, headers=hits.reader.headers),
        422,
        "invalid_request",
    )


def test_the_review_queue_pages_urgent_first_then_oldest(client: TestClient, world: World) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    person_id = subject(client, fr)
    reviewer = task_force_reviewer(world)
    sent = []
    for n, urgent in enumerate([False, True, False, True, False]):
        body = {
            "kind": "wanted_person",
            "title": f"Wanted: Jean-Pierre DUVAL ({n})",
            "text": "Arrest and inform NCB Paris.",
            "to": ["DE"],
            "subject_person_id": person_id,
            "urgent": urgent,
        }
        sent.append(answered(client.post("/v1/diffusions", json=body, headers=fr.headers), 201))
    urgent_ids = [d["id"] for d in sent if d["urgent"]]
    routine_ids = [d["id"] for d in sent if not d["urgent"]]
    assert urgent_ids, "urgent diffusions are queued first"
    queue: list[int] = []
    params: dict[str, Any] = {"review": "pending", "limit": 2}
    while True:
        page = answered(client.get("/v1/diffusions", params=params, headers=reviewer.headers))
        assert page["total"] == 5
        queue += [d["id"] for d in page["items"]]
        if page["after"] is None:
            break
        params["after"] = page["after"]
    assert queue == urgent_ids + routine_ids


def test_the_principals_and_agencies_an_administrator_manages_page_like_every_list(
    client: TestClient, world: World
) -> None:
    admin = world.ncb_admin("BE")
    for n in range(4):
        body = {"name": f"Officer {n}", "role": "ncb_officer"}
        answered(client.post("/v1/principals", json=body, headers=admin.headers), 201)
        body = {"name": f"Agency {n}", "kind": "police", "rights": ["documents:check"]}
        answered(client.post("/v1/agencies", json=body, headers=admin.headers), 201)
    world.principal(Role.NCB_OFFICER, "FR")  # another country's: never listed
    for path, count in (("/v1/principals", 5), ("/v1/agencies", 4)):  # the admin is one
        listed = Listed(path, admin, lambda: None)
        everything = _keys(_page(client, listed, limit=100), listed)
        assert len(everything) == count
        first = _page(client, listed, limit=2)
        assert first["total"] == count and first["total_exact"] is True
        seen, link = _keys(first, listed), first["next"]
        while link is not None:
            page = answered(client.get(link, headers=admin.headers))
            seen, link = seen + _keys(page, listed), page["next"]
        assert seen == everything == sorted(everything, reverse=True)
        oldest = _keys(_page(client, listed, sort="oldest", limit=100), listed)
        assert oldest == everything[::-1]
    # A GS administrator's list holds every country's.
    gs = Listed("/v1/principals", world.gs_admin, lambda: None)
    assert _page(client, gs, limit=1)["total"] > 5


def test_the_requests_of_the_people_in_the_files_page_soonest_deadline_first(
    client: TestClient, world: World
) -> None:
    dpo = world.principal(Role.DATA_PROTECTION)
    url = "/v1/data-protection/requests"
    today = datetime.now(UTC).date()

    def record(kind: str, days_ago: int) -> None:
        body = {
            "kind": kind,
            "subject": {"name": f"Person {days_ago}"},
            "received_on": (today - timedelta(days=days_ago)).isoformat(),
            "requester": "The person, in writing",
            "details": "What do you hold on me?",
        }
        answered(client.post(url, json=body, headers=dpo.headers), 201)

    for kind, days_ago in (("access", 10), ("deletion", 10), ("access", 100), ("correction", 5)):
        record(kind, days_ago)
    listed = Listed(url, dpo, lambda: None)
    everything = _page(client, listed, limit=100)["items"]
    deadlines = [(r["due_on"], r["id"]) for r in everything]
    assert deadlines == sorted(deadlines) and len(deadlines) == 4
    first = _page(client, listed, limit=3)
    assert first["total"] == 4
    record("access", 200)  # a sooner deadline than any: added between pages, never shown
    rest = answered(client.get(first["next"], headers=dpo.headers))
    assert [r["id"] for r in first["items"] + rest["items"]] == [r["id"] for r in everything]
    assert _page(client, listed, limit=100, overdue="true")["total"] == 1
