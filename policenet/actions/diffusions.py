"""Diffusions: an NCB's request sent at once to the bureaus it chooses (or to all), recorded,
and reviewed by the GS after the fact. A cancelled diffusion is withdrawn everywhere: its
recipients can no longer read it, only that it was cancelled and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access import (
    diffusion_recipient,
    diffusion_sender,
    may_learn_of_diffusion,
    may_read_diffusion,
    reads_sent_diffusions,
    require,
)
from policenet.actions.notices import (
    NOTICE_CLASSIFICATION,
    member_ncbs,
    owned_person,
    requesting_ncb,
)
from policenet.actions.verbs import refused
from policenet.domain.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.members import NOTICES_TASK_FORCE, BureauKind, alpha2_from_icao, ncb_id
from policenet.domain.notices import (
    Diffusion,
    DiffusionCancel,
    DiffusionCreate,
    DiffusionReview,
    DiffusionReviewed,
    DiffusionState,
)
from policenet.domain.principals import Principal, Right
from policenet.store import audit, events, registry
from policenet.store import diffusions as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _not_found(diffusion_id: int) -> NotFound:
    return NotFound(
        f"No diffusion {diffusion_id} sent to or by your bureau: GET /v1/diffusions lists them.",
        code="diffusion_not_found",
    )


def _recipients(session: Session, sender: str, to: list[str]) -> list[str]:
    """NCB ids from NCB ids or country codes, without repeats or the sender itself."""
    out: list[str] = []
    for index, name in enumerate(to):
        value = name.strip().upper()
        if len(value) in (2, 3) and value.isalpha():
            alpha2 = value if len(value) == 2 else alpha2_from_icao(value)
            value = ncb_id(alpha2) if alpha2 else value
        bureau = registry.get_bureau(session, value)
        if bureau is None or bureau.kind is not BureauKind.NCB:
            raise InvalidInput(
                f"{name!r} is not a member's NCB: name NCBs as NCB-<country code> (NCB-FR) or by "
                "country code (FR), or send to 'all'.",
                code="unknown_bureau",
                field=f"to.{index}",
            )
        if bureau.id != sender and bureau.id not in out:
            out.append(bureau.id)
    if not out:
        raise InvalidInput(
            "The diffusion goes to no other bureau: name at least one NCB besides yours.",
            code="no_recipients",
            field="to",
        )
    return out


def _mailboxes(diffusion: Diffusion) -> list[str]:
    if diffusion.to_all:
        return [m for m in member_ncbs() if m != diffusion.sender_bureau_id]
    return list(diffusion.recipients)


def _event(mailbox: str, kind: EventKind, d: Diffusion, **extra: Any) -> NewEvent:  # noqa: ANN401
    # The content stays in the diffusion, not in the logs: a cancellation withdraws it.
    payload = {
        "diffusion": d.id,
        "reference": d.reference,
        "kind": d.kind.value,
        "sender": d.sender_bureau_id,
        "urgent": d.urgent,
        "read": f"GET /v1/diffusions/{d.id}",
        **extra,
    }
    return NewEvent(mailbox, kind, f"diffusion:{d.id}", NOTICE_CLASSIFICATION, payload)


def send_diffusion(
    session: Session, actor: Principal, data: DiffusionCreate, now: datetime
) -> Diffusion:
    """Deliver a diffusion at once; the GS reviews it after."""
    bureau_id, member = requesting_ncb(actor)
    to_all = data.to == "all"
    recipients = [] if isinstance(data.to, str) else _recipients(session, bureau_id, data.to)
    if data.subject_person_id is not None:
        owned_person(session, actor, data.subject_person_id)
    diffusion = store.add(
        session,
        {
            "kind": data.kind.value,
            "title": data.title,
            "text": data.text,
            "sender_bureau_id": bureau_id,
            "sender_country": member,
            "to_all": to_all,
            "subject_person_id": data.subject_person_id,
            "urgent": data.urgent,
            "state": DiffusionState.ACTIVE.value,
            "review": DiffusionReview.PENDING.value,
            "sent_at": now,
            "sent_by": actor.id,
        },
        recipients,
    )
    out = [_event(m, EventKind.DIFFUSION, diffusion) for m in _mailboxes(diffusion)]
    out.append(_event(NOTICES_TASK_FORCE, EventKind.DIFFUSION, diffusion, review="pending"))
    events.publish(session, out, now)
    audit.append_by(
        session,
        actor,
        "diffusion.send",
        f"diffusion:{diffusion.id}",
        {"kind": data.kind.value, "to": "all" if to_all else recipients},
    )
    return diffusion


def read_diffusion(
    session: Session, actor: Principal, diffusion_id: int, now: datetime
) -> Diffusion:
    """A diffusion as its sender, a recipient or the GS reads it; a cancelled one is gone for
    its recipients."""
    d = store.get(session, diffusion_id)
    subject = f"diffusion:{diffusion_id}"
    if d is None or not may_learn_of_diffusion(actor, d):
        raise refused(_not_found(diffusion_id), actor, "diffusion.read", subject)
    if not may_read_diffusion(actor, d):
        gone = Gone(
            f"Diffusion {d.reference} was cancelled ({d.review_note or 'no reason given'}): do "
            "not act on it, and remove it from your national systems.",
            code="diffusion_cancelled",
        )
        raise refused(gone, actor, "diffusion.read", subject)
    audit.append_by(session, actor, "diffusion.read", subject, {"shown": True})
    return d


def list_diffusions(
    session: Session,
    actor: Principal,
    *,
    review: DiffusionReview | None,
    window: Window,
) -> Page[Diffusion]:
    """What the actor's bureau sent and the active diffusions it received; every diffusion
    for a GS reviewer (``review=pending``: the review queue, urgent first then oldest)."""
    reviewer = actor.can(Right.REVIEW_NOTICES)
    if not reviewer:
        require(actor, Right.CHECK_RECORDS)
    found = store.listing(
        session,
        bureau_id=actor.bureau_id,
        ncb=actor.country is not None and actor.bureau_id == ncb_id(actor.country),
        everything=reviewer,
        sent=reads_sent_diffusions(actor),
        review=review,
        window=window,
    ).kept(lambda d: may_learn_of_diffusion(actor, d))
    audit.append_by(
        session,
        actor,
        "diffusion.list",
        "diffusions",
        {
            "review": None if review is None else review.value,
            "count": len(found.items),
            **window.described(),
        },
    )
    return found


def review_diffusion(
    session: Session, actor: Principal, diffusion_id: int, data: DiffusionReviewed, now: datetime
) -> Diffusion:
    """A GS reviewer finds a diffusion compliant with the rules; it stays as it is."""
    require(actor, Right.REVIEW_NOTICES)
    d = store.get(session, diffusion_id, for_update=True)
    if d is None:
        raise _not_found(diffusion_id)
    if d.state is DiffusionState.CANCELLED:
        raise Conflict(
            f"Diffusion {d.reference} was cancelled ({d.review}): there is nothing to review.",
            code="diffusion_already_cancelled",
            details={"state": d.state.value, "review": d.review.value},
        )
    if d.review is not DiffusionReview.PENDING:
        raise Conflict(
            f"Diffusion {d.reference} was already reviewed ({d.review}).",
            code="diffusion_reviewed",
            details={"review": d.review.value},
        )
    reviewed = store.change(
        session,
        diffusion_id,
        review=DiffusionReview.COMPLIANT.value,
        reviewed_at=now,
        reviewed_by=actor.id,
        review_note=data.note,
    )
    audit.append_by(
        session, actor, "diffusion.review", f"diffusion:{diffusion_id}", {"note": data.note}
    )
    return reviewed


def cancel_diffusion(
    session: Session, actor: Principal, diffusion_id: int, data: DiffusionCancel, now: datetime
) -> Diffusion:
    """The GS (after its review) or the sender cancels a diffusion: withdrawn everywhere."""
    d = store.get(session, diffusion_id, for_update=True)
    reviewer = actor.can(Right.REVIEW_NOTICES)
    sender = d is not None and diffusion_sender(actor, d) and actor.can(Right.REQUEST_NOTICES)
    if d is None or not (reviewer or sender or diffusion_recipient(actor, d)):
        raise refused(
            _not_found(diffusion_id), actor, "diffusion.cancel", f"diffusion:{diffusion_id}"
        )
    if not (reviewer or sender):
        raise Forbidden(
            f"Only the GS or the sender ({d.sender_bureau_id}) cancels diffusion {d.reference}.",
            code="diffusion_cancel_forbidden",
        )
    if d.state is DiffusionState.CANCELLED:
        raise Conflict(
            f"Diffusion {d.reference} is already cancelled.",
            code="diffusion_already_cancelled",
            details={"state": d.state.value},
        )
    values: dict[str, Any] = {"state": DiffusionState.CANCELLED.value, "review_note": data.reason}
    if reviewer:
        values.update(review=DiffusionReview.CANCELLED.value, reviewed_at=now, reviewed_by=actor.id)
    elif d.review is DiffusionReview.PENDING:
        values["review"] = DiffusionReview.WITHDRAWN.value  # nothing left for the GS to review
    cancelled = store.change(session, diffusion_id, **values)
    by = "the General Secretariat" if reviewer else d.sender_bureau_id
    mailboxes = [*_mailboxes(d), d.sender_bureau_id, NOTICES_TASK_FORCE]
    events.publish(
        session,
        [
            _event(m, EventKind.DIFFUSION_CANCELLED, cancelled, reason=data.reason, by=by)
            for m in dict.fromkeys(mailboxes)
        ],
        now,
    )
    audit.append_by(
        session, actor, "diffusion.cancel", f"diffusion:{diffusion_id}", {"reason": data.reason}
    )
    return cancelled


ERASED_TEXT = "(erased with the record of the person it was about)"


def end_about_erased(session: Session, person_ids: list[int], now: datetime, why: str) -> None:
    """The diffusions about persons whose records are erased: cancelled if still active,
    their title and text replaced, and their recipients told."""
    for d in store.about_persons(session, person_ids):
        values: dict[str, Any] = {"title": "(erased)", "text": ERASED_TEXT}
        live = d.state is DiffusionState.ACTIVE
        if live:
            values.update(state=DiffusionState.CANCELLED.value, review_note=why)
            if d.review is DiffusionReview.PENDING:
                values["review"] = DiffusionReview.WITHDRAWN.value
        cancelled = store.change(session, d.id, **values)
        if live:
            mailboxes = [*_mailboxes(d), d.sender_bureau_id, NOTICES_TASK_FORCE]
            events.publish(
                session,
                [
                    _event(m, EventKind.DIFFUSION_CANCELLED, cancelled, reason=why, by="the hub")
                    for m in dict.fromkeys(mailboxes)
                ],
                now,
            )
