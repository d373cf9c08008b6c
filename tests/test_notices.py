"""Notices and diffusions: each type walked through the workflow (every refused move answered
409 with the states allowed next), the automated screening rule by rule, the GS review queue
and questions, publication to every member and its effect on checks, expiry and renewal, the
public extracts, diffusions and their cancellation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions import notices as notice_actions
from policenet.actions.principals import create_principal
from policenet.domain.clock import utcnow
from policenet.domain.notices import (
    REVIEW_TARGET,
    TRANSITIONS,
    VALIDITY,
    NoticeContent,
    NoticeMove,
    NoticeState,
    NoticeType,
)
from policenet.domain.principals import AgencyKind, PrincipalCreate, Right, Role
from policenet.matching.notices import screen
from policenet.store import feed
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_network import events_of
from tests.test_records import answered, check, enter, person, refused


def content(kind: NoticeType, subject: int | None, **changes: Any) -> dict[str, Any]:
    """A complete request of each type."""
    offence = {
        "description": "On 3 March 2025 in Lyon the person shot the owner of a jeweller's shop "
        "during an armed robbery and fled with EUR 400,000 of jewels.",
        "charges": "Murder, armed robbery",
        "law": "Code pénal, art. 221-1 and 311-8",
        "max_penalty_years": 30,
        "committed_on": "2025-03-03",
        "committed_in": "FR",
    }
    body: dict[str, Any] = {"type": kind.value, "title": f"{kind.value} notice request"}
    if kind is NoticeType.RED:
        body |= {
            "subject_person_id": subject,
            "offence": offence,
            "warrant": {
                "kind": "arrest_warrant",
                "reference": "MA-2025-0042",
                "issued_on": "2025-03-10",
                "issuing_authority": "Juge d'instruction, Tribunal judiciaire de Lyon",
            },
            "extradition_assurance": "France will request extradition once the person is found.",
            "public_extract": {"consent": True, "charges": "Murder"},
        }
    elif kind is NoticeType.YELLOW:
        body |= {
            "subject_person_id": subject,
            "missing": {
                "circumstances": "Left school on 2 May 2026 and did not come home.",
                "disappeared_on": "2026-05-02",
                "place": "Marseille",
            },
            "public_extract": {"consent": True},
        }
    elif kind is NoticeType.BLUE:
        body |= {
            "subject_person_id": subject,
            "purpose": "Where the person lives and with whom he travels.",
            "offence": offence,
        }
    elif kind is NoticeType.BLACK:
        body |= {
            "body": {
                "found_on": "2026-02-14",
                "place": "Rhône river bank, Arles",
                "description": "Male, about 40, 180 cm, tattoo of an anchor on the left forearm.",
            }
        }
    elif kind is NoticeType.GREEN:
        body |= {
            "subject_person_id": subject,
            "offence": offence,
            "purpose": "Convicted three times of armed robbery; released in June 2026.",
        }
    elif kind is NoticeType.ORANGE:
        body |= {
            "threat": {
                "kind": "object",
                "description": "Parcel bombs hidden in printer cartridges sent by air freight.",
            }
        }
    elif kind is NoticeType.PURPLE:
        body |= {
            "modus_operandi": {
                "description": "Cocaine dissolved in the plastic of suitcase shells.",
                "concealment": "Suitcase shells",
            }
        }
    elif kind is NoticeType.SILVER:
        body |= {
            "assets": {"description": "Villa and yacht bought with laundered funds."},
            "offence": offence,
        }
    else:
        body |= {
            "subject_person_id": subject,
            "sanctions": {
                "committee": "1267 Committee",
                "un_reference": "QDi.999",
                "listed_on": "2024-01-15",
                "measures": ["asset_freeze", "travel_ban", "arms_embargo"],
            },
        }
    return body | changes


def subject(client: TestClient, owner: Actor, **changes: Any) -> int:
    body = person(photo_ref="FR-PHOTO-0042", **changes)
    return int(enter(client, owner, "persons", body)["id"])


def notice_of(client: TestClient, actor: Actor, notice_id: int) -> dict[str, Any]:
    return answered(client.get(f"/v1/notices/{notice_id}", headers=actor.headers))


def draft(client: TestClient, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    return answered(client.post("/v1/notices", json=body, headers=actor.headers), 201)


def move(
    client: TestClient, actor: Actor, notice_id: int, to: str, reason: str | None = None
) -> dict[str, Any]:
    if reason is None and to == "published":
        reason = "Compliant: judicial data and identifiers sufficient."
    body = {"to": to} | ({} if reason is None else {"reason": reason})
    answer = client.post(f"/v1/notices/{notice_id}/transitions", json=body, headers=actor.headers)
    result = answered(answer)
    assert result["state"] == to
    return result


def refused_moves(client: TestClient, actors: list[Actor], notice_id: int, state: str) -> None:
    """Every move the workflow does not allow from this state: 409 naming those it does."""
    allowed = [s.value for s in TRANSITIONS[NoticeState(state)]]
    for target in NoticeState:
        if target.value in allowed:
            continue
        # The GS does not see a draft at all (404): only its bureau tries moving it.
        for actor in actors[:1] if state == "draft" else actors:
            answer = client.post(
                f"/v1/notices/{notice_id}/transitions",
                json={"to": target.value, "reason": "trying a move the workflow forbids"},
                headers=actor.headers,
            )
            assert answer.status_code == 409, (state, target, answer.text)
            error = answer.json()["error"]
            assert error["code"] == "notice_transition_refused"
            assert error["state"] == state
            assert error["allowed"] == allowed
            assert state in error["message"]


@pytest.fixture
def fr(world: World) -> Actor:
    return world.principal(Role.NCB_OFFICER, "FR")


@pytest.fixture
def reviewer(world: World) -> Actor:
    return task_force_reviewer(world)


def task_force_reviewer(world: World) -> Actor:
    """A reviewer of the Notices and Diffusions Task Force, whose log gets the requests."""
    with world.database.transaction() as session:
        principal, issued = create_principal(
            session,
            world.gs_admin.principal,
            PrincipalCreate(name="NDTF reviewer", role=Role.GS_REVIEWER, bureau_id="GS-NDTF"),
            default_ttl_days=30,
        )
    return Actor(principal, issued.secret)


# --- the workflow, type by type ------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NoticeType))
def test_each_type_walks_the_workflow(
    client: TestClient, world: World, fr: Actor, reviewer: Actor, kind: NoticeType
) -> None:
    person_id = subject(client, fr)
    actors = [fr, reviewer]
    body = content(kind, person_id)

    # published, then cancelled by its requester
    n = draft(client, fr, body)
    assert n["state"] == "draft" and n["missing"] == [] and n["allowed_next"] == ["submitted"]
    refused_moves(client, actors, n["id"], "draft")
    submitted = move(client, fr, n["id"], "submitted")
    assert submitted["reference"].endswith(f"{n['id']:06d}/{utcnow().year}")
    refused_moves(client, actors, n["id"], "submitted")
    move(client, reviewer, n["id"], "under_review")
    refused_moves(client, actors, n["id"], "under_review")
    published = move(client, reviewer, n["id"], "published")
    assert published["expires_at"] is not None
    refused_moves(client, actors, n["id"], "published")
    cancelled = move(client, fr, n["id"], "cancelled", "The person was arrested in Spain.")
    refused_moves(client, actors, n["id"], "cancelled")
    assert [(h["from_state"], h["to_state"]) for h in cancelled["history"]] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "published"),
        ("published", "cancelled"),
    ]
    assert cancelled["history"][-1]["reason"] == "The person was arrested in Spain."
    assert cancelled["history"][1]["by"] == fr.principal.id
    assert cancelled["history"][2]["by"] == reviewer.principal.id

    # refused by the GS
    n = draft(client, fr, body)
    move(client, fr, n["id"], "submitted")
    move(client, reviewer, n["id"], "under_review")
    done = move(client, reviewer, n["id"], "refused", "The facts do not show a crime.")
    refused_moves(client, actors, n["id"], "refused")
    assert done["history"][-1]["reason"] == "The facts do not show a crime."

    # withdrawn by the requester, before and during the review
    for taken in (False, True):
        n = draft(client, fr, body)
        move(client, fr, n["id"], "submitted")
        if taken:
            move(client, reviewer, n["id"], "under_review")
        move(client, fr, n["id"], "withdrawn", "Found by the national police.")
        refused_moves(client, actors, n["id"], "withdrawn")

    # expired at the end of its validity
    n = draft(client, fr, body)
    move(client, fr, n["id"], "submitted")
    move(client, reviewer, n["id"], "under_review")
    move(client, reviewer, n["id"], "published")
    with world.database.transaction() as session:
        report = notice_actions.sweep_validity(session, utcnow() + VALIDITY + timedelta(hours=1))
    assert report.expired == [notice_of(client, fr, n["id"])["reference"]]
    expired = notice_of(client, fr, n["id"])
    assert expired["state"] == "expired"
    assert expired["history"][-1]["by"] is None
    refused_moves(client, actors, n["id"], "expired")


def test_a_move_by_the_wrong_party_is_forbidden_and_changes_nothing(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    n = draft(client, fr, content(NoticeType.RED, subject(client, fr)))
    forbidden = client.post(
        f"/v1/notices/{n['id']}/transitions", json={"to": "submitted"}, headers=reviewer.headers
    )
    # A GS reviewer cannot see a draft at all.
    refused(forbidden, 404, "notice_not_found")
    move(client, fr, n["id"], "submitted")
    for actor, to in ((fr, "under_review"), (fr, "published")):
        answer = client.post(
            f"/v1/notices/{n['id']}/transitions", json={"to": to}, headers=actor.headers
        )
        if to == "published":
            refused(answer, 409, "notice_transition_refused")
        else:
            refused(answer, 403, "notice_move_forbidden")
    move(client, reviewer, n["id"], "under_review")
    refused(
        client.post(
            f"/v1/notices/{n['id']}/transitions", json={"to": "published"}, headers=fr.headers
        ),
        403,
        "notice_move_forbidden",
    )
    # Another member's bureau does not see a request in review.
    de = world.principal(Role.NCB_OFFICER, "DE")
    refused(client.get(f"/v1/notices/{n['id']}", headers=de.headers), 404, "notice_not_found")
    move(client, reviewer, n["id"], "published")
    # Once published every member reads it, but only its requester or the GS cancels it.
    assert notice_of(client, de, n["id"])["state"] == "published"
    assert notice_of(client, de, n["id"])["history"] is None
    refused(
        client.post(
            f"/v1/notices/{n['id']}/transitions",
            json={"to": "cancelled", "reason": "not ours to cancel"},
            headers=de.headers,
        ),
        403,
        "notice_move_forbidden",
    )
    # Expiry is the hub's alone.
    answer = client.post(
        f"/v1/notices/{n['id']}/transitions",
        json={"to": "expired", "reason": "too old"},
        headers=reviewer.headers,
    )
    refused(answer, 403, "notice_move_forbidden")
    # A cancellation needs its reason.
    refused(
        client.post(
            f"/v1/notices/{n['id']}/transitions", json={"to": "cancelled"}, headers=fr.headers
        ),
        422,
        "reason_required",
    )
    assert notice_of(client, fr, n["id"])["state"] == "published"
    # The GS may cancel a published notice too.
    move(client, reviewer, n["id"], "cancelled", "Found to breach Article 3 after publication.")


def test_agencies_and_carriers_do_not_request_notices(
    client: TestClient, world: World, fr: Actor
) -> None:
    body = content(NoticeType.PURPLE, None)
    for role in (Role.AGENCY_OFFICER, Role.BORDER_OFFICER, Role.GS_ADMIN, Role.DATA_PROTECTION):
        actor = world.principal(role, None if role.is_gs else "FR")
        answer = client.post("/v1/notices", json=body, headers=actor.headers)
        assert answer.status_code == 403, (role, answer.text)


# --- required fields -----------------------------------------------------------------------


def test_an_incomplete_request_is_refused_at_submission_with_what_it_lacks(
    client: TestClient, fr: Actor
) -> None:
    person_id = subject(client, fr)
    body = content(NoticeType.RED, person_id)
    for name in ("warrant", "extradition_assurance"):
        body.pop(name)
    body["offence"] = {"description": "Murder of a shop owner in Lyon."}
    n = draft(client, fr, body)
    assert [m["field"] for m in n["missing"]] == [
        "offence.law",
        "warrant",
        "extradition_assurance",
        "offence.max_penalty_years",
    ]
    answer = client.post(
        f"/v1/notices/{n['id']}/transitions", json={"to": "submitted"}, headers=fr.headers
    )
    refused(answer, 422, "notice_incomplete")
    error = answer.json()["error"]
    assert error["field"] == "offence.law"
    assert [m["field"] for m in error["missing"]] == [m["field"] for m in n["missing"]]
    assert "arrest warrant or judgment" in error["message"]
    assert notice_of(client, fr, n["id"])["state"] == "draft"
    # Completed, it goes.
    changed = client.put(
        f"/v1/notices/{n['id']}", json=content(NoticeType.RED, person_id), headers=fr.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["missing"] == []
    move(client, fr, n["id"], "submitted")
    # A submitted request no longer changes.
    refused(
        client.put(
            f"/v1/notices/{n['id']}", json=content(NoticeType.RED, person_id), headers=fr.headers
        ),
        409,
        "notice_not_draft",
    )


@pytest.mark.parametrize(
    ("kind", "lacking"),
    [
        (NoticeType.YELLOW, ["subject_person_id", "missing"]),
        (NoticeType.BLUE, ["subject_person_id", "purpose", "offence.description"]),
        (NoticeType.BLACK, ["body"]),
        (NoticeType.GREEN, ["subject_person_id", "offence.description", "purpose"]),
        (NoticeType.ORANGE, ["threat"]),
        (NoticeType.PURPLE, ["modus_operandi"]),
        (NoticeType.SILVER, ["assets", "offence.description"]),
        (NoticeType.UN_SPECIAL, ["subject_person_id", "sanctions"]),
    ],
)
def test_each_type_names_its_required_fields(
    client: TestClient, fr: Actor, kind: NoticeType, lacking: list[str]
) -> None:
    n = draft(client, fr, {"type": kind.value, "title": "to be completed"})
    assert [m["field"] for m in n["missing"]] == lacking
    answer = client.post(
        f"/v1/notices/{n['id']}/transitions", json={"to": "submitted"}, headers=fr.headers
    )
    refused(answer, 422, "notice_incomplete")


def test_a_threat_from_a_person_names_the_person(client: TestClient, fr: Actor) -> None:
    body = content(
        NoticeType.ORANGE,
        None,
        threat={"kind": "person", "description": "Plans an attack on a stadium."},
    )
    assert [m["field"] for m in draft(client, fr, body)["missing"]] == ["subject_person_id"]


def test_bad_requests_are_refused_and_change_nothing(
    client: TestClient, world: World, fr: Actor
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    foreign = subject(client, de)
    answer = client.post("/v1/notices", json=content(NoticeType.RED, foreign), headers=fr.headers)
    refused(answer, 422, "notice_subject_unknown")
    assert answer.json()["error"]["field"] == "subject_person_id"
    bad = content(NoticeType.RED, subject(client, fr))
    bad["offence"]["committed_in"] = "XX"
    refused(client.post("/v1/notices", json=bad, headers=fr.headers), 422, "country_unknown")
    urgent = content(NoticeType.ORANGE, None, urgent=True)
    refused(client.post("/v1/notices", json=urgent, headers=fr.headers), 422, "invalid_request")
    assert client.get("/v1/notices", headers=fr.headers).json()["items"] == []


# --- automated screening -------------------------------------------------------------------


def screened(
    client: TestClient, fr: Actor, reviewer: Actor, body: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    n = draft(client, fr, body)
    move(client, fr, n["id"], "submitted")
    flags = notice_of(client, reviewer, n["id"])["screening"]
    return {f["rule"]: f for f in flags}


def test_a_complete_ordinary_request_raises_no_flag(
    client: TestClient, fr: Actor, reviewer: Actor
) -> None:
    assert screened(client, fr, reviewer, content(NoticeType.RED, subject(client, fr))) == {}


def test_screening_flags_missing_identity_particulars(
    client: TestClient, fr: Actor, reviewer: Actor
) -> None:
    sparse = int(enter(client, fr, "persons", {"name": "Marc LEROY"})["id"])
    flags = screened(client, fr, reviewer, content(NoticeType.RED, sparse))
    flag = flags["missing_required_fields"]
    assert [p["field"] for p in flag["passages"]] == [
        "subject.birth_date",
        "subject.photo_ref",
        "subject.nationalities",
        "subject.sex",
    ]
    full = screened(client, fr, reviewer, content(NoticeType.RED, subject(client, fr)))
    assert "missing_required_fields" not in full


@pytest.mark.parametrize(
    ("offence", "flagged"),
    [
        ({"max_penalty_years": 1}, True),
        ({"max_penalty_years": 2}, False),
        ({"max_penalty_years": None, "sentence_remaining_months": 4}, True),
        ({"max_penalty_years": None, "sentence_remaining_months": 6}, False),
        ({"max_penalty_years": 0.5, "life_imprisonment": True}, False),
    ],
)
def test_screening_flags_an_offence_below_the_red_thresholds(
    client: TestClient,
    fr: Actor,
    reviewer: Actor,
    offence: dict[str, Any],
    flagged: bool,
) -> None:
    body = content(NoticeType.RED, subject(client, fr))
    body["offence"] = {k: v for k, v in (body["offence"] | offence).items() if v is not None}
    flags = screened(client, fr, reviewer, body)
    assert ("below_red_threshold" in flags) is flagged
    if flagged:
        assert flags["below_red_threshold"]["passages"]


ARTICLE_3 = [
    # (rule, language, text that triggers it, the words quoted, a text that does not)
    (
        "political",
        "en",
        "He led the opposition rally in the capital and insulted the president.",
        "opposition",
        "He led a gang that robbed three banks in the capital.",
    ),
    (
        "political",
        "fr",
        "Il a organisé une manifestation contre le gouvernement.",
        "manifestation",
        "Il a organisé un trafic de cocaïne depuis le port.",
    ),
    (
        "political",
        "es",
        "Periodista acusado de difundir noticias falsas sobre el gobierno.",
        "Periodista",
        "Acusado de secuestro y extorsión de un empresario.",
    ),
    (
        "political",
        "ar",
        "شارك في الاحتجاجات ضد الحكومة",
        "الاحتجاجات",
        "سرق سيارة من موقف المطار",
    ),
    (
        "religious",
        "es",
        "Condenado por blasfemia en un programa de radio.",
        "blasfemia",
        "Condenado por robo con violencia en una joyería.",
    ),
    (
        "military",
        "fr",
        "Déserteur, il a quitté l'armée en 2024.",
        "Déserteur",
        "Il a quitté le pays en 2024 après le braquage.",
    ),
    (
        "racial",
        "en",
        "Accused of belonging to an ethnic minority group that resists the government.",
        "ethnic",
        "Accused of belonging to a group that smuggles migrants.",
    ),
    (
        "private_matter",
        "en",
        "Left the country without paying his debts to the bank.",
        "debts",
        "Left the country after killing a bank guard.",
    ),
    (
        "private_matter",
        "fr",
        "Poursuivi pour adultère par son épouse.",
        "adultère",
        "Poursuivi pour viol par le parquet.",
    ),
    (
        "private_matter",
        "ar",
        "متهم بإصدار شيك بدون رصيد",
        "شيك بدون رصيد",
        "متهم بالقتل العمد",
    ),
]


@pytest.mark.parametrize(("rule", "language", "text", "words", "innocent"), ARTICLE_3)
def test_screening_flags_article_3_and_private_matters_in_four_languages(
    client: TestClient,
    fr: Actor,
    reviewer: Actor,
    rule: str,
    language: str,
    text: str,
    words: str,
    innocent: str,
) -> None:
    person_id = subject(client, fr)
    body = content(NoticeType.BLUE, person_id)
    body["offence"]["description"] = text
    flags = screened(client, fr, reviewer, body)
    assert rule in flags, (language, flags)
    passage = flags[rule]["passages"][0]
    assert passage["field"] == "offence.description"
    assert passage["match"] == words  # quoted as written, accents and case kept
    assert words in passage["context"]
    body["offence"]["description"] = innocent
    assert rule not in screened(client, fr, reviewer, body)


def test_the_gs_edits_the_screening_terms(client: TestClient, fr: Actor, reviewer: Actor) -> None:
    body = content(NoticeType.BLUE, subject(client, fr))
    body["offence"]["description"] = "Sold forged permits for the annual pilgrimage."
    assert "religious" not in screened(client, fr, reviewer, body)
    added = client.post(
        "/v1/notices/screening-terms",
        json={"category": "religious", "language": "en", "text": "pilgrimage"},
        headers=reviewer.headers,
    )
    assert added.status_code == 201, added.text
    assert screened(client, fr, reviewer, body)["religious"]["passages"][0]["match"] == (
        "pilgrimage"
    )
    pattern = client.post(
        "/v1/notices/screening-terms",
        json={"category": "political", "language": "en", "kind": "pattern", "text": "(unclosed"},
        headers=reviewer.headers,
    )
    refused(pattern, 422, "term_pattern_invalid")
    again = client.post(
        "/v1/notices/screening-terms",
        json={"category": "religious", "language": "en", "text": "pilgrimage"},
        headers=reviewer.headers,
    )
    refused(again, 409, "term_exists")
    refused(
        client.post(
            "/v1/notices/screening-terms",
            json={"category": "religious", "language": "en", "text": "ramadan"},
            headers=fr.headers,
        ),
        403,
        "right_missing",
    )
    removed = client.delete(
        f"/v1/notices/screening-terms/{added.json()['id']}", headers=reviewer.headers
    )
    assert removed.status_code == 200
    assert "religious" not in screened(client, fr, reviewer, body)
    listed = client.get("/v1/notices/screening-terms", headers=reviewer.headers).json()
    assert {t["language"] for t in listed} == {"en", "fr", "es", "ar"}
    assert {t["category"] for t in listed} == {
        "political",
        "military",
        "religious",
        "racial",
        "private_matter",
    }


def test_screening_flags_a_suspended_requester_and_publication_waits(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    n = draft(client, fr, content(NoticeType.RED, subject(client, fr)))
    move(client, fr, n["id"], "submitted")
    assert "requester_suspended" not in {
        f["rule"] for f in notice_of(client, reviewer, n["id"])["screening"]
    }
    suspended = client.post(
        "/v1/members/FR/suspension",
        json={"decided_on": "2026-11-01", "reference": "GA/2026/RES/9"},
        headers=world.gs_admin.headers,
    )
    assert suspended.status_code in (200, 201), suspended.text
    taken = move(client, reviewer, n["id"], "under_review")
    assert "requester_suspended" in {f["rule"] for f in taken["screening"]}
    refused(
        client.post(
            f"/v1/notices/{n['id']}/transitions",
            json={"to": "published", "reason": "Compliant."},
            headers=reviewer.headers,
        ),
        409,
        "requester_suspended",
    )
    move(client, reviewer, n["id"], "refused", "The member is suspended.")


# --- the review queue and questions --------------------------------------------------------


def test_the_queue_puts_urgent_then_oldest_first_and_flags_late_ones(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    now = utcnow()
    made = {}
    for name, hours_ago, urgent in (("old", 30, False), ("new", 1, False), ("urgent", 2, True)):
        extra = {"urgent": True, "urgency_reason": "Flight leaves tonight."} if urgent else {}
        n = draft(client, fr, content(NoticeType.PURPLE, None, title=name, **extra))
        with world.database.transaction() as session:
            notice_actions.move_notice(
                session,
                fr.principal,
                n["id"],
                NoticeMove(to=NoticeState.SUBMITTED),
                now - timedelta(hours=hours_ago),
            )
        made[name] = n["id"]
    queue = client.get("/v1/notices/review-queue", headers=reviewer.headers).json()
    assert [i["notice"]["id"] for i in queue] == [made["urgent"], made["old"], made["new"]]
    assert [i["overdue"] for i in queue] == [False, True, False]
    assert queue[1]["waiting_hours"] > REVIEW_TARGET.total_seconds() / 3600
    refused(client.get("/v1/notices/review-queue", headers=fr.headers), 403, "right_missing")


def test_a_reviewer_asks_and_the_bureau_answers_on_the_request(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    n = draft(client, fr, content(NoticeType.RED, subject(client, fr)))
    move(client, fr, n["id"], "submitted")
    early = client.post(
        f"/v1/notices/{n['id']}/questions",
        json={"question": "Is the warrant still valid?"},
        headers=reviewer.headers,
    )
    refused(early, 409, "notice_not_under_review")
    move(client, reviewer, n["id"], "under_review")
    asked = client.post(
        f"/v1/notices/{n['id']}/questions",
        json={"question": "Is the warrant still valid?"},
        headers=reviewer.headers,
    )
    assert asked.status_code == 201, asked.text
    (question,) = asked.json()["questions"]
    told = [e for e in events_of(client, fr) if e["kind"] == "notice.question"]
    assert told[-1]["payload"]["text"] == "Is the warrant still valid?"
    queue = client.get("/v1/notices/review-queue", headers=reviewer.headers).json()
    assert queue[0]["open_questions"] == 1
    de = world.principal(Role.NCB_OFFICER, "DE")
    path = f"/v1/notices/{n['id']}/questions/{question['id']}/answer"
    refused(client.post(path, json={"answer": "yes"}, headers=de.headers), 404, "notice_not_found")
    answered = client.post(
        path, json={"answer": "Yes, renewed on 1 October 2026."}, headers=fr.headers
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["questions"][0]["answer"] == "Yes, renewed on 1 October 2026."
    refused(
        client.post(path, json={"answer": "again"}, headers=fr.headers), 409, "question_answered"
    )
    kinds = [e["kind"] for e in events_of(client, reviewer)]
    assert kinds == ["notice.submitted", "notice.answered"]  # the task force's log
    assert notice_of(client, reviewer, n["id"])["questions"][0]["answered_by"] == (fr.principal.id)


# --- publication and checks ----------------------------------------------------------------


def publish_at(world: World, fr: Actor, reviewer: Actor, notice_id: int, at: datetime) -> None:
    """Submit, take and publish a drafted request with the hub's clock set to ``at``."""
    with world.database.transaction() as session:
        for actor, to in (
            (fr, NoticeState.SUBMITTED),
            (reviewer, NoticeState.UNDER_REVIEW),
            (reviewer, NoticeState.PUBLISHED),
        ):
            notice_actions.move_notice(
                session, actor.principal, notice_id, NoticeMove(to=to, reason="Compliant."), at
            )


def publish(client: TestClient, fr: Actor, reviewer: Actor, body: dict[str, Any]) -> dict[str, Any]:
    n = draft(client, fr, body)
    move(client, fr, n["id"], "submitted")
    move(client, reviewer, n["id"], "under_review")
    return move(client, reviewer, n["id"], "published")


def test_publication_tells_every_member_and_the_subject_answers_checks(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    # The record is restricted to Germany: before the notice, Brazil does not see it.
    person_id = subject(
        client,
        fr,
        cautions=[],
        visibility={"scope": "only_listed", "countries": ["DE"]},
        disclosure="hit_only",
    )
    br = world.principal(Role.NCB_OFFICER, "BR")
    query = {"person": {"name": "Jean Pierre Duval", "birth_date": "1974-08-12"}}
    assert check(client, br, query)["hit"] is False
    published = publish(client, fr, reviewer, content(NoticeType.RED, person_id))
    for member in ("BR", "JP"):
        ncb = world.principal(Role.NCB_OFFICER, member)
        (event,) = [e for e in events_of(client, ncb) if e["kind"] == "notice.published"]
        assert event["payload"]["reference"] == published["reference"]
        assert event["payload"]["type"] == "red"
    # Every member's checks now find the person, and the hit names the notice.
    answer = check(client, br, query)
    (hit,) = answer["hits"]
    assert hit["disclosure"] == "hit_only" and "record" not in hit
    assert hit["notices"] == [
        {
            "id": published["id"],
            "reference": published["reference"],
            "type": "red",
            "title": "red notice request",
        }
    ]
    stored = client.get(f"/v1/hits/{hit['reference']}", headers=fr.headers).json()
    assert stored["urgency"] == "urgent"
    assert published["reference"] in stored["urgency_reason"]
    alert = [e for e in events_of(client, fr) if e["kind"] == "hit.alert"][-1]
    assert alert["payload"]["notices"][0]["reference"] == published["reference"]
    # The record cannot be withdrawn from under its notice.
    refused(
        client.post(
            f"/v1/persons/{person_id}/withdraw",
            json={"reason": "no longer sought"},
            headers=fr.headers,
        ),
        409,
        "record_under_notice",
    )
    # Cancelled, it stops answering at once, and the restriction holds again.
    move(client, fr, published["id"], "cancelled", "Arrested in Brazil.")
    assert check(client, br, query)["hit"] is False
    cancelled = [
        e
        for e in events_of(client, world.principal(Role.NCB_OFFICER, "JP"))
        if e["kind"] == "notice.cancelled"
    ]
    assert cancelled[0]["payload"]["reason"] == "Arrested in Brazil."
    assert client.get(f"/v1/notices/{published['id']}", headers=br.headers).status_code == 404


def test_a_blue_notice_is_named_but_not_urgent(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    person_id = subject(client, fr, cautions=[])
    publish(client, fr, reviewer, content(NoticeType.BLUE, person_id))
    de = world.principal(Role.NCB_OFFICER, "DE")
    (hit,) = check(client, de, {"person": {"name": "Jean-Pierre Duval"}})["hits"]
    assert hit["notices"][0]["type"] == "blue"
    assert (
        client.get(f"/v1/hits/{hit['reference']}", headers=fr.headers).json()["urgency"]
        == "routine"
    )


def test_expiry_renewal_and_the_reminder(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    person_id = subject(client, fr, cautions=[])
    start = utcnow() - VALIDITY + timedelta(days=60)  # 60 days of validity left
    n = draft(client, fr, content(NoticeType.RED, person_id))
    publish_at(world, fr, reviewer, n["id"], start)
    with world.database.transaction() as session:
        report = notice_actions.sweep_validity(session, utcnow())
    assert report.expired == [] and len(report.reminded) == 1
    (reminder,) = [e for e in events_of(client, fr) if e["kind"] == "notice.expiring"]
    assert reminder["payload"]["notice"] == n["id"]
    with world.database.transaction() as session:
        assert notice_actions.sweep_validity(session, utcnow()).reminded == []  # once
    renewed = client.post(
        f"/v1/notices/{n['id']}/renewal",
        json={"reason": "Still wanted: new sightings in Belgium."},
        headers=fr.headers,
    )
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["history"][-1]["reason"].startswith("renewed: ")
    refused(
        client.post(
            f"/v1/notices/{n['id']}/renewal", json={"reason": "not mine"}, headers=reviewer.headers
        ),
        403,
        "notice_move_forbidden",
    )
    with world.database.transaction() as session:
        later = notice_actions.sweep_validity(session, utcnow() + timedelta(days=61))
    assert later.expired == []
    with world.database.transaction() as session:
        end = notice_actions.sweep_validity(session, utcnow() + VALIDITY + timedelta(days=1))
    assert end.expired == [renewed.json()["reference"]]
    refused(
        client.post(
            f"/v1/notices/{n['id']}/renewal", json={"reason": "too late"}, headers=fr.headers
        ),
        409,
        "notice_not_renewable",
    )


def test_a_notice_past_its_end_stops_at_once_even_before_the_sweep(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    person_id = subject(
        client, fr, cautions=[], visibility={"scope": "only_listed", "countries": ["DE"]}
    )
    n = draft(client, fr, content(NoticeType.RED, person_id))
    long_ago = utcnow() - VALIDITY - timedelta(days=1)
    publish_at(world, fr, reviewer, n["id"], long_ago)
    assert notice_of(client, fr, n["id"])["state"] == "published"  # the sweep has not run
    br = world.principal(Role.NCB_OFFICER, "BR")
    assert check(client, br, {"person": {"name": "Jean-Pierre Duval"}})["hit"] is False
    assert client.get("/public/notices").json()["total"] == 0


# --- public extracts -----------------------------------------------------------------------


EXTRACT_KEYS = {
    "reference",
    "type",
    "type_label",
    "name",
    "age",
    "nationalities",
    "charges",
    "photo_ref",
}


def test_public_extracts_show_only_what_may_leave(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    consented = publish(client, fr, reviewer, content(NoticeType.RED, subject(client, fr)))
    secret = content(
        NoticeType.RED,
        subject(client, fr, name="Paul MARTIN", aliases=[]),
        public_extract={"consent": False},
    )
    publish(client, fr, reviewer, secret)
    blue = content(NoticeType.BLUE, subject(client, fr, name="Luc PETIT", aliases=[]))
    publish(client, fr, reviewer, blue | {"public_extract": {"consent": True}})
    un = publish(
        client,
        fr,
        reviewer,
        content(NoticeType.UN_SPECIAL, subject(client, fr, name="Владимир ИВАНОВ", aliases=[])),
    )
    # Only in review: not public yet.
    pending = draft(client, fr, content(NoticeType.YELLOW, subject(client, fr, name="Anna")))
    move(client, fr, pending["id"], "submitted")

    answer = client.get("/public/notices")  # no token
    assert answer.status_code == 200
    page = answer.json()
    assert page["total"] == 2
    by_reference = {n["reference"]: n for n in page["notices"]}
    assert set(by_reference) == {consented["reference"], un["reference"]}
    red = by_reference[consented["reference"]]
    assert set(red) == EXTRACT_KEYS
    assert red == {
        "reference": consented["reference"],
        "type": "red",
        "type_label": "Red Notice",
        "name": "Jean-Pierre DUVAL",
        "age": red["age"],
        "nationalities": ["FR"],
        "charges": "Murder",
        "photo_ref": "FR-PHOTO-0042",
    }
    assert 50 <= red["age"] <= 53  # born 12 August 1974
    assert "QDi.999" in by_reference[un["reference"]]["charges"]
    text = answer.text
    for leak in ("MA-2025-0042", "jeweller", "Lyon", "1974-08-12", "armed"):
        assert leak not in text

    # Search: by name across scripts, by type, by nationality.
    found = client.get("/public/notices", params={"name": "vladimir"}).json()
    assert [n["reference"] for n in found["notices"]] == [un["reference"]]
    assert client.get("/public/notices", params={"type": "red"}).json()["total"] == 1
    assert client.get("/public/notices", params={"type": "blue"}).json()["total"] == 0
    assert client.get("/public/notices", params={"nationality": "de"}).json()["total"] == 0

    # Cancelled: it leaves the public list at once.
    move(client, fr, consented["id"], "cancelled", "Arrested.")
    assert client.get("/public/notices").json()["total"] == 1


def test_the_public_page_speaks_four_languages(
    client: TestClient, fr: Actor, reviewer: Actor
) -> None:
    publish(client, fr, reviewer, content(NoticeType.RED, subject(client, fr)))
    expected = {
        "en": "Red Notice",
        "fr": "Notice rouge",
        "es": "Notificación roja",
        "ar": "النشرة الحمراء",
    }
    for code, label in expected.items():
        data = client.get("/public/notices", params={"lang": code}).json()
        assert data["language"] == code
        assert data["notices"][0]["type_label"] == label
        page = client.get("/public/notices", params={"lang": code}, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert f'lang="{code}"' in page.text
        assert label in page.text
        assert "Jean-Pierre DUVAL" in page.text
        assert ('dir="rtl"' in page.text) is (code == "ar")
    by_header = client.get("/public/notices", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert by_header.json()["language"] == "es"
    escaped = client.get("/public/notices", params={"name": "<script>", "format": "html"})
    assert "<script>" not in escaped.text


# --- diffusions ----------------------------------------------------------------------------


def diffuse(
    client: TestClient,
    actor: Actor,
    kind: str,
    title: str,
    text: str,
    to: str | list[str] = "all",
    **more: Any,
) -> dict[str, Any]:
    """A diffusion the actor sends (to all members unless ``to`` says whom), as sent."""
    body = {"kind": kind, "title": title, "text": text, "to": to} | more
    return answered(client.post("/v1/diffusions", json=body, headers=actor.headers), 201)


def test_a_diffusion_is_delivered_at_once_and_cancelled_everywhere(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    es = world.principal(Role.NCB_OFFICER, "ES")
    it = world.principal(Role.NCB_OFFICER, "IT")
    d = diffuse(
        client,
        fr,
        "wanted_person",
        "Wanted: Jean-Pierre DUVAL",
        "Arrest and inform NCB Paris; extradition will be requested.",
        to=["DE", "NCB-ES", "FR"],
        subject_person_id=subject(client, fr),
    )
    assert d["to"] == ["NCB-DE", "NCB-ES"] and d["review"] == "pending"
    for recipient in (de, es):
        (event,) = [e for e in events_of(client, recipient) if e["kind"] == "diffusion"]
        assert event["payload"]["reference"] == d["reference"]
        assert "text" not in event["payload"]  # the content stays where it can be withdrawn
        read = client.get(f"/v1/diffusions/{d['id']}", headers=recipient.headers)
        assert read.status_code == 200 and read.json()["text"].startswith("Arrest")
    refused(client.get(f"/v1/diffusions/{d['id']}", headers=it.headers), 404, "diffusion_not_found")
    assert client.get("/v1/diffusions", headers=it.headers).json()["items"] == []
    queue = client.get("/v1/diffusions", params={"review": "pending"}, headers=reviewer.headers)
    assert [x["id"] for x in queue.json()["items"]] == [d["id"]]
    refused(
        client.post(
            f"/v1/diffusions/{d['id']}/cancellation",
            json={"reason": "not yours"},
            headers=de.headers,
        ),
        403,
        "diffusion_cancel_forbidden",
    )
    cancelled = client.post(
        f"/v1/diffusions/{d['id']}/cancellation",
        json={"reason": "The facts show a private dispute."},
        headers=reviewer.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled" and cancelled.json()["review"] == "cancelled"
    for recipient in (de, es):
        gone = client.get(f"/v1/diffusions/{d['id']}", headers=recipient.headers)
        refused(gone, 410, "diffusion_cancelled")
        assert "private dispute" in gone.json()["error"]["message"]
        assert client.get("/v1/diffusions", headers=recipient.headers).json()["items"] == []
        (event,) = [e for e in events_of(client, recipient) if e["kind"] == "diffusion.cancelled"]
        assert event["payload"]["by"] == "the General Secretariat"
    # The sender still reads its own, cancelled.
    assert client.get(f"/v1/diffusions/{d['id']}", headers=fr.headers).json()["state"] == (
        "cancelled"
    )
    refused(
        client.post(
            f"/v1/diffusions/{d['id']}/cancellation", json={"reason": "twice"}, headers=fr.headers
        ),
        409,
        "diffusion_already_cancelled",
    )


def test_a_diffusion_to_all_is_reviewed_compliant(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    sent = diffuse(
        client,
        fr,
        "missing_person",
        "Missing: Anna (14)",
        "Missing since 2 May 2026 from Marseille.",
    )
    jp = world.principal(Role.NCB_OFFICER, "JP")
    assert client.get(f"/v1/diffusions/{sent['id']}", headers=jp.headers).status_code == 200
    reviewed = client.post(
        f"/v1/diffusions/{sent['id']}/review",
        json={"note": "Compliant."},
        headers=reviewer.headers,
    )
    assert reviewed.json()["review"] == "compliant"
    refused(
        client.post(f"/v1/diffusions/{sent['id']}/review", json={}, headers=reviewer.headers),
        409,
        "diffusion_reviewed",
    )
    bad = client.post(
        "/v1/diffusions",
        json={"kind": "locate", "title": "x" * 5, "text": "Where is he?", "to": ["GS-HQ"]},
        headers=fr.headers,
    )
    refused(bad, 422, "unknown_bureau")
    assert bad.json()["error"]["field"] == "to.0"


def test_seeded_terms_are_written_once(database: Database, world: World) -> None:
    with database.transaction() as session:
        assert notice_actions.seed_terms(session, utcnow()) == 0
    with database.reading() as session:
        matcher = notice_actions.matcher(session)
    flags = screen(
        NoticeContent(type=NoticeType.PURPLE, title="Opposition leader"),
        None,
        matcher,
        requester_suspended=False,
    )
    assert [f.rule.value for f in flags] == ["political"]


def test_a_record_seen_only_through_its_notice_keeps_its_content_to_its_owner(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    person_id = subject(client, fr, visibility={"scope": "only_listed", "countries": ["DE"]})
    published = publish(client, fr, reviewer, content(NoticeType.RED, person_id))
    query = {"person": {"name": "Jean-Pierre Duval"}}
    (outside,) = check(client, world.principal(Role.NCB_OFFICER, "BR"), query)["hits"]
    assert "record" not in outside and outside["owner_bureau"] == "NCB-FR"
    assert outside["notices"][0]["id"] == published["id"]
    (listed,) = check(client, world.principal(Role.NCB_OFFICER, "DE"), query)["hits"]
    assert listed["record"]["data"]["birth_place"] == "Lyon"
    assert listed["notices"][0]["id"] == published["id"]
    br = world.principal(Role.NCB_OFFICER, "BR")
    refused(client.get(f"/v1/persons/{person_id}", headers=br.headers), 404, "record_not_found")


def test_publication_needs_a_written_reason(client: TestClient, fr: Actor, reviewer: Actor) -> None:
    n = draft(client, fr, content(NoticeType.PURPLE, None))
    move(client, fr, n["id"], "submitted")
    move(client, reviewer, n["id"], "under_review")
    answer = client.post(
        f"/v1/notices/{n['id']}/transitions", json={"to": "published"}, headers=reviewer.headers
    )
    refused(answer, 422, "reason_required")
    assert notice_of(client, reviewer, n["id"])["state"] == "under_review"


def test_the_subject_answers_past_its_own_review_date_while_the_notice_stands(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    passport = {"issuing_country": "FR", "number": "12AB34567"}
    person_id = subject(client, fr, cautions=[], identity_documents=[passport])
    publish(client, fr, reviewer, content(NoticeType.RED, person_id))
    with world.database.transaction() as session:
        session.execute(
            text("UPDATE records SET review_date = :d WHERE id = :i"),
            {"d": utcnow().date() - timedelta(days=1), "i": person_id},
        )
        feed.changed(session, feed.RECORDS, person_id)
    br = world.principal(Role.NCB_OFFICER, "BR")
    (by_name,) = check(client, br, {"person": {"name": "Jean-Pierre Duval"}})["hits"]
    assert by_name["notices"]
    # Through the identity document it holds, too.
    (by_document,) = check(client, br, {"document": passport})["hits"]
    assert by_document["database"] == "persons" and by_document["notices"]
    # Cancelled, the record is past its review date and answers no one.
    move(client, fr, by_name["notices"][0]["id"], "cancelled", "Arrested.")
    assert check(client, fr, {"person": {"name": "Jean-Pierre Duval"}})["hit"] is False


def test_renewal_tells_every_member(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    published = publish(client, fr, reviewer, content(NoticeType.PURPLE, None))
    renewed = client.post(
        f"/v1/notices/{published['id']}/renewal",
        json={"reason": "Still in use by traffickers."},
        headers=fr.headers,
    ).json()
    jp = world.principal(Role.NCB_OFFICER, "JP")
    (event,) = [e for e in events_of(client, jp) if e["kind"] == "notice.renewed"]
    assert event["payload"]["expires_at"] == renewed["expires_at"].replace("Z", "+00:00")


def test_screening_terms_that_cannot_work_are_refused(client: TestClient, reviewer: Actor) -> None:
    for body, code in (
        ({"kind": "pattern", "text": "x{99999999999}"}, "term_pattern_invalid"),
        ({"kind": "pattern", "text": "(unclosed"}, "term_pattern_invalid"),
        ({"kind": "word", "text": "!!!"}, "term_word_invalid"),
    ):
        answer = client.post(
            "/v1/notices/screening-terms",
            json={"category": "political", "language": "en"} | body,
            headers=reviewer.headers,
        )
        refused(answer, 422, code)


@pytest.mark.parametrize(
    "text", ["للمعارضة السياسية", "وللمعارضة السياسية", "عضو وبالمعارضة", "المعارضة"]
)
def test_arabic_words_are_found_behind_stacked_prefixes(database: Database, text: str) -> None:
    initialise_terms = NoticeContent(type=NoticeType.PURPLE, title="x", purpose=text)
    with database.transaction() as session:
        notice_actions.seed_terms(session, utcnow())
        flags = screen(
            initialise_terms, None, notice_actions.matcher(session), requester_suspended=False
        )
    assert [f.rule.value for f in flags] == ["political"]
    assert flags[0].passages[0].match in text


def test_diffusions_to_all_reach_ncbs_only_and_a_sender_may_withdraw(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    sent = diffuse(client, fr, "warning", "Fake police", "Gang posing as police.")
    border = world.principal(Role.BORDER_OFFICER, "DE")
    de_agency = world.agency("DE", AgencyKind.POLICE, [Right.CHECK_RECORDS])
    with world.database.transaction() as session:
        principal, issued = create_principal(
            session,
            world.ncb_admin("DE").principal,
            PrincipalCreate(name="DE police", role=Role.AGENCY_OFFICER, agency_id=de_agency),
            default_ttl_days=30,
        )
    police = Actor(principal, issued.secret)
    for outsider in (police, world.gs_admin):
        assert client.get("/v1/diffusions", headers=outsider.headers).json()["items"] == []
        assert (
            client.get(f"/v1/diffusions/{sent['id']}", headers=outsider.headers).status_code == 404
        )
    assert client.get("/v1/diffusions", headers=border.headers).status_code == 403
    withdrawn = client.post(
        f"/v1/diffusions/{sent['id']}/cancellation",
        json={"reason": "Sent by mistake."},
        headers=fr.headers,
    ).json()
    assert withdrawn["review"] == "withdrawn"
    assert (
        client.get("/v1/diffusions", params={"review": "pending"}, headers=reviewer.headers).json()[
            "items"
        ]
        == []
    )
    refused(
        client.post(f"/v1/diffusions/{sent['id']}/review", json={}, headers=reviewer.headers),
        409,
        "diffusion_already_cancelled",
    )


def test_labels_come_in_four_languages(client: TestClient) -> None:
    english = client.get("/public/notices/labels").json()
    for code in ("fr", "es", "ar"):
        other = client.get("/public/notices/labels", params={"lang": code}).json()
        assert other["language"] == code
        assert set(other["states"]) == set(english["states"]) == {s.value for s in NoticeState}
        assert set(other["notice_types"]) == {t.value for t in NoticeType}
        assert other["states"]["published"] != english["states"]["published"]


def test_the_task_force_log_shows_requests_to_its_reviewers_only(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    n = draft(client, fr, content(NoticeType.PURPLE, None))
    move(client, fr, n["id"], "submitted")
    with world.database.transaction() as session:
        principal, issued = create_principal(
            session,
            world.gs_admin.principal,
            PrincipalCreate(name="NDTF clerk", role=Role.GS_ADMIN, bureau_id="GS-NDTF"),
            default_ttl_days=30,
        )
    clerk = Actor(principal, issued.secret)
    assert [e["kind"] for e in events_of(client, reviewer)] == ["notice.submitted"]
    assert events_of(client, clerk) == []
    # Nor does a data protection officer read the GS's messages.
    dpo = world.principal(Role.DATA_PROTECTION)
    sent = client.post(
        "/v1/messages",
        json={"to": ["GS-HQ"], "subject": "Question", "body": "Who reviews urgent requests?"},
        headers=fr.headers,
    )
    assert sent.status_code == 201, sent.text
    assert events_of(client, dpo) == []
    assert [e["kind"] for e in events_of(client, world.gs_admin)] == ["message"]


def test_a_published_notice_keeps_the_requesters_own_reference_to_itself(
    client: TestClient, world: World, fr: Actor, reviewer: Actor
) -> None:
    """Every member reads a published notice and its subject; the requesting bureau's own
    reference to the person's record (its case number) stays the requester's."""
    reference = "FR-PJ-2026-000777"
    person_id = subject(client, fr, external_ref=reference)
    published = publish(client, fr, reviewer, content(NoticeType.RED, person_id))
    br = world.principal(Role.NCB_OFFICER, "BR")
    for reader, sees in ((fr, True), (reviewer, True), (br, False)):
        read = notice_of(client, reader, published["id"])
        assert read["subject"]["record_id"] == person_id
        assert read["subject"]["name"]
        assert ("external_ref" in read["subject"]) is sees
        assert reference in json.dumps(read) if sees else reference not in json.dumps(read)
        listed = client.get("/v1/notices", headers=reader.headers).json()["items"]
        (same,) = [n for n in listed if n["id"] == published["id"]]
        assert (reference in json.dumps(same)) is sees
    assert notice_of(client, br, published["id"])["history"] is None
