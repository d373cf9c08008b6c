"""What a check answers: the hits the caller may learn of, as far as it may read them, kept
for both bureaus and told to the owner; the audit entry of the check."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policenet.access import may_learn_of_answering, reads_content, sees_details, shown
from policenet.actions import probing
from policenet.actions.checks.asking import Answer, Asking, ask
from policenet.actions.hits import check_events, new_hit
from policenet.domain.checks import (
    CheckRequest,
    CheckResult,
    Hit,
)
from policenet.domain.documents import TravelDocument
from policenet.domain.hits import urgency_of
from policenet.domain.notices import NoticeRef, NoticeType
from policenet.domain.records import Database, Record
from policenet.domain.terms import Disclosure
from policenet.store import events, hits, retention
from policenet.store import notices as notice_store
from policenet.store import principals as principal_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.screening.service import Screening


def _notices_on(asking: Asking) -> dict[int, tuple[NoticeRef, ...]]:
    """The published notices on the persons found: read only when the index says one is."""
    ids = [
        f.record.id
        for f in asking.found
        if f.database is Database.PERSONS and asking.screening.under_notice(f.record.id, asking.now)
    ]
    if not ids:
        return {}
    found = notice_store.active_on_persons(asking.session, ids, asking.now)
    return {pid: tuple(NoticeRef.of(n) for n in ns) for pid, ns in found.items()}


def answer_of(
    session: Session,
    actor: Principal,
    request: CheckRequest,
    screening: Screening,
    place: str | None,
    now: datetime,
) -> Answer:
    asking = Asking(session, actor, screening, now)
    ask(asking, request)
    on_notice = _notices_on(asking)
    reference = uuid.uuid4().hex
    details = sees_details(actor)
    result_hits: list[Hit] = []
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Database, int]] = set()
    withheld = 0
    external_refs: list[str | None] = []
    for found in asking.found:
        record = found.record
        if (found.database, record.id) in seen:
            continue
        seen.add((found.database, record.id))
        under_notice = found.database is Database.PERSONS and asking.screening.under_notice(
            record.id, asking.now
        )
        if not may_learn_of_answering(actor, record, under_notice=under_notice):
            withheld += 1
            continue
        hit_reference = uuid.uuid4().hex
        named = on_notice.get(record.id, ()) if found.database is Database.PERSONS else ()
        urgency, urgency_reason = urgency_of(
            found.database,
            record.data if isinstance(record, Record) else None,
            tuple(n.reference for n in named if n.type is NoticeType.RED),
        )
        # Seen only through its notice, the record itself stays the owner's to share: the
        # caller learns the hit, its owner and the notice (which every member may read), and
        # the hit is kept as hit_only, so that its file and events say no more later.
        through_notice = not may_learn_of_answering(actor, record)
        full = not through_notice and reads_content(
            actor, record.owner_bureau_id, record.disclosure
        )
        result_hits.append(
            Hit(
                reference=hit_reference,
                database=found.database,
                part=found.part,
                disclosure=record.disclosure,
                owner_bureau_id=record.owner_bureau_id if details else None,
                match=found.match if full else None,
                score=found.score if full else None,
                explanation=found.explanation if full else (),
                note=found.note if full else None,
                reported_at=(
                    (
                        record.reported_at
                        if isinstance(record, TravelDocument)
                        else record.entered_at
                    )
                    if full
                    else None
                ),
                record=shown(actor, record, now.date()) if full else None,
                notices=named if details else (),
            )
        )
        rows.append(
            new_hit(
                actor,
                record,
                database=found.database,
                check_reference=reference,
                match=found.match.value,
                score=found.score,
                asked={found.part: asking.asked.get(found.part.removesuffix("_holder"))},
                place=place,
                now=now,
                urgency=urgency,
                urgency_reason=urgency_reason,
                notices=[n.as_json() for n in named],
                reference=hit_reference,
                disclosure=Disclosure.HIT_ONLY if through_notice else record.disclosure,
            )
        )
        external_refs.append(record.external_ref)
    result = CheckResult(
        reference=reference,
        checked_at=now,
        asked=dict(asking.asked),
        hits=result_hits,
        notes=asking.notes,
    )
    return Answer(result, asking.asked, rows, withheld, external_refs)


def audit_detail(answer: Answer, place: str | None) -> dict[str, Any]:
    return {
        "reference": answer.result.reference,
        "asked": answer.asked,
        "place": place,
        "answered": {
            "hit": answer.result.hit,
            "hits": [
                {"database": r["database"], "record": r["record_id"]} for r in answer.hit_rows
            ],
        },
        "withheld": answer.withheld,
    }


def keep_hits(
    session: Session,
    actor: Principal,
    rows: list[dict[str, Any]],
    external_refs: list[str | None],
    now: datetime,
) -> None:
    """Store the hits and, in the same transaction, alert their owners and the checking side."""
    if not rows:
        return
    hits.add_many(session, rows)
    probing.watch(session, actor, rows, now)
    agency = None
    if actor.agency_id is not None:
        found = principal_store.get_agency(session, actor.agency_id)
        agency = None if found is None else found.name
    events.publish(
        session,
        [
            event
            for row, ref in zip(rows, external_refs, strict=True)
            for event in check_events(row, actor, agency=agency, external_ref=ref)
        ],
        now,
    )


_TIMES = ("at", "due_at")  # the datetimes of a hit row (``actions.hits.new_hit``)


def filing_of(rows: list[dict[str, Any]], external_refs: list[str | None]) -> str:
    """Hits to keep later (``keep_filed``), as the check journal holds them: JSON."""
    plain = [row | {key: row[key].isoformat() for key in _TIMES} for row in rows]
    return json.dumps({"hits": plain, "external_refs": external_refs}, sort_keys=True)


def keep_filed(session: Session, principal_id: int, filing: str) -> None:
    """``keep_hits`` for hits a check found while another writer held the write lock, and
    journalled (``filing_of``): stored, and told, as they would have been then."""
    actor = principal_store.get_principal(session, principal_id)
    if actor is None:  # principals are disabled, never removed
        raise LookupError(f"principal {principal_id} of journalled hits is not in the store")
    filed = json.loads(filing)
    rows, refs = [], []
    kept = hits.existing(session, [row["reference"] for row in filed["hits"]])
    for row, ref in zip(filed["hits"], filed["external_refs"], strict=True):
        if row["reference"] in kept:
            continue  # filed already: never twice
        row |= {key: datetime.fromisoformat(row[key]) for key in _TIMES}
        if _erased_since(session, row):
            # Erased after the check hit it: the hit keeps who checked, not what was asked.
            row |= {"asked": {}, "notices": []}
            ref = None
        rows.append(row)
        refs.append(ref)
    if rows:
        keep_hits(session, actor, rows, refs, rows[0]["at"])


def _erased_since(session: Session, row: dict[str, Any]) -> bool:
    return retention.is_erased(session, Database(row["database"]), int(row["record_id"]))
