"""The verbs: one check, a batch of checks, each also by the bearer of a token."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.actions.authentication import authenticate
from policenet.actions.checks.answers import answer_of, audit_detail, filing_of, keep_hits
from policenet.actions.probing import (
    limit_narrowing,
    narrowing,
    narrowing_refused,
    note_person_check,
    refuse_if_journalled_limit,
    refuse_if_limited,
)
from policenet.domain.checks import (
    BatchCheckRequest,
    CheckFailure,
    CheckRequest,
    CheckResult,
)
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.errors import Forbidden, PolicenetError
from policenet.store import audit

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.access.rates import Rates
    from policenet.domain.principals import Credentials, Principal
    from policenet.screening.service import Screening
    from policenet.store.db import Database as Store


def check(
    session: Session,
    actor: Principal,
    request: CheckRequest,
    screening: Screening,
    *,
    now: datetime | None = None,
    most_to_file: int | None = None,
) -> CheckResult:
    """Answer a check from every database the actor may see; audit it, keep its hits and
    alert their owners. ``now`` is the hub's clock (tests and the demo set it).
    ``most_to_file``: raise ``screening.service.Behind`` rather than file more changed rows
    than that into the indexes first (a check answered on the event loop)."""
    now = now or utcnow()
    if _asks_a_person(request):
        refuse_if_limited(session, actor, Database.PERSONS, now)
    screening.refresh(session, most=most_to_file)
    answer = answer_of(session, actor, request, screening, request.place, now)
    keep_hits(session, actor, answer.hit_rows, answer.external_refs, now)
    audit.append_by(session, actor, "check", "checks", audit_detail(answer, request.place))
    watch = screening.person_probes
    for name in note_person_check(watch, actor, answer.asked, answer.hit_rows, now):
        limit_narrowing(session, watch, actor, name, now)
    return answer.result


@dataclass(slots=True)
class _Batch:
    """A batch answered, and what it leaves to write: its hits and its audit entry."""

    answers: list[CheckResult | CheckFailure] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    external_refs: list[str | None] = field(default_factory=list)
    # The names its person checks asked with a birth date (probing.note_person_check).
    names: set[str] = field(default_factory=set)


def _asks_a_person(request: CheckRequest) -> bool:
    """A check that searches persons: by a person's particulars, or a document's holder."""
    return request.person is not None or request.mrz is not None


def check_batch(
    session: Session, actor: Principal, batch: BatchCheckRequest, screening: Screening
) -> list[CheckResult | CheckFailure]:
    """Answer up to 1,000 checks in order; a check that cannot be asked is answered with its
    error and the others still are. One audit entry lists them all."""
    now = utcnow()
    answered = _answer_batch(session, actor, batch, screening, now)
    _keep_batch(session, actor, answered, screening, now)
    return answered.answers


def _answer_batch(
    session: Session,
    actor: Principal,
    batch: BatchCheckRequest,
    screening: Screening,
    now: datetime,
) -> _Batch:
    """Every check of the batch answered; nothing written (a read will do)."""
    if any(_asks_a_person(request) for request in batch.checks):
        refuse_if_limited(session, actor, Database.PERSONS, now)
    screening.refresh(session)
    answers: list[CheckResult | CheckFailure] = []
    details: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    external_refs: list[str | None] = []
    names: set[str] = set()
    for index, request in enumerate(batch.checks):
        # Hand the interpreter to the other threads between two checks: a border check that
        # arrives meanwhile is answered in its turn, not after the whole batch.
        time.sleep(0)
        place = request.place or batch.place
        try:
            answer = answer_of(session, actor, request, screening, place, now)
        except PolicenetError as error:
            if isinstance(error, Forbidden):
                raise
            answers.append(
                CheckFailure(
                    code=error.code,
                    message=f"Check {index}: {error}",
                    field=None if error.field is None else f"checks.{index}.{error.field}",
                )
            )
            details.append({"failed": error.code})
            continue
        answers.append(answer.result)
        details.append(audit_detail(answer, place))
        rows.extend(answer.hit_rows)
        external_refs.extend(answer.external_refs)
        names |= note_person_check(
            screening.person_probes, actor, answer.asked, answer.hit_rows, now
        )
    return _Batch(answers, details, rows, external_refs, names)


def _keep_batch(
    session: Session, actor: Principal, answered: _Batch, screening: Screening, now: datetime
) -> None:
    keep_hits(session, actor, answered.rows, answered.external_refs, now)
    audit.append_by(session, actor, "check.batch", "checks", {"checks": answered.details})
    for name in answered.names:
        limit_narrowing(session, screening.person_probes, actor, name, now)


def _limit_if_narrowing(
    store: Store, screening: Screening, actor: Principal, names: set[str], now: datetime
) -> None:
    """After checks answered in a read: limit the actor if its checks of one of these names
    narrow a birth date down. Done at once if the write lock is free (always, on
    PostgreSQL); while a long writer holds a SQLite hub's, the checks are refused instead
    (``narrowing_refused``), and a later check stores the limit."""
    watch = screening.person_probes
    if not any(narrowing(watch, actor, name, now) for name in names):
        return

    def limit(session: Session) -> None:
        for name in names:
            limit_narrowing(session, watch, actor, name, now)

    with store.at_once(briefly=True) as session:
        if session is not None:
            limit(session)
            return
    if store.journal is None:
        with store.transaction() as session:
            limit(session)
        return
    refusal = narrowing_refused(actor)
    assert refusal.refusal is not None  # noqa: S101 - audited by construction
    _keep_soon(store, [refusal.refusal.item], now, lazy=False)
    raise refusal


def _refuse_if_journalled(
    store: Store, session: Session, actor: Principal, rows: list[dict[str, Any]], now: datetime
) -> None:
    """Hits still in the check journal count towards the probing limits too."""
    if rows and store.journal is not None:
        journalled = store.journal.filings_of(actor.id)
        refuse_if_journalled_limit(session, actor, rows, journalled, now)


def check_with_token(
    session: Session,
    presented: Credentials,
    request: CheckRequest,
    screening: Screening,
    *,
    most_to_file: int | None = None,
    rates: Rates | None = None,
) -> tuple[Principal, CheckResult]:
    """``check`` by the principal behind the token ``presented``, authenticated in the
    check's own transaction (the hot path: one transaction, not two), within the principal's
    rate."""
    actor = authenticate(session, presented)
    if rates is not None:
        rates.check_allowed(actor.id, 1)
    return actor, check(session, actor, request, screening, most_to_file=most_to_file)


def check_batch_with_token(
    store: Store,
    presented: Credentials,
    batch: BatchCheckRequest,
    screening: Screening,
    *,
    rates: Rates | None = None,
    lazy: bool = False,
) -> tuple[Principal, list[CheckResult | CheckFailure]]:
    """``check_batch`` by the principal behind the token ``presented``; each of its checks
    counts against the principal's rate.

    The checks are answered in a read, which holds no write lock, and only their hits and
    audit entry are written, in a short transaction after: a large batch (a passenger list,
    or a caller looping batches) never makes another bureau's border check wait behind it."""
    now = utcnow()
    with store.reading() as session:
        actor = authenticate(session, presented)
        if rates is not None:
            rates.check_allowed(actor.id, len(batch.checks))
        answered = _answer_batch(session, actor, batch, screening, now)
        _refuse_if_journalled(store, session, actor, answered.rows, now)
    # Its hits and audit entry need not wait behind an import: journalled if they would.
    item = (actor.id, actor.country, "check.batch", "checks", {"checks": answered.details})
    _limit_if_narrowing(store, screening, actor, answered.names, now)
    found = _Found(actor, answered.rows, answered.external_refs) if answered.rows else None
    _keep_soon(store, [item], now, lazy=lazy, found=found)
    return actor, answered.answers


def check_beside_a_writer(
    store: Store,
    presented: Credentials,
    request: CheckRequest,
    screening: Screening,
    *,
    rates: Rates | None = None,
    lazy: bool = False,
) -> tuple[Principal, CheckResult]:
    """``check_with_token`` for when another writer holds a SQLite hub's write lock (a bulk
    import is one transaction, a minute or more): answered in a read, which does not wait for
    it. Its audit entry and its hits are written in the database if the lock frees within
    ``BRIEF_WAIT_MS``, else in the check journal (store/journal.py), committed before the
    answer; they are chained, stored and told to the owners once the lock is free. A
    refusal's entry goes the same way."""
    now = utcnow()
    try:
        with store.reading() as session:
            actor = authenticate(session, presented)
            if rates is not None:
                rates.check_allowed(actor.id, 1)
            if _asks_a_person(request):
                refuse_if_limited(session, actor, Database.PERSONS, now)
            screening.refresh(session)
            answer = answer_of(session, actor, request, screening, request.place, now)
            _refuse_if_journalled(store, session, actor, answer.hit_rows, now)
    except PolicenetError as error:
        if error.refusal is not None:
            _keep_soon(store, [error.refusal.item], now, lazy=lazy)
        raise
    item = (actor.id, actor.country, "check", "checks", audit_detail(answer, request.place))
    names = note_person_check(screening.person_probes, actor, answer.asked, answer.hit_rows, now)
    _limit_if_narrowing(store, screening, actor, names, now)
    found = _Found(actor, answer.hit_rows, answer.external_refs) if answer.hit_rows else None
    _keep_soon(store, [item], now, lazy=lazy, found=found)
    return actor, answer.result


def _keep_soon(
    store: Store,
    items: list[audit.AuditItem],
    now: datetime,
    *,
    lazy: bool,
    found: _Found | None = None,
) -> None:
    """Commit audit entries, and the hits ``found`` with them, in the database if its write
    lock frees at once, else in the check journal (each entry's detail then says when it was
    written: its place in the chain, and its hits' filing and alerts, come later)."""
    with store.at_once(lazy=lazy, briefly=True) as session:
        if session is not None:
            _keep(session, items, now, found)
            return
    if store.journal is None:
        with store.transaction(lazy=lazy) as session:
            _keep(session, items, now, found)
        return
    stamp = now.isoformat()
    store.journal.keep(
        [(p, c, a, s, d | {"journalled_at": stamp}) for p, c, a, s, d in items],
        None if found is None else filing_of(found.rows, found.external_refs),
    )


@dataclass(frozen=True, slots=True)
class _Found:
    """The hits of a check or a batch, to keep with its audit entry."""

    actor: Principal
    rows: list[dict[str, Any]]
    external_refs: list[str | None]


def _keep(
    session: Session, items: list[audit.AuditItem], now: datetime, found: _Found | None
) -> None:
    if found is not None:
        keep_hits(session, found.actor, found.rows, found.external_refs, now)
    audit.append_many(session, items)
