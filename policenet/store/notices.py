"""Notice requests, their history and questions, the screening terms, and the lookups that
checks, the review queue, the public list and the validity sweep need."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, delete, insert, or_, select, update

from policenet.domain.notices import (
    Notice,
    NoticeContent,
    NoticeState,
    NoticeType,
    Question,
    ScreeningTerm,
    TermCategory,
    TermKind,
    Transition,
    is_public,
)
from policenet.store.db import one_or_none
from policenet.store.paging import window_page
from policenet.store.tables import (
    HubMetaRow,
    NoticeQuestionRow,
    NoticeRow,
    NoticeTransitionRow,
    ScreeningTermRow,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _notice(row: NoticeRow) -> Notice:
    return Notice(
        id=row.id,
        reference=row.reference or f"draft-{row.id}",
        type=NoticeType(row.type),
        state=NoticeState(row.state),
        requester_bureau_id=row.requester_bureau_id,
        requester_country=row.requester_country,
        content=NoticeContent.model_validate_json(row.content),
        subject=None if row.subject is None else json.loads(row.subject),
        screening=json.loads(row.screening),
        urgent=row.urgent,
        created_at=row.created_at,
        created_by=row.created_by,
        submitted_at=row.submitted_at,
        reviewer_id=row.reviewer_id,
        decided_at=row.decided_at,
        published_at=row.published_at,
        expires_at=row.expires_at,
        reminded_at=row.reminded_at,
        closed_at=row.closed_at,
    )


def add(
    session: Session,
    *,
    content: NoticeContent,
    bureau_id: str,
    country: str,
    by: int,
    at: datetime,
) -> Notice:
    row = NoticeRow(
        type=content.type.value,
        state=NoticeState.DRAFT.value,
        requester_bureau_id=bureau_id,
        requester_country=country,
        content=content.model_dump_json(exclude_none=True),
        subject_person_id=content.subject_person_id,
        urgent=content.urgent,
        public=is_public(content.type, content),
        screening="[]",
        created_at=at,
        created_by=by,
        updated_at=at,
    )
    session.add(row)
    session.flush()
    return _notice(row)


def get(session: Session, notice_id: int, *, for_update: bool = False) -> Notice | None:
    query = select(NoticeRow).where(NoticeRow.id == notice_id)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _notice(row)


def by_reference(session: Session, reference: str) -> Notice | None:
    row = session.execute(
        select(NoticeRow).where(NoticeRow.reference == reference)
    ).scalar_one_or_none()
    return None if row is None else _notice(row)


def change(session: Session, notice_id: int, **values: Any) -> Notice:  # noqa: ANN401 - columns
    """Write the given columns; content, subject and screening are stored as JSON."""
    if "content" in values:
        content: NoticeContent = values["content"]
        values["content"] = content.model_dump_json(exclude_none=True)
        values["type"] = content.type.value
        values["subject_person_id"] = content.subject_person_id
        values["urgent"] = content.urgent
        values["public"] = is_public(content.type, content)
    for key in ("subject", "screening"):
        if key in values and values[key] is not None:
            values[key] = json.dumps(values[key], ensure_ascii=False)
    for key in ("state",):
        if key in values:
            values[key] = values[key].value
    session.execute(update(NoticeRow).where(NoticeRow.id == notice_id).values(**values))
    found = get(session, notice_id)
    assert found is not None  # noqa: S101 - requests are never deleted
    return found


def add_transition(
    session: Session,
    notice_id: int,
    from_state: NoticeState | None,
    to_state: NoticeState,
    *,
    at: datetime,
    by: int | None,
    bureau_id: str | None,
    reason: str | None,
) -> None:
    session.execute(
        insert(NoticeTransitionRow).values(
            notice_id=notice_id,
            from_state=None if from_state is None else from_state.value,
            to_state=to_state.value,
            at=at,
            by=by,
            bureau_id=bureau_id,
            reason=reason,
        )
    )


def transitions(session: Session, notice_id: int) -> list[Transition]:
    rows = session.execute(
        select(NoticeTransitionRow)
        .where(NoticeTransitionRow.notice_id == notice_id)
        .order_by(NoticeTransitionRow.id)
    ).scalars()
    return [
        Transition(
            from_state=None if r.from_state is None else NoticeState(r.from_state),
            to_state=NoticeState(r.to_state),
            at=r.at,
            by=r.by,
            bureau_id=r.bureau_id,
            reason=r.reason,
        )
        for r in rows
    ]


def _question(r: NoticeQuestionRow) -> Question:
    return Question(
        id=r.id,
        notice_id=r.notice_id,
        asked_at=r.asked_at,
        asked_by=r.asked_by,
        question=r.question,
        answered_at=r.answered_at,
        answered_by=r.answered_by,
        answer=r.answer,
    )


def add_question(
    session: Session, notice_id: int, question: str, *, at: datetime, by: int
) -> Question:
    row = NoticeQuestionRow(notice_id=notice_id, asked_at=at, asked_by=by, question=question)
    session.add(row)
    session.flush()
    return _question(row)


def get_question(
    session: Session, notice_id: int, question_id: int, *, for_update: bool = False
) -> Question | None:
    query = select(NoticeQuestionRow).where(
        NoticeQuestionRow.id == question_id, NoticeQuestionRow.notice_id == notice_id
    )
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else _question(row)


def answer_question(
    session: Session, question_id: int, answer: str, *, at: datetime, by: int
) -> Question:
    session.execute(
        update(NoticeQuestionRow)
        .where(NoticeQuestionRow.id == question_id)
        .values(answer=answer, answered_at=at, answered_by=by)
    )
    row = session.get_one(NoticeQuestionRow, question_id)
    session.refresh(row)
    return _question(row)


def questions(session: Session, notice_id: int) -> list[Question]:
    rows = session.execute(
        select(NoticeQuestionRow)
        .where(NoticeQuestionRow.notice_id == notice_id)
        .order_by(NoticeQuestionRow.id)
    ).scalars()
    return [_question(r) for r in rows]


def open_questions(session: Session, notice_ids: Iterable[int]) -> dict[int, int]:
    """How many questions of each request wait for the requester's answer."""
    wanted = list(notice_ids)
    if not wanted:
        return {}
    counts: dict[int, int] = {}
    for notice_id in session.execute(
        select(NoticeQuestionRow.notice_id).where(
            NoticeQuestionRow.notice_id.in_(wanted), NoticeQuestionRow.answered_at.is_(None)
        )
    ).scalars():
        counts[notice_id] = counts.get(notice_id, 0) + 1
    return counts


# --- lists ---------------------------------------------------------------------------------


def _active(now: datetime) -> Any:  # noqa: ANN401 - a SQL condition
    return and_(NoticeRow.state == NoticeState.PUBLISHED.value, NoticeRow.expires_at > now)


def listing(
    session: Session,
    *,
    bureau_id: str | None,
    see_all_requests: bool,
    now: datetime,
    state: NoticeState | None,
    notice_type: NoticeType | None,
    window: Window,
) -> Page[Notice]:
    """A page of a bureau's own requests in any state and every active notice; the GS
    every request but drafts."""
    if see_all_requests:
        visible = NoticeRow.state != NoticeState.DRAFT.value
    else:
        visible = or_(NoticeRow.requester_bureau_id == bureau_id, _active(now))
    query = select(NoticeRow).where(visible)
    if state is not None:
        query = query.where(NoticeRow.state == state.value)
    if notice_type is not None:
        query = query.where(NoticeRow.type == notice_type.value)
    return window_page(
        session,
        query,
        key=NoticeRow.id,
        at=NoticeRow.created_at,
        window=window,
        convert=lambda rows: [_notice(r) for r in rows],
    )


def review_queue(session: Session, limit: int) -> list[Notice]:
    """Requests waiting for the GS: urgent ones first, then the oldest submission first."""
    query = (
        select(NoticeRow)
        .where(NoticeRow.state.in_([NoticeState.SUBMITTED.value, NoticeState.UNDER_REVIEW.value]))
        .order_by(
            case((NoticeRow.urgent.is_(True), 0), else_=1),
            NoticeRow.submitted_at,
            NoticeRow.id,
        )
        .limit(limit)
    )
    return [_notice(r) for r in session.execute(query).scalars()]


def active_on_persons(
    session: Session, person_ids: Iterable[int], now: datetime
) -> dict[int, list[Notice]]:
    """The published, valid notices on each of these person records."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    found: dict[int, list[Notice]] = {}
    query = (
        select(NoticeRow)
        .where(NoticeRow.subject_person_id.in_(wanted), _active(now))
        .order_by(NoticeRow.id)
    )
    for row in session.execute(query).scalars():
        assert row.subject_person_id is not None  # noqa: S101 - selected on it
        found.setdefault(row.subject_person_id, []).append(_notice(row))
    return found


def about_persons(session: Session, person_ids: list[int]) -> list[Notice]:
    """Every request about these persons, whatever its state."""
    found: list[Notice] = []
    for start in range(0, len(person_ids), 500):
        rows = session.scalars(
            select(NoticeRow)
            .where(NoticeRow.subject_person_id.in_(person_ids[start : start + 500]))
            .order_by(NoticeRow.id)
        )
        found.extend(_notice(row) for row in rows)
    return found


def blank_questions(session: Session, notice_id: int, text: str) -> None:
    """Replace the texts of a request's questions and answers (an erasure of its subject)."""
    session.execute(
        update(NoticeQuestionRow)
        .where(NoticeQuestionRow.notice_id == notice_id)
        .values(question=text, answer=case((NoticeQuestionRow.answer.is_(None), None), else_=text))
    )


def active_person_ids(session: Session, now: datetime) -> dict[int, datetime]:
    """Person records under a valid notice, with the latest end of their notices."""
    found: dict[int, datetime] = {}
    query = select(NoticeRow.subject_person_id, NoticeRow.expires_at).where(
        NoticeRow.subject_person_id.is_not(None), _active(now)
    )
    for person_id, expires in session.execute(query):
        if person_id is not None and expires is not None and expires > found.get(person_id, now):
            found[person_id] = expires
    return found


def public(session: Session, now: datetime) -> list[Notice]:
    """Published, valid notices with a public extract, newest first."""
    query = (
        select(NoticeRow)
        .where(_active(now), NoticeRow.public.is_(True))
        .order_by(NoticeRow.published_at.desc(), NoticeRow.id.desc())
    )
    return [_notice(r) for r in session.execute(query).scalars()]


def due_to_expire(session: Session, now: datetime, limit: int = 500) -> list[int]:
    query = (
        select(NoticeRow.id)
        .where(NoticeRow.state == NoticeState.PUBLISHED.value, NoticeRow.expires_at <= now)
        .order_by(NoticeRow.expires_at)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def due_for_reminder(session: Session, before: datetime, limit: int = 500) -> list[int]:
    """Published notices ending before the given time whose requester was not reminded."""
    query = (
        select(NoticeRow.id)
        .where(
            NoticeRow.state == NoticeState.PUBLISHED.value,
            NoticeRow.expires_at <= before,
            NoticeRow.reminded_at.is_(None),
        )
        .order_by(NoticeRow.expires_at)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


# --- screening terms -----------------------------------------------------------------------


def _term(r: ScreeningTermRow) -> ScreeningTerm:
    return ScreeningTerm(
        id=r.id,
        category=TermCategory(r.category),
        language=r.language,
        kind=TermKind(r.kind),
        text=r.text,
    )


def terms(session: Session) -> list[ScreeningTerm]:
    rows = session.execute(
        select(ScreeningTermRow).order_by(
            ScreeningTermRow.category, ScreeningTermRow.language, ScreeningTermRow.id
        )
    ).scalars()
    return [_term(r) for r in rows]


def find_term(
    session: Session, category: str, language: str, kind: str, text: str
) -> ScreeningTerm | None:
    row = session.execute(
        select(ScreeningTermRow).where(
            ScreeningTermRow.category == category,
            ScreeningTermRow.language == language,
            ScreeningTermRow.kind == kind,
            ScreeningTermRow.text == text,
        )
    ).scalar_one_or_none()
    return None if row is None else _term(row)


def add_terms(
    session: Session, new: Iterable[dict[str, str]], *, at: datetime, by: int | None
) -> int:
    rows = [{**t, "added_at": at, "added_by": by} for t in new]
    if rows:
        session.execute(insert(ScreeningTermRow), rows)
    return len(rows)


def get_term(session: Session, term_id: int) -> ScreeningTerm | None:
    row = session.get(ScreeningTermRow, term_id)
    return None if row is None else _term(row)


def remove_term(session: Session, term_id: int) -> None:
    session.execute(delete(ScreeningTermRow).where(ScreeningTermRow.id == term_id))


_TERMS_SEEDED = "screening_terms_seeded"


def terms_seeded(session: Session) -> bool:
    return session.get(HubMetaRow, _TERMS_SEEDED) is not None


def mark_terms_seeded(session: Session) -> None:
    session.add(HubMetaRow(key=_TERMS_SEEDED, value="1"))
    session.flush()
