"""The demo's network traffic: hits open, confirmed and overdue, threads on them, messages
between bureaus and to a working group. Made through the real actions, at instants in the
recent past, so the deadlines have run as they would have."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from policenet.actions.checks import check
from policenet.actions.hits import decide_hit, escalate_overdue
from policenet.actions.messages import create_group, read_message, send_message
from policenet.domain.checks import CheckRequest
from policenet.domain.hits import HitDecision
from policenet.domain.messages import CrimeArea, GroupCreate, MessageCreate
from policenet.domain.principals import Principal, Role
from policenet.screening.service import Screening

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

WORKING_GROUP = "Stolen works of art"


def _one(principals: list[Principal], role: Role, country: str | None) -> Principal:
    return next(p for p in principals if p.role is role and p.country == country)


def seed_network(
    session: Session,
    gs_admin: Principal,
    principals: list[Principal],
    examples: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Hits, answers, escalations and messages; returns what to look at."""
    screening = Screening()
    fr = _one(principals, Role.NCB_OFFICER, "FR")
    de = _one(principals, Role.NCB_OFFICER, "DE")
    it = _one(principals, Role.NCB_OFFICER, "IT")

    def asked(actor: Principal, body: dict[str, Any], ago: timedelta) -> list[str]:
        answer = check(session, actor, CheckRequest.model_validate(body), screening, now=now - ago)
        return [h.reference for h in answer.hits]

    # A working group run by the GS.
    create_group(
        session,
        gs_admin,
        GroupCreate(
            name=WORKING_GROUP,
            crime_area=CrimeArea.ORGANIZED_CRIME,
            description="Trafficking of stolen cultural property.",
            members=["NCB-FR", "NCB-IT", "NCB-DE", "NCB-ES", "GS-HQ"],
        ),
        now - timedelta(days=2),
    )

    # Confirmed: a stolen French passport presented in Germany, answered in the hour.
    passport = examples["stolen_passport"]
    (confirmed,) = asked(
        de,
        {
            "document": {"issuing_country": "FR", "number": passport["number"]},
            "place": "Frankfurt airport",
        },
        timedelta(hours=3),
    )
    question = send_message(
        session,
        de,
        MessageCreate(
            subject="Passport seized at Frankfurt",
            body="The holder says the passport was found. Can you confirm it is the one "
            "reported stolen, and do you want it returned?",
            priority="urgent",
        ),
        now - timedelta(hours=2, minutes=55),
        hit_reference=confirmed,
    )
    read_message(session, fr, question.reference, now - timedelta(hours=2, minutes=52))
    send_message(
        session,
        fr,
        MessageCreate(
            subject="Re: Passport seized at Frankfurt",
            body="Confirmed: same document, reported stolen in Lyon. Please keep it as evidence.",
            in_reply_to=question.reference,
        ),
        now - timedelta(hours=2, minutes=50),
    )
    decide_hit(
        session,
        fr,
        confirmed,
        HitDecision(decision="confirmed", reason="Number, type and holder match our report."),
        now - timedelta(hours=2, minutes=50),
    )

    # A message between bureaus.
    send_message(
        session,
        fr,
        MessageCreate(
            to=["NCB-DE", "NCB-IT"],
            subject="Coordination call on the Petrov case",
            body="Proposed for Thursday 10:00 UTC; please confirm your participants.",
        ),
        now - timedelta(hours=1),
    )

    # Overdue: a person flagged armed, found at a British border 45 minutes ago (10 minutes
    # to answer), escalated to the owner and the GS command centre.
    gb_border = _one(principals, Role.BORDER_OFFICER, "GB")
    overdue = asked(
        gb_border,
        {**examples["person_in_another_script"], "place": "London Heathrow, terminal 5"},
        timedelta(minutes=45),
    )

    notice = send_message(
        session,
        it,
        MessageCreate(
            groups=[WORKING_GROUP],
            subject="Auction catalogue with a stolen painting",
            body="Lot 42 of next week's sale in Milan matches a record of ours.",
        ),
        now - timedelta(minutes=30),
    )
    send_message(
        session,
        fr,
        MessageCreate(
            groups=[WORKING_GROUP],
            subject="Re: Auction catalogue with a stolen painting",
            body="We will check lot 42 against our records too.",
            in_reply_to=notice.reference,
        ),
        now - timedelta(minutes=20),
    )
    # Open: routine hits made a few minutes ago, not yet answered.
    us_border = _one(principals, Role.BORDER_OFFICER, "US")
    br_border = _one(principals, Role.BORDER_OFFICER, "BR")
    open_hits = asked(us_border, examples["vessel_by_name"], timedelta(minutes=12))
    open_hits += asked(br_border, examples["person_with_arabic_name"], timedelta(minutes=4))

    # Last, the hub's sweep: the armed person's hit is past its 10 minutes.
    escalated = escalate_overdue(session, now)
    return {
        "hits": {
            "confirmed": [confirmed],
            "overdue": [h.reference for h in escalated],
            "open": open_hits + [r for r in overdue if r not in {h.reference for h in escalated}],
        },
        "working_group": WORKING_GROUP,
    }
