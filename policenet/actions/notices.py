"""Notices: a bureau drafts and submits a request, the automated screening flags what the
reviewer must look at, a GS reviewer takes it from the queue, may question the bureau, and
publishes or refuses it; a published notice goes to every member, makes its subject answer
checks, and lasts 5 years unless renewed.

Every move is one transaction holding the move, its history line, its audit entry and its
events. What a request may become, and who may move it, is ``domain.notices.TRANSITIONS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from policenet.access import is_owner, may_read_notice, require
from policenet.domain.classification import Classification
from policenet.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.members import NOTICES_TASK_FORCE, MemberStatus, member_countries, ncb_id
from policenet.domain.notices import (
    REASON_REQUIRED,
    REMINDER,
    Notice,
    NoticeContent,
    NoticeMove,
    NoticeState,
    NoticeType,
    Party,
    Question,
    ScreeningTerm,
    TermCreate,
    TermKind,
    Transition,
    allowed_next,
    missing_fields,
    movers,
    valid_until,
)
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database, Record
from policenet.matching.notices import TermMatcher, compile_pattern, screen, word_terms
from policenet.matching.records import country
from policenet.store import audit, events, feed, registry
from policenet.store import notices as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    import re
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import QuestionAnswer, QuestionAsk, Renewal

# Notice requests are police data: officers read them, carriers never.
NOTICE_CLASSIFICATION = Classification.RESTRICTED
SWEEP_BATCH = 500

_TYPE_CODES = {
    NoticeType.RED: "RED",
    NoticeType.YELLOW: "YEL",
    NoticeType.BLUE: "BLU",
    NoticeType.BLACK: "BLK",
    NoticeType.GREEN: "GRN",
    NoticeType.ORANGE: "ORA",
    NoticeType.PURPLE: "PUR",
    NoticeType.SILVER: "SIL",
    NoticeType.UN_SPECIAL: "UNSC",
}


@dataclass(frozen=True, slots=True)
class NoticeFile:
    """A request with its history and its questions, as a reader may see it."""

    notice: Notice
    transitions: list[Transition]
    questions: list[Question]
    missing: list[dict[str, str]]
    allowed: list[NoticeState]


def not_found(notice_id: int) -> NotFound:
    """The one answer for a request that does not exist and one the caller may not read."""
    return NotFound(
        f"No notice request {notice_id} that you may read: GET /v1/notices lists yours and "
        "every published notice.",
        code="notice_not_found",
    )


def _readable(actor: Principal, notice: Notice, now: datetime) -> bool:
    return may_read_notice(
        actor,
        notice.requester_bureau_id,
        active=notice.active(now),
        draft=notice.state is NoticeState.DRAFT,
    )


def requesting_ncb(actor: Principal) -> tuple[str, str]:
    """The requesting NCB of the actor: only an NCB's own officers request notices."""
    require(actor, Right.REQUEST_NOTICES)
    if actor.country is None or actor.bureau_id != ncb_id(actor.country):
        raise Forbidden(
            "Notices are requested by a member country's National Central Bureau: use a "
            "principal of your NCB.",
            code="not_a_member_bureau",
        )
    return actor.bureau_id, actor.country


def member_ncbs() -> list[str]:
    return [ncb_id(c.alpha2) for c in member_countries()]


def _event(mailbox: str, kind: EventKind, notice: Notice, **extra: Any) -> NewEvent:  # noqa: ANN401
    payload = {
        "notice": notice.id,
        "reference": notice.reference,
        "type": notice.type.value,
        "state": notice.state.value,
        "title": notice.content.title,
        "requester": notice.requester_bureau_id,
        **extra,
    }
    return NewEvent(mailbox, kind, f"notice:{notice.id}", NOTICE_CLASSIFICATION, payload)


# --- subject -------------------------------------------------------------------------------


def owned_person(session: Session, actor: Principal, person_id: int) -> Record:
    """An active person record of the actor's bureau: what a notice or a diffusion is about."""
    record = record_store.get(session, person_id)
    if (
        record is None
        or record.database is not Database.PERSONS
        or not is_owner(actor, record.owner_bureau_id)
        or record.withdrawn_at is not None
    ):
        raise InvalidInput(
            f"No active person record {person_id} of your bureau: record the person first "
            "(POST /v1/persons) and give its id. A notice or a diffusion is sent by the bureau "
            "that owns the person's record.",
            code="notice_subject_unknown",
            field="subject_person_id",
        )
    return record


def _subject(session: Session, actor: Principal, content: NoticeContent) -> dict[str, Any] | None:
    """The person record a request is about, as it stands: it must be the requester's own."""
    if content.subject_person_id is None:
        return None
    return snapshot(owned_person(session, actor, content.subject_person_id))


def snapshot(record: Record) -> dict[str, Any]:
    """What a notice shows of its subject, as the record stood when the request moved."""
    data = record.data
    return {
        "record_id": record.id,
        "external_ref": record.external_ref,
        "name": data.get("name"),
        "aliases": data.get("aliases", []),
        "birth_date": data.get("birth_date"),
        "birth_place": data.get("birth_place"),
        "sex": data.get("sex"),
        "nationalities": data.get("nationalities", []),
        "photo_ref": data.get("photo_ref"),
        "physical_description": data.get("physical_description"),
        "cautions": data.get("cautions", []),
    }


def _check_countries(content: NoticeContent) -> None:
    if content.offence is not None and content.offence.committed_in is not None:
        country(content.offence.committed_in, "offence.committed_in")


# --- drafting ------------------------------------------------------------------------------


def draft_notice(
    session: Session, actor: Principal, content: NoticeContent, now: datetime
) -> NoticeFile:
    """Start a request for the actor's NCB; it may be incomplete until it is submitted."""
    bureau_id, member = requesting_ncb(actor)
    _check_countries(content)
    _subject(session, actor, content)
    notice = store.add(
        session, content=content, bureau_id=bureau_id, country=member, by=actor.id, at=now
    )
    store.add_transition(
        session,
        notice.id,
        None,
        NoticeState.DRAFT,
        at=now,
        by=actor.id,
        bureau_id=bureau_id,
        reason=None,
    )
    audit.append_by(
        session, actor, "notice.draft", f"notice:{notice.id}", {"type": content.type.value}
    )
    return _file(session, notice)


def change_draft(
    session: Session, actor: Principal, notice_id: int, content: NoticeContent, now: datetime
) -> NoticeFile:
    """Replace a draft's content; once submitted, a request no longer changes."""
    bureau_id, _ = requesting_ncb(actor)
    notice = store.get(session, notice_id, for_update=True)
    if notice is None or notice.requester_bureau_id != bureau_id:
        raise not_found(notice_id)
    if notice.state is not NoticeState.DRAFT:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: only a draft changes. Withdraw it "
            "and draft a new one if it must change.",
            code="notice_not_draft",
            details={"state": notice.state.value},
        )
    _check_countries(content)
    _subject(session, actor, content)
    changed = store.change(session, notice_id, content=content, updated_at=now)
    audit.append_by(
        session, actor, "notice.change", f"notice:{notice_id}", {"type": content.type.value}
    )
    return _file(session, changed)


def _file(session: Session, notice: Notice) -> NoticeFile:
    return NoticeFile(
        notice=notice,
        transitions=store.transitions(session, notice.id),
        questions=store.questions(session, notice.id),
        missing=[{"field": m.field, "why": m.why} for m in missing_fields(notice.content)],
        allowed=allowed_next(notice.state),
    )


# --- reading -------------------------------------------------------------------------------


def _locked(session: Session, actor: Principal, notice_id: int, now: datetime) -> Notice:
    """A request the actor may read, locked for change; any other is not found."""
    notice = store.get(session, notice_id, for_update=True)
    if notice is None or not _readable(actor, notice, now):
        raise not_found(notice_id)
    return notice


def _requester_only(actor: Principal, notice: Notice, doing: str) -> None:
    if _party(actor, notice) is not Party.REQUESTER:
        raise Forbidden(
            f"Only the requesting bureau ({notice.requester_bureau_id}) {doing}.",
            code="notice_move_forbidden",
        )


def read_notice(session: Session, actor: Principal, notice_id: int, now: datetime) -> NoticeFile:
    """A request with its history and questions; audited whether shown or not."""
    notice = store.get(session, notice_id)
    shown = notice is not None and _readable(actor, notice, now)
    audit.append_by(session, actor, "notice.read", f"notice:{notice_id}", {"shown": shown})
    if not shown or notice is None:
        raise not_found(notice_id)
    return _file(session, notice)


def list_notices(
    session: Session,
    actor: Principal,
    now: datetime,
    *,
    state: NoticeState | None,
    notice_type: NoticeType | None,
    limit: int,
    before: int | None,
) -> list[Notice]:
    """A bureau's own requests and every valid published notice; for GS reviewers, every
    request once submitted."""
    if not (actor.can(Right.CHECK_RECORDS) or actor.can(Right.REVIEW_NOTICES)):
        require(actor, Right.CHECK_RECORDS)
    found = store.listing(
        session,
        bureau_id=actor.bureau_id,
        see_all_requests=actor.can(Right.REVIEW_NOTICES),
        now=now,
        state=state,
        notice_type=notice_type,
        limit=limit,
        before=before,
    )
    found = [n for n in found if _readable(actor, n, now)]
    audit.append_by(
        session,
        actor,
        "notice.list",
        "notices",
        {
            "state": None if state is None else state.value,
            "type": None if notice_type is None else notice_type.value,
            "count": len(found),
        },
    )
    return found


@dataclass(frozen=True, slots=True)
class QueueItem:
    notice: Notice
    waiting_hours: float
    overdue: bool
    flags: int
    open_questions: int


def review_queue(session: Session, actor: Principal, now: datetime, limit: int) -> list[QueueItem]:
    """Requests waiting for review, urgent ones first, then the oldest; those past the 24-hour
    target are flagged."""
    require(actor, Right.REVIEW_NOTICES)
    found = store.review_queue(session, limit)
    waiting = store.open_questions(session, [n.id for n in found])
    audit.append_by(session, actor, "notice.queue", "notices", {"count": len(found)})
    return [
        QueueItem(
            notice=n,
            waiting_hours=round((now - (n.submitted_at or now)).total_seconds() / 3600, 2),
            overdue=n.review_overdue(now),
            flags=len(n.screening),
            open_questions=waiting.get(n.id, 0),
        )
        for n in found
    ]


# --- moving --------------------------------------------------------------------------------


def _party(actor: Principal, notice: Notice) -> Party | None:
    if (
        actor.bureau_id is not None
        and actor.bureau_id == notice.requester_bureau_id
        and actor.can(Right.REQUEST_NOTICES)
    ):
        return Party.REQUESTER
    if actor.can(Right.REVIEW_NOTICES):
        return Party.REVIEWER
    return None


_PARTY_WORDS = {
    Party.REQUESTER: "the requesting bureau",
    Party.REVIEWER: "a GS reviewer",
    Party.HUB: "the hub itself (at the end of the validity)",
}


def _refuse_move(notice: Notice, to: NoticeState) -> Conflict:
    allowed = allowed_next(notice.state)
    nexts = ", ".join(allowed) if allowed else "nothing: it is closed"
    return Conflict(
        f"Request {notice.reference} is {notice.state}; it cannot become {to}. From "
        f"{notice.state} it may become: {nexts}.",
        code="notice_transition_refused",
        field="to",
        details={"state": notice.state.value, "allowed": [s.value for s in allowed]},
    )


def _suspended(session: Session, member: str) -> bool:
    found = registry.get_member(session, member)
    return found is not None and found.status is MemberStatus.SUSPENDED


def _screen(session: Session, notice: Notice, subject: dict[str, Any] | None) -> list[Any]:
    flags = screen(
        notice.content,
        subject,
        matcher(session),
        requester_suspended=_suspended(session, notice.requester_country),
    )
    return [f.as_json() for f in flags]


def move_notice(
    session: Session, actor: Principal, notice_id: int, move: NoticeMove, now: datetime
) -> NoticeFile:
    """Move a request to another state, if the workflow allows it and the actor may."""
    notice = _locked(session, actor, notice_id, now)
    to = move.to
    if to not in allowed_next(notice.state):
        raise _refuse_move(notice, to)
    party = _party(actor, notice)
    may = movers(notice.state, to)
    if party not in may:
        who = " or ".join(_PARTY_WORDS[p] for p in sorted(may))
        raise Forbidden(
            f"Only {who} may move request {notice.reference} from {notice.state} to {to}.",
            code="notice_move_forbidden",
        )
    if to in REASON_REQUIRED and move.reason is None:
        raise InvalidInput(
            f"Say why the request becomes {to}: the reason is kept in its history and told to "
            "the other side.",
            code="reason_required",
            field="reason",
        )
    moved, out = _MOVES[to](session, actor, notice, now, move.reason)
    store.add_transition(
        session,
        notice.id,
        notice.state,
        to,
        at=now,
        by=actor.id,
        bureau_id=actor.bureau_id,
        reason=move.reason,
    )
    events.publish(session, out, now)
    audit.append_by(
        session,
        actor,
        f"notice.{to.value}",
        f"notice:{notice.id}",
        {"from": notice.state.value, "to": to.value, "reason": move.reason},
    )
    return _file(session, moved)


_Moved = tuple[Notice, list[NewEvent]]


def _submit(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> _Moved:
    missing = missing_fields(notice.content)
    if missing:
        listed = "; ".join(f"{m.field} ({m.why})" for m in missing)
        raise InvalidInput(
            f"A {notice.type} notice request needs: {listed}. Complete the draft "
            f"(PUT /v1/notices/{notice.id}) and submit again.",
            code="notice_incomplete",
            field=missing[0].field,
            details={"missing": [{"field": m.field, "why": m.why} for m in missing]},
        )
    subject = _subject(session, actor, notice.content)
    reference = f"{_TYPE_CODES[notice.type]}-{notice.id:06d}/{now.year}"
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.SUBMITTED,
        reference=reference,
        subject=subject,
        screening=_screen(session, notice, subject),
        submitted_at=now,
        updated_at=now,
    )
    return moved, [
        _event(
            NOTICES_TASK_FORCE,
            EventKind.NOTICE_SUBMITTED,
            moved,
            urgent=moved.urgent,
            flags=[f["rule"] for f in moved.screening],
        )
    ]


def _take(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> _Moved:
    # Screened again: the member may have been suspended, or the terms changed, since.
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.UNDER_REVIEW,
        reviewer_id=actor.id,
        screening=_screen(session, notice, notice.subject),
        updated_at=now,
    )
    return moved, []


def _publish(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> _Moved:
    if _suspended(session, notice.requester_country):
        raise Conflict(
            f"{notice.requester_country} is suspended: its requests cannot be published until "
            "the General Assembly readmits it. Refuse the request or leave it in review.",
            code="requester_suspended",
        )
    subject = notice.subject
    if notice.content.subject_person_id is not None:
        record = record_store.get(session, notice.content.subject_person_id, for_update=True)
        if record is None or record.withdrawn_at is not None:
            raise Conflict(
                f"The person record of request {notice.reference} was withdrawn by its bureau: "
                "refuse the request.",
                code="notice_subject_withdrawn",
            )
        subject = snapshot(record)
    expires = valid_until(now)
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.PUBLISHED,
        subject=subject,
        decided_at=now,
        published_at=now,
        expires_at=expires,
        reminded_at=None,
        updated_at=now,
    )
    feed.changed(session, feed.NOTICES, notice.id)
    summary = _summary(moved)
    return moved, [
        _event(mailbox, EventKind.NOTICE_PUBLISHED, moved, **summary) for mailbox in member_ncbs()
    ]


def _summary(notice: Notice) -> dict[str, Any]:
    subject = notice.subject or {}
    return {
        "subject": None
        if not subject
        else {
            "name": subject.get("name"),
            "birth_date": subject.get("birth_date"),
            "nationalities": subject.get("nationalities"),
            "record_id": subject.get("record_id"),
        },
        "charges": None if notice.content.offence is None else notice.content.offence.charges,
        "expires_at": None if notice.expires_at is None else notice.expires_at.isoformat(),
    }


def _refuse(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> _Moved:
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.REFUSED,
        decided_at=now,
        closed_at=now,
        updated_at=now,
    )
    return moved, [
        _event(moved.requester_bureau_id, EventKind.NOTICE_REFUSED, moved, reason=reason)
    ]


def _withdraw(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> _Moved:
    moved = store.change(
        session, notice.id, state=NoticeState.WITHDRAWN, closed_at=now, updated_at=now
    )
    return moved, [_event(NOTICES_TASK_FORCE, EventKind.NOTICE_WITHDRAWN, moved, reason=reason)]


def _cancel(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> _Moved:
    moved = store.change(
        session, notice.id, state=NoticeState.CANCELLED, closed_at=now, updated_at=now
    )
    feed.changed(session, feed.NOTICES, notice.id)
    mailboxes = [*member_ncbs(), NOTICES_TASK_FORCE]
    return moved, [
        _event(m, EventKind.NOTICE_CANCELLED, moved, reason=reason, by=actor.bureau_id)
        for m in mailboxes
    ]


_MOVES = {
    NoticeState.SUBMITTED: _submit,
    NoticeState.UNDER_REVIEW: _take,
    NoticeState.PUBLISHED: _publish,
    NoticeState.REFUSED: _refuse,
    NoticeState.WITHDRAWN: _withdraw,
    NoticeState.CANCELLED: _cancel,
    # Expired: only the hub's sweep (sweep_validity), never a principal's move.
}


# --- renewal, expiry and reminders ---------------------------------------------------------


def renew_notice(
    session: Session, actor: Principal, notice_id: int, renewal: Renewal, now: datetime
) -> NoticeFile:
    """The requester renews a published notice: valid 5 more years from today."""
    notice = _locked(session, actor, notice_id, now)
    _requester_only(actor, notice, f"renews notice {notice.reference}")
    if not notice.active(now):
        raise Conflict(
            f"Notice {notice.reference} is {notice.state}: only a published, valid notice is "
            "renewed. Request a new notice instead.",
            code="notice_not_renewable",
            details={"state": notice.state.value, "allowed": []},
        )
    moved = store.change(
        session, notice.id, expires_at=valid_until(now), reminded_at=None, updated_at=now
    )
    store.add_transition(
        session,
        notice.id,
        notice.state,
        notice.state,
        at=now,
        by=actor.id,
        bureau_id=actor.bureau_id,
        reason=f"renewed: {renewal.reason}",
    )
    feed.changed(session, feed.NOTICES, notice.id)
    until = None if moved.expires_at is None else moved.expires_at.isoformat()
    events.publish(
        session,
        [_event(m, EventKind.NOTICE_RENEWED, moved, expires_at=until) for m in member_ncbs()],
        now,
    )
    audit.append_by(
        session,
        actor,
        "notice.renew",
        f"notice:{notice.id}",
        {"reason": renewal.reason, "expires_at": moved.expires_at},
    )
    return _file(session, moved)


@dataclass(frozen=True, slots=True)
class SweepReport:
    expired: list[str]
    reminded: list[str]


def sweep_validity(session: Session, now: datetime) -> SweepReport:
    """End the notices past their validity, and remind requesters 90 days before the end.

    A notice past its end stops answering checks and leaves the public list at once (both ask
    for a valid one); the sweep records the move, tells every member, and reminds."""
    expired: list[str] = []
    for notice_id in store.due_to_expire(session, now, SWEEP_BATCH):
        notice = store.get(session, notice_id, for_update=True)
        # Checked again under the lock: a renewal or a cancellation may have come first.
        if (
            notice is None
            or notice.state is not NoticeState.PUBLISHED
            or notice.expires_at is None
            or notice.expires_at > now
        ):
            continue
        moved = store.change(
            session, notice_id, state=NoticeState.EXPIRED, closed_at=now, updated_at=now
        )
        store.add_transition(
            session,
            notice_id,
            NoticeState.PUBLISHED,
            NoticeState.EXPIRED,
            at=now,
            by=None,
            bureau_id=None,
            reason="the end of its validity, not renewed",
        )
        feed.changed(session, feed.NOTICES, notice_id)
        events.publish(
            session,
            [_event(m, EventKind.NOTICE_EXPIRED, moved) for m in member_ncbs()],
            now,
        )
        audit.append_by(session, None, "notice.expired", f"notice:{notice_id}", {})
        expired.append(moved.reference)
    reminded: list[str] = []
    for notice_id in store.due_for_reminder(session, now + REMINDER, SWEEP_BATCH):
        notice = store.get(session, notice_id, for_update=True)
        if (
            notice is None
            or notice.state is not NoticeState.PUBLISHED
            or notice.reminded_at is not None
            or notice.expires_at is None
            or notice.expires_at > now + REMINDER
        ):
            continue
        moved = store.change(session, notice_id, reminded_at=now)
        events.publish(
            session,
            [
                _event(
                    moved.requester_bureau_id,
                    EventKind.NOTICE_EXPIRING,
                    moved,
                    expires_at=notice.expires_at.isoformat(),
                    renew=f"POST /v1/notices/{notice_id}/renewal",
                )
            ],
            now,
        )
        audit.append_by(
            session,
            None,
            "notice.remind",
            f"notice:{notice_id}",
            {"expires_at": notice.expires_at.isoformat()},
        )
        reminded.append(moved.reference)
    return SweepReport(expired, reminded)


# --- questions -----------------------------------------------------------------------------


def ask_question(
    session: Session, actor: Principal, notice_id: int, ask: QuestionAsk, now: datetime
) -> NoticeFile:
    """A reviewer asks the requesting bureau, on the request itself."""
    require(actor, Right.REVIEW_NOTICES)
    notice = _locked(session, actor, notice_id, now)
    if notice.state is not NoticeState.UNDER_REVIEW:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: questions are asked while it is "
            "under review. Take it from the queue first.",
            code="notice_not_under_review",
            details={"state": notice.state.value},
        )
    question = store.add_question(session, notice_id, ask.question, at=now, by=actor.id)
    events.publish(
        session,
        [
            _event(
                notice.requester_bureau_id,
                EventKind.NOTICE_QUESTION,
                notice,
                question=question.id,
                text=ask.question,
            )
        ],
        now,
    )
    audit.append_by(
        session, actor, "notice.question", f"notice:{notice_id}", {"question": question.id}
    )
    return _file(session, notice)


def answer_question(
    session: Session,
    actor: Principal,
    notice_id: int,
    question_id: int,
    answer: QuestionAnswer,
    now: datetime,
) -> NoticeFile:
    """The requesting bureau answers a reviewer's question."""
    notice = _locked(session, actor, notice_id, now)
    _requester_only(actor, notice, "answers the reviewer's questions")
    question = store.get_question(session, notice_id, question_id, for_update=True)
    if question is None:
        raise NotFound(
            f"Request {notice.reference} has no question {question_id}.",
            code="question_not_found",
        )
    if question.answered_at is not None:
        raise Conflict(
            f"Question {question_id} was answered on {question.answered_at:%Y-%m-%d %H:%M} UTC; "
            "add to it through a message to the GS if needed.",
            code="question_answered",
        )
    if not notice.state.in_review:
        raise Conflict(
            f"Request {notice.reference} is {notice.state}: the review is over.",
            code="notice_not_under_review",
            details={"state": notice.state.value},
        )
    store.answer_question(session, question_id, answer.answer, at=now, by=actor.id)
    events.publish(
        session,
        [
            _event(
                NOTICES_TASK_FORCE,
                EventKind.NOTICE_ANSWERED,
                notice,
                question=question_id,
                text=answer.answer,
            )
        ],
        now,
    )
    audit.append_by(
        session, actor, "notice.answer", f"notice:{notice_id}", {"question": question_id}
    )
    return _file(session, notice)


# --- screening terms -----------------------------------------------------------------------


@cache
def shipped_terms() -> tuple[dict[str, str], ...]:
    """The screening terms shipped with the hub, written once at its first start."""
    text = (
        resources.files("policenet.domain")
        .joinpath("data/notice_screening_terms.json")
        .read_text("utf-8")
    )
    return tuple(
        {k: str(t[k]) for k in ("category", "language", "kind", "text")}
        for t in json.loads(text)["terms"]
    )


def seed_terms(session: Session, now: datetime) -> int:
    """Write the shipped terms if the hub never had any; the GS's edits are kept after."""
    if store.terms_seeded(session):
        return 0
    added = store.add_terms(session, shipped_terms(), at=now, by=None)
    store.mark_terms_seeded(session)
    return added


def matcher(session: Session) -> TermMatcher:
    return TermMatcher(store.terms(session))


def list_terms(session: Session, actor: Principal) -> list[ScreeningTerm]:
    require(actor, Right.REVIEW_NOTICES)
    return store.terms(session)


def add_term(session: Session, actor: Principal, term: TermCreate, now: datetime) -> ScreeningTerm:
    """The GS adds a word or pattern to the screening."""
    require(actor, Right.REVIEW_NOTICES)
    if term.kind is TermKind.PATTERN:
        _compiled(term.text)
    elif not word_terms(term.text):
        raise InvalidInput(
            f"The word {term.text!r} has no letter or digit, so it could never match: give "
            "words, or a pattern with kind 'pattern'.",
            code="term_word_invalid",
            field="text",
        )
    if store.find_term(session, term.category, term.language, term.kind, term.text):
        raise Conflict(
            f"The screening already has the {term.kind} {term.text!r} ({term.category}, "
            f"{term.language}).",
            code="term_exists",
        )
    store.add_terms(session, [term.model_dump(mode="json")], at=now, by=actor.id)
    found = store.find_term(session, term.category, term.language, term.kind, term.text)
    assert found is not None  # noqa: S101 - just written
    audit.append_by(session, actor, "notice.term.add", f"term:{found.id}", term.model_dump())
    return found


def _compiled(text: str) -> re.Pattern[str]:
    import re

    try:
        return compile_pattern(text)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        raise InvalidInput(
            f"The pattern {text!r} is not a valid regular expression ({error}): fix it, or add "
            "the words with kind 'word'.",
            code="term_pattern_invalid",
            field="text",
        ) from None


def remove_term(session: Session, actor: Principal, term_id: int) -> ScreeningTerm:
    require(actor, Right.REVIEW_NOTICES)
    found = store.get_term(session, term_id)
    if found is None:
        raise NotFound(f"No screening term {term_id}.", code="term_not_found")
    store.remove_term(session, term_id)
    audit.append_by(
        session,
        actor,
        "notice.term.remove",
        f"term:{term_id}",
        {"category": found.category, "language": found.language, "text": found.text},
    )
    return found
