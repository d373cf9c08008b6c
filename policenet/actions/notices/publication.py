"""The GS's decision on a request and what a published notice goes through after: it is
published to every member or refused, withdrawn or cancelled by its requester, and renewed
for 5 more years."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.actions.notices.requests import (
    Moved,
    locked,
    member_ncbs,
    notice_event,
    notice_file,
    requester_only,
)
from policenet.actions.notices.subjects import snapshot
from policenet.actions.notices.submission import suspended
from policenet.domain.errors import Conflict
from policenet.domain.events import EventKind
from policenet.domain.members import NOTICES_TASK_FORCE
from policenet.domain.notices import NoticeContent, NoticeState, valid_until
from policenet.store import audit, events, feed
from policenet.store import notices as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.notices import Notice, Renewal
    from policenet.domain.principals import Principal
    from policenet.domain.shown import NoticeShown


def publish(
    session: Session, actor: Principal, notice: Notice, now: datetime, _reason: str | None
) -> Moved:
    if suspended(session, notice.requester_country):
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
        notice_event(mailbox, EventKind.NOTICE_PUBLISHED, moved, **summary)
        for mailbox in member_ncbs()
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


def refuse(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> Moved:
    moved = store.change(
        session,
        notice.id,
        state=NoticeState.REFUSED,
        decided_at=now,
        closed_at=now,
        updated_at=now,
    )
    return moved, [
        notice_event(moved.requester_bureau_id, EventKind.NOTICE_REFUSED, moved, reason=reason)
    ]


def withdraw(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> Moved:
    moved = store.change(
        session, notice.id, state=NoticeState.WITHDRAWN, closed_at=now, updated_at=now
    )
    return moved, [
        notice_event(NOTICES_TASK_FORCE, EventKind.NOTICE_WITHDRAWN, moved, reason=reason)
    ]


def cancel(
    session: Session, actor: Principal, notice: Notice, now: datetime, reason: str | None
) -> Moved:
    moved = store.change(
        session, notice.id, state=NoticeState.CANCELLED, closed_at=now, updated_at=now
    )
    feed.changed(session, feed.NOTICES, notice.id)
    mailboxes = [*member_ncbs(), NOTICES_TASK_FORCE]
    return moved, [
        notice_event(m, EventKind.NOTICE_CANCELLED, moved, reason=reason, by=actor.bureau_id)
        for m in mailboxes
    ]


def renew_notice(
    session: Session, actor: Principal, notice_id: int, renewal: Renewal, now: datetime
) -> NoticeShown:
    """The requester renews a published notice: valid 5 more years from today."""
    notice = locked(session, actor, notice_id, now)
    requester_only(actor, notice, f"renews notice {notice.reference}")
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
        [notice_event(m, EventKind.NOTICE_RENEWED, moved, expires_at=until) for m in member_ncbs()],
        now,
    )
    audit.append_by(
        session,
        actor,
        "notice.renew",
        f"notice:{notice.id}",
        {"reason": renewal.reason, "expires_at": moved.expires_at},
    )
    return notice_file(session, actor, moved, now)


ERASED_TEXT = "(erased with the record of the person it was about)"
_LIVE = (NoticeState.DRAFT, NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW, NoticeState.PUBLISHED)


def end_about_erased(session: Session, person_ids: list[int], now: datetime, why: str) -> None:
    """The requests and notices about persons whose records are erased: cancelled if still
    open or published, and stripped of what they say of the person (the copy of the record,
    the request's texts, the review's questions and answers, the title and the copy in the
    events kept in the mailboxes).
    The requester and the task force are told, and every member if it was published."""
    for notice in store.about_persons(session, person_ids):
        person = notice.content.subject_person_id
        values: dict[str, Any] = {
            "content": NoticeContent(type=notice.type, subject_person_id=person),
            "subject": {"record_id": person, "erased": True},
            "updated_at": now,
        }
        live = notice.state in _LIVE
        if live:
            values.update(state=NoticeState.CANCELLED, closed_at=now)
        moved = store.change(session, notice.id, **values)
        store.blank_questions(session, notice.id, ERASED_TEXT)
        events.blank(session, [f"notice:{notice.id}"], {"title": None, "subject": None})
        feed.changed(session, feed.NOTICES, notice.id)
        if not live:
            continue
        store.add_transition(
            session,
            notice.id,
            notice.state,
            NoticeState.CANCELLED,
            at=now,
            by=None,
            bureau_id=None,
            reason=why,
        )
        told = (
            member_ncbs() if notice.state is NoticeState.PUBLISHED else [notice.requester_bureau_id]
        )
        events.publish(
            session,
            [
                notice_event(m, EventKind.NOTICE_CANCELLED, moved, reason=why, by=None)
                for m in dict.fromkeys([*told, notice.requester_bureau_id, NOTICES_TASK_FORCE])
            ],
            now,
        )
