"""Demo notices: every type in every state, and diffusions, made through the real actions with
the clock set where a state needs time (a review past its 24-hour target, a notice that
expired, one near the end of its validity)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from policenet.actions.diffusions import cancel_diffusion, review_diffusion, send_diffusion
from policenet.actions.notices import (
    ask_question,
    draft_notice,
    move_notice,
    sweep_validity,
)
from policenet.actions.records import record_entry
from policenet.domain.notices import (
    VALIDITY,
    DiffusionCancel,
    DiffusionCreate,
    DiffusionKind,
    DiffusionReviewed,
    NoticeContent,
    NoticeMove,
    NoticeState,
    NoticeType,
    QuestionAsk,
)
from policenet.domain.principals import Principal, Role
from policenet.domain.records import PersonEntry

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

# Subjects of the demo notices: invented people, none a real wanted person.
_GIVEN = (
    ("Lucas", "male"),
    ("Olga", "female"),
    ("Karim", "male"),
    ("Sofia", "female"),
    ("Mateo", "male"),
    ("Yuki", "female"),
    ("Amara", "female"),
    ("Pavel", "male"),
)
_FAMILY = {
    NoticeType.RED: "MOREAU",
    NoticeType.YELLOW: "KOVALENKO",
    NoticeType.BLUE: "HADDAD",
    NoticeType.GREEN: "FERREIRA",
    NoticeType.ORANGE: "BRANDT",
    NoticeType.UN_SPECIAL: "RAHIMI",
}
_NATIONALITIES = ("FR", "UA", "LB", "PT", "AR", "JP", "NG", "RU")
# The published Red notice's subject is written in Cyrillic: the public list finds him as
# "Pavel Morozov" too.
_CYRILLIC: tuple[str, list[str]] = ("Павел МОРОЗОВ", ["Pavel Morozov", "Pawel Morosow"])


_OFFENCE = {
    "description": "Between 2023 and 2025 the person led a network that shipped cocaine from "
    "Santos to Le Havre hidden in containers of frozen fruit, and ordered the murder of a "
    "customs officer in March 2025.",
    "charges": "Drug trafficking, murder",
    "law": "Criminal code, art. 222-34 and 221-1",
    "max_penalty_years": 30,
    "committed_on": "2025-03-03",
}


def _content(kind: NoticeType, subject: int | None, index: int) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind.value, "subject_person_id": subject}
    if kind is NoticeType.RED:
        body |= {
            "title": "Wanted for prosecution: drug trafficking, murder",
            "offence": _OFFENCE,
            "warrant": {
                "kind": "arrest_warrant",
                "reference": f"AW-2025-{index:04d}",
                "issued_on": "2025-04-02",
                "issuing_authority": "Investigating judge, Criminal Court",
            },
            "extradition_assurance": "Extradition will be requested through diplomatic "
            "channels within the time limits of the applicable treaty.",
            "public_extract": {"consent": index % 2 == 1, "charges": "Drug trafficking, murder"},
        }
    elif kind is NoticeType.YELLOW:
        body |= {
            "title": "Missing minor",
            "missing": {
                "circumstances": "Left her school and did not come home; seen at a bus "
                "station with an adult man.",
                "disappeared_on": "2026-05-02",
                "place": "Kyiv",
            },
            "public_extract": {"consent": True},
        }
    elif kind is NoticeType.BLUE:
        body |= {
            "title": "Location sought: suspected money launderer",
            "purpose": "Where the person lives, and the companies he controls abroad.",
            "offence": _OFFENCE | {"charges": "Money laundering"},
        }
    elif kind is NoticeType.BLACK:
        body |= {
            "subject_person_id": None,
            "title": "Unidentified body found on a beach",
            "body": {
                "found_on": "2026-02-14",
                "place": "Beach of Les Saintes-Maries-de-la-Mer",
                "description": "Male, 35 to 45, 178 cm, anchor tattoo on the left forearm, "
                "gold crown on an upper incisor.",
            },
        }
    elif kind is NoticeType.GREEN:
        body |= {
            "title": "Warning: repeat armed robber released",
            "offence": _OFFENCE | {"charges": "Armed robbery"},
            "purpose": "Convicted four times of armed robbery of jewellers; released in June "
            "2026 and believed to travel to neighbouring countries.",
        }
    elif kind is NoticeType.ORANGE:
        body |= {
            "subject_person_id": None,
            "title": "Parcel bombs in printer cartridges",
            "threat": {
                "kind": "object",
                "description": "Explosive devices hidden in printer toner cartridges, sent "
                "by air freight; two intercepted at transit airports.",
            },
            "urgent": True,
            "urgency_reason": "More parcels are in transit.",
        }
    elif kind is NoticeType.PURPLE:
        body |= {
            "subject_person_id": None,
            "title": "Cocaine dissolved in suitcase shells",
            "modus_operandi": {
                "description": "Cocaine dissolved into the plastic of hard-shell suitcases "
                "and recovered chemically after the flight.",
                "concealment": "Suitcase shells heavier than the brand's by 1 to 2 kg.",
            },
        }
    elif kind is NoticeType.SILVER:
        body |= {
            "subject_person_id": None,
            "title": "Assets of a corruption network",
            "assets": {
                "description": "A villa, a yacht and shares of shell companies bought with "
                "bribes paid for public contracts.",
                "estimated_value": "EUR 24,000,000",
                "locations": "Côte d'Azur; Dubai; British Virgin Islands",
            },
            "offence": _OFFENCE | {"charges": "Corruption, money laundering"},
        }
    else:
        body |= {
            "title": "UN sanctions: travel ban and asset freeze",
            "sanctions": {
                "committee": "1267 Committee",
                "un_reference": f"QDi.{900 + index}",
                "listed_on": "2024-01-15",
                "measures": ["asset_freeze", "travel_ban", "arms_embargo"],
            },
        }
    return body


_PATHS: dict[NoticeState, list[NoticeState]] = {
    NoticeState.DRAFT: [],
    NoticeState.SUBMITTED: [NoticeState.SUBMITTED],
    NoticeState.UNDER_REVIEW: [NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW],
    NoticeState.PUBLISHED: [
        NoticeState.SUBMITTED,
        NoticeState.UNDER_REVIEW,
        NoticeState.PUBLISHED,
    ],
    NoticeState.REFUSED: [NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW, NoticeState.REFUSED],
    NoticeState.CANCELLED: [
        NoticeState.SUBMITTED,
        NoticeState.UNDER_REVIEW,
        NoticeState.PUBLISHED,
        NoticeState.CANCELLED,
    ],
    NoticeState.EXPIRED: [NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW, NoticeState.PUBLISHED],
    NoticeState.WITHDRAWN: [NoticeState.SUBMITTED, NoticeState.WITHDRAWN],
}
_REASONS = {
    NoticeState.PUBLISHED: "Compliant with the Constitution and the rules on the processing "
    "of data; identifiers and judicial data sufficient.",
    NoticeState.REFUSED: "The facts describe a commercial dispute between two companies, a "
    "private matter that notices do not serve.",
    NoticeState.CANCELLED: "The person was arrested and extradited.",
    NoticeState.WITHDRAWN: "The person was found by the national police.",
}


def _subject(
    session: Session, officer: Principal, kind: NoticeType, s_index: int, index: int
) -> int:
    given, sex = _GIVEN[s_index % len(_GIVEN)]
    name, aliases = f"{given} {_FAMILY[kind]}", list[str]()
    if kind is NoticeType.RED and s_index == list(NoticeState).index(NoticeState.PUBLISHED):
        name, aliases = _CYRILLIC
    born = 2010 if kind is NoticeType.YELLOW else 1960 + (index * 7) % 40
    record = record_entry(
        session,
        officer,
        PersonEntry.model_validate(
            {
                "name": name,
                "aliases": aliases,
                "birth_date": f"{born}-{1 + index % 12:02d}-{1 + index % 28:02d}",
                "sex": sex,
                "nationalities": [_NATIONALITIES[s_index % len(_NATIONALITIES)]],
                "photo_ref": f"{officer.country}-PHOTO-{index:04d}",
                "external_ref": f"DEMO-NOTICE-{index:04d}",
            }
        ),
    )
    return record.id


def _start(state: NoticeState, t_index: int, s_index: int, now: datetime) -> datetime:
    """When the demo request was submitted: an expired one 5 years ago, one in review past its
    24-hour target, the others hours to weeks ago."""
    if state is NoticeState.EXPIRED:
        return now - VALIDITY - timedelta(days=20)
    if state in (NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW):
        return now - timedelta(hours=3 + 5 * t_index + s_index)
    return now - timedelta(days=30 + t_index + s_index)


def seed_notices(session: Session, principals: list[Principal], now: datetime) -> dict[str, Any]:
    """A request of every type in every state, with screening flags, questions and public
    extracts; and diffusions pending review, reviewed and cancelled."""
    officers = [p for p in principals if p.role is Role.NCB_OFFICER and p.bureau_id is not None]
    reviewer = next(
        p for p in principals if p.role is Role.GS_REVIEWER and p.bureau_id == "GS-NDTF"
    )
    made: dict[str, dict[str, str]] = {}
    people = 0
    for t_index, kind in enumerate(NoticeType):
        for s_index, state in enumerate(NoticeState):
            index = t_index * len(NoticeState) + s_index
            officer = officers[index % len(officers)]
            subject = None
            if kind in _FAMILY and kind is not NoticeType.ORANGE:
                subject = _subject(session, officer, kind, s_index, index)
                people += 1
            body = _content(kind, subject, index)
            if kind is NoticeType.RED and state is NoticeState.UNDER_REVIEW:
                # What the screening exists for: a request about a political opponent.
                body["offence"] = _OFFENCE | {
                    "description": "The person, an opposition leader and journalist, "
                    "organised a protest in front of the parliament and insulted the "
                    "president in a blog post.",
                    "charges": "Insulting the head of state",
                    "max_penalty_years": 1,
                }
            start = _start(state, t_index, s_index, now)
            file = draft_notice(session, officer, NoticeContent.model_validate(body), start)
            at = start
            for step in _PATHS[state]:
                at += timedelta(hours=1) if step is not NoticeState.SUBMITTED else timedelta(0)
                actor = (
                    officer
                    if step in (NoticeState.SUBMITTED, NoticeState.WITHDRAWN)
                    or (step is NoticeState.CANCELLED)
                    else reviewer
                )
                if step is NoticeState.UNDER_REVIEW and state is NoticeState.UNDER_REVIEW:
                    move_notice(session, actor, file.id, NoticeMove(to=step), at)
                    file = ask_question(
                        session,
                        reviewer,
                        file.id,
                        QuestionAsk(question="Is the arrest warrant still in force?"),
                        at + timedelta(minutes=20),
                    )
                    continue
                file = move_notice(
                    session,
                    actor,
                    file.id,
                    NoticeMove(to=step, reason=_REASONS.get(step)),
                    at,
                )
            made[f"{kind.value}/{state.value}"] = {
                "id": str(file.id),
                "reference": file.reference,
            }
    swept = sweep_validity(session, now)
    diffusions = _diffusions(session, officers, reviewer, now)
    return {"notices": made, "expired": swept.expired, "diffusions": diffusions, "people": people}


def _diffusions(
    session: Session, officers: list[Principal], reviewer: Principal, now: datetime
) -> dict[str, str]:
    fr = next(p for p in officers if p.country == "FR")
    de = next(p for p in officers if p.country == "DE")
    pending = send_diffusion(
        session,
        fr,
        DiffusionCreate(
            kind=DiffusionKind.WANTED_PERSON,
            title="Wanted: suspect of a jewellery robbery in Paris",
            text="Arrest with a view to extradition; warrant AW-2026-0107 of the Paris "
            "investigating judge. Inform NCB Paris at once.",
            to=["DE", "BE", "ES", "IT"],
            urgent=True,
        ),
        now - timedelta(hours=3),
    )
    reviewed = send_diffusion(
        session,
        de,
        DiffusionCreate(
            kind=DiffusionKind.MISSING_PERSON,
            title="Missing: 15-year-old girl from Cologne",
            text="Missing since 1 November 2026; may travel with an adult man by train.",
            to="all",
        ),
        now - timedelta(days=2),
    )
    review_diffusion(
        session,
        reviewer,
        reviewed.id,
        DiffusionReviewed(note="Compliant."),
        now - timedelta(days=1),
    )
    cancelled = send_diffusion(
        session,
        fr,
        DiffusionCreate(
            kind=DiffusionKind.LOCATE,
            title="Locate: debtor of a French company",
            text="Locate the former manager who left unpaid debts to a supplier.",
            to=["GB", "US"],
        ),
        now - timedelta(days=3),
    )
    cancel_diffusion(
        session,
        reviewer,
        cancelled.id,
        DiffusionCancel(reason="A private debt: diffusions do not serve private matters."),
        now - timedelta(days=2),
    )
    return {
        "pending": pending.reference,
        "reviewed": reviewed.reference,
        "cancelled": cancelled.reference,
    }
