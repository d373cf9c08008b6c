"""Hits after the answer: the owner is alerted and must confirm or reject before a deadline;
overdue hits are escalated to the owner and to the GS command centre.

Every event is written in the transaction of what caused it, so an alert cannot be announced
and then lost, nor a hit be kept without its alert.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from policenet.access import (
    HitView,
    hit_party,
    hit_view,
    is_owner,
    lists_every_overdue_hit,
    require,
    sees_details,
)
from policenet.actions.verbs import refused
from policenet.domain.classification import Classification
from policenet.domain.errors import Conflict, Forbidden, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.hits import ALLOWED, HitStatus, Urgency, due
from policenet.domain.members import COMMAND_CENTRE, ncb_id
from policenet.domain.principals import Principal, Right, agency_mailbox
from policenet.domain.terms import Disclosure
from policenet.store import audit, events, hits

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.hits import HitDecision, StoredHit
    from policenet.domain.listing import Page, Window
    from policenet.domain.records import Database, Record

# Police data about a hit: readable by officers, not by carriers.
HIT_CLASSIFICATION = Classification.RESTRICTED
# Hits escalated in one transaction: small, since every check waits while it holds the write
# lock (500 at once held it for about 60 ms); the sweep runs batches until none is left.
ESCALATION_BATCH = 50


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def new_hit(
    actor: Principal,
    record: TravelDocument | Record,
    *,
    database: Database,
    check_reference: str,
    match: str,
    score: float | None,
    asked: dict[str, Any],
    place: str | None,
    now: datetime,
    urgency: Urgency = Urgency.ROUTINE,
    urgency_reason: str | None = None,
    notices: list[dict[str, Any]] | None = None,
    reference: str | None = None,
    disclosure: Disclosure | None = None,
) -> dict[str, Any]:
    """A hit to store for a record the actor's check or search found, open until the owner
    answers; its deadline follows from its urgency. ``disclosure``: what the checking side
    may learn of the record, when less than the record's own (a record it found only
    through a published notice)."""
    return {
        "reference": reference or uuid.uuid4().hex,
        "check_reference": check_reference,
        "database": database.value,
        "record_id": record.id,
        "owner_bureau_id": record.owner_bureau_id,
        "disclosure": (record.disclosure if disclosure is None else disclosure).value,
        "match": match,
        "score": score,
        "at": now,
        "checked_by": actor.id,
        # An agency's checks are its NCB's to follow up.
        "checker_bureau_id": actor.bureau_id
        or (None if actor.country is None else ncb_id(actor.country)),
        "checker_country": actor.country,
        "place": place,
        "asked": asked,
        # Carriers learn hit or no hit only: their agency is not told what follows.
        "checker_agency_id": actor.agency_id if sees_details(actor) else None,
        "status": HitStatus.OPEN.value,
        "urgency": urgency.value,
        "urgency_reason": urgency_reason,
        "due_at": due(now, urgency),
        "notices": notices or [],
    }


def check_events(
    row: dict[str, Any], actor: Principal, *, agency: str | None, external_ref: str | None
) -> list[NewEvent]:
    """The events of one new hit: the owner's alert, and the checking side's notice of whom to
    contact. The owner learns what was asked of its record and who asked; the checking side
    learns of a ``hit_only`` record exactly what its answer said, and whom to ask."""
    reference, owner = row["reference"], row["owner_bureau_id"]
    subject = f"hit:{reference}"
    due = _iso(row["due_at"])
    checker = {
        "bureau": row["checker_bureau_id"],
        "country": row["checker_country"],
        "agency_id": actor.agency_id,
        "agency": agency,
        "officer": actor.name,
        "principal_id": actor.id,
        "place": row["place"],
    }
    alert = {
        "hit": reference,
        "check": row["check_reference"],
        "database": row["database"],
        "record_id": row["record_id"],
        "external_ref": external_ref,
        "disclosure": row["disclosure"],
        "match": row["match"],
        "score": row["score"],
        "urgency": row["urgency"],
        "urgency_reason": row["urgency_reason"],
        "due_at": due,
        "checked_by": checker,
        "asked": row["asked"],
        "notices": row.get("notices") or [],
    }
    out = [NewEvent(owner, EventKind.HIT_ALERT, subject, HIT_CLASSIFICATION, alert)]
    told: dict[str, Any] = {
        "hit": reference,
        "check": row["check_reference"],
        "database": row["database"],
        "part": next(iter(row["asked"]), None),
        "disclosure": row["disclosure"],
        "owner_bureau": owner,
        "checked_by": checker,
        "notices": row.get("notices") or [],
        "contact": f"Contact {owner} through a message on hit {reference}; it must confirm or "
        "reject the hit.",
    }
    if row["disclosure"] == Disclosure.FULL.value:
        told.update(urgency=row["urgency"], urgency_reason=row["urgency_reason"], due_at=due)
    recipients = []
    if row["checker_bureau_id"] is not None and row["checker_bureau_id"] != owner:
        recipients.append(row["checker_bureau_id"])
    if actor.agency_id is not None and sees_details(actor):
        recipients.append(agency_mailbox(actor.agency_id))
    out.extend(
        NewEvent(mailbox, EventKind.HIT_RECORDED, subject, HIT_CLASSIFICATION, told)
        for mailbox in recipients
    )
    return out


def hit_of_party(
    session: Session, actor: Principal, reference: str, *, for_update: bool = False
) -> StoredHit:
    """A hit of the actor's bureau, as owner or checker; any other is not found."""
    hit = hits.get(session, reference, for_update=for_update)
    if hit is None or not hit_party(actor, hit.owner_bureau_id, hit.checker_bureau_id):
        raise NotFound(
            f"No hit {reference} concerns your bureau: check the reference in the alert.",
            code="hit_not_found",
        )
    return hit


def get_hit(session: Session, actor: Principal, reference: str) -> HitView:
    """A hit as its owner or its checking bureau sees it."""
    require(actor, Right.CHECK_DOCUMENTS)
    try:
        hit = hit_of_party(session, actor, reference)
    except NotFound as error:
        raise refused(error, actor, "hit.read", f"hit:{reference}") from None
    audit.append_by(session, actor, "hit.read", f"hit:{reference}", {"shown": True})
    return hit_view(actor, hit)


def _checking_side(hit: StoredHit) -> list[str]:
    mailboxes = []
    if hit.checker_bureau_id is not None and hit.checker_bureau_id != hit.owner_bureau_id:
        mailboxes.append(hit.checker_bureau_id)
    if hit.checker_agency_id is not None:
        mailboxes.append(agency_mailbox(hit.checker_agency_id))
    return mailboxes


def decide_hit(
    session: Session, actor: Principal, reference: str, decision: HitDecision, now: datetime
) -> HitView:
    """The owner bureau confirms or rejects a hit; both sides (and the command centre, if it
    was escalated) are told at once. A late answer is accepted and marked late."""
    require(actor, Right.ANSWER_HITS)
    try:
        hit = hit_of_party(session, actor, reference, for_update=True)
    except NotFound as error:
        raise refused(error, actor, "hit.decide", f"hit:{reference}") from None
    if not is_owner(actor, hit.owner_bureau_id):
        raise Forbidden(
            f"Only the record's owner ({hit.owner_bureau_id}) confirms or rejects hit "
            f"{reference}; send it a message on the hit instead.",
            code="not_owner",
        )
    status = decision.status
    if status not in ALLOWED[hit.status]:
        raise Conflict(
            f"Hit {reference} was already {hit.status} at {_iso(hit.decided_at)}; a decision "
            "is final: send a message on the hit to correct it.",
            code="hit_already_decided",
        )
    hits.decide(session, hit.id, status=status, at=now, by=actor.id, reason=decision.reason)
    late = hit.due_at is not None and now > hit.due_at
    payload = {
        "hit": reference,
        "database": hit.database.value,
        "owner_bureau": hit.owner_bureau_id,
        "decision": status.value,
        "reason": decision.reason,
        "decided_by": actor.name,
        "decided_at": now.isoformat(),
        "late": late,
    }
    kind = EventKind.HIT_CONFIRMED if status is HitStatus.CONFIRMED else EventKind.HIT_REJECTED
    mailboxes = [hit.owner_bureau_id, *_checking_side(hit)]
    if hit.escalated_at is not None:
        mailboxes.append(COMMAND_CENTRE)
    events.publish(
        session,
        (NewEvent(m, kind, f"hit:{reference}", HIT_CLASSIFICATION, payload) for m in mailboxes),
        now,
    )
    audit.append_by(
        session,
        actor,
        f"hit.{status.value}",
        f"hit:{reference}",
        {"reason": decision.reason, "late": late},
    )
    decided = hits.get(session, reference)
    assert decided is not None  # noqa: S101 - locked above
    return hit_view(actor, decided)


def escalate_overdue(session: Session, now: datetime) -> list[StoredHit]:
    """Escalate every open hit past its deadline, once: the owner and the GS command centre
    are told. Run by the hub every few seconds; safe to run from several processes."""
    claimed = hits.claim_overdue(session, now, ESCALATION_BATCH)
    out: list[NewEvent] = []
    for hit in claimed:
        assert hit.due_at is not None  # noqa: S101 - only hits with a deadline are claimed
        payload = {
            "hit": hit.reference,
            "database": hit.database.value,
            "owner_bureau": hit.owner_bureau_id,
            "checker_bureau": hit.checker_bureau_id,
            "urgency": hit.urgency.value,
            "hit_at": hit.at.isoformat(),
            "due_at": hit.due_at.isoformat(),
            "overdue_minutes": int((now - hit.due_at).total_seconds() // 60),
        }
        out.extend(
            NewEvent(m, EventKind.HIT_OVERDUE, f"hit:{hit.reference}", HIT_CLASSIFICATION, payload)
            for m in (hit.owner_bureau_id, COMMAND_CENTRE)
        )
    if claimed:
        events.publish(session, out, now)
        audit.append_by(
            session, None, "hits.escalate", "hits", {"hits": [h.reference for h in claimed]}
        )
    return claimed


def list_hits(
    session: Session,
    actor: Principal,
    *,
    window: Window,
    status: str | None,
    on: Database | None = None,
    now: datetime,
) -> Page[HitView]:
    """Hits on the actor's bureau's records (the owner is told of every query that found
    one) and hits its own checks made, newest first. The General Secretariat lists every
    overdue hit, to chase the owners."""
    require(actor, Right.CHECK_DOCUMENTS)
    if actor.bureau_id is None:
        raise Forbidden(
            "Hits are kept for bureaus: your principal belongs to none.", code="no_bureau"
        )
    everyone = lists_every_overdue_hit(actor) and status == "overdue"
    found = hits.of_bureau(
        session,
        None if everyone else actor.bureau_id,
        window=window,
        status=status,
        database=on,
        now=now,
    )
    audit.append_by(
        session,
        actor,
        "hits.read",
        "hits" if everyone else f"bureau:{actor.bureau_id}",
        {"count": len(found.items), "status": status, **window.described()},
    )
    return found.mapped(lambda h: hit_view(actor, h))
