"""An examiner's decision on a candidate of a search of the examiner's bureau: taken once; an
identification becomes a hit on the candidate's record, alerted like any other, and solves the
mark the bureau searched (or identified)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import is_owner, may_learn_of_record, require
from policenet.actions.checks import keep_hits
from policenet.actions.fingerprints.candidates import candidate_view, own_search
from policenet.actions.hits import new_hit
from policenet.domain.errors import Conflict, NotFound
from policenet.domain.fingerprints import Decision, PrintKind
from policenet.domain.principals import Right
from policenet.domain.records import Database
from policenet.matching.records import print_keys
from policenet.store import audit, feed
from policenet.store import fingerprints as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.fingerprints import ExaminerDecision
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.shown import CandidateShown


def decide_candidate(
    session: Session,
    actor: Principal,
    reference: str,
    rank: int,
    decision: ExaminerDecision,
    now: datetime,
) -> CandidateShown:
    """An examiner of the searching bureau decides on a candidate, once. An identification
    becomes a hit on the candidate's record, alerted to its owner and to the searching side."""
    require(actor, Right.EXAMINE_PRINTS)
    found = own_search(session, actor, reference)
    candidate = store.candidate_for_update(session, found.id, rank)
    if candidate is None:
        raise NotFound(
            f"The search {reference!r} has no candidate {rank}.",
            code="fingerprint_candidate_not_found",
        )
    if candidate.decision is not None:
        raise Conflict(
            f"Candidate {rank} was already decided ({candidate.decision}) at "
            f"{candidate.decided_at}: a decision is not changed; search again if the prints "
            "need another look.",
            code="fingerprint_decision_taken",
        )
    record = record_store.get(session, candidate.record_id)
    if record is not None and not may_learn_of_record(actor, record, now.date()):
        record = None  # its owner restricted it since: it is not identified from here
    hit_reference = None
    if decision.decision is Decision.IDENTIFIED:
        if record is None or record.withdrawn_at is not None:
            raise Conflict(
                "The candidate's record has been withdrawn, restricted or passed its review date "
                "since the search: it cannot be identified. Ask its owner bureau.",
                code="fingerprint_candidate_withdrawn",
            )
        row = new_hit(
            actor,
            record,
            database=Database.FINGERPRINTS,
            check_reference=found.reference,
            match=Decision.IDENTIFIED.value,
            score=candidate.score,
            asked={"fingerprints": found.probe},
            place=None,
            now=now,
            reference=candidate.reference,
        )
        keep_hits(session, actor, [row], [record.external_ref], now)
        hit_reference = row["reference"]
        _solve(session, actor, found, record)
    store.decide(
        session,
        candidate.id,
        decision=decision.decision.value,
        decided_by=actor.id,
        decided_at=now,
        note=decision.note,
        hit_reference=hit_reference,
    )
    audit.append_by(
        session,
        actor,
        "fingerprints.decide",
        f"fingerprint-search:{reference}",
        {"rank": rank, "record": candidate.record_id, "decision": decision.decision.value},
    )
    decided = store.candidate_for_update(session, found.id, rank)
    assert decided is not None  # noqa: S101 - just written
    return candidate_view(actor, decided, record)


def _solve(session: Session, actor: Principal, found: store.Search, identified: Record) -> None:
    """A mark of the examiner's bureau identified, as the probe of the search or as its
    candidate, is solved: no longer searched against new ten-prints (its owner may open it
    again with ``solved: false``)."""
    if found.probe.get("kind") == PrintKind.LATENT.value and found.probe.get("record_id"):
        mark = record_store.get(session, int(found.probe["record_id"]))
    elif identified.data.get("kind") == PrintKind.LATENT.value:
        mark = identified
    else:
        return
    if (
        mark is None
        or mark.withdrawn_at is not None
        or not is_owner(actor, mark.owner_bureau_id)
        or mark.data.get("solved", False)
    ):
        return
    data = dict(mark.data) | {"solved": True}
    record_store.update_record(session, mark.id, {"data": data}, print_keys(PrintKind.LATENT, True))
    audit.append_by(
        session,
        actor,
        "fingerprints.solved",
        f"record:{mark.id}",
        {"identified": identified.id, "search": found.reference},
    )
    feed.changed(session, feed.RECORDS, mark.id)
