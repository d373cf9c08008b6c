"""A 1:1 fingerprint verification: a probe against one record the actor may read in full, on
all four views, judged against ``VERIFY_THRESHOLD`` (``matching.print_comparison``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.access import may_read_record, require, sees_details
from policenet.actions.fingerprints.probes import probe_of
from policenet.actions.verbs import refused
from policenet.domain.errors import Forbidden, InvalidInput
from policenet.domain.fingerprints import FingerprintSearch, PrintKind
from policenet.domain.principals import Right
from policenet.domain.records import Database, record_not_found
from policenet.matching.print_comparison import (
    VERIFY_THRESHOLD,
    compare,
    record_fingers,
    verdict,
)
from policenet.screening.print_cache import SearchCylinders
from policenet.store import audit
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.fingerprints import FingerprintVerify
    from policenet.domain.principals import Principal


@dataclass(frozen=True, slots=True)
class Verification:
    """A 1:1 comparison's answer: the pairs of fingers compared, each with its score and
    whether it reaches ``VERIFY_THRESHOLD``, and the decision."""

    record_id: int
    decision: str  # "match" or "no_match"
    score: float
    fingers: list[dict[str, Any]]
    threshold: float
    rule: str


def verify_prints(
    session: Session, actor: Principal, request: FingerprintVerify, now: datetime
) -> Verification:
    """Compare a probe with one record, on all four views: every finger at the same position
    for two ten-prints, the mark against each finger (or its position) otherwise. The record
    must be one the actor may read in full (any other is not found); the comparison is
    audited, refused or not."""
    require(actor, Right.CHECK_RECORDS)
    if not sees_details(actor):
        raise Forbidden("Carriers do not compare fingerprints.", code="right_missing")
    probe = probe_of(
        session, actor, FingerprintSearch(record_id=request.probe_record_id, probe=request.probe)
    )
    record = record_store.get(session, request.record_id)
    if (
        record is None
        or record.database is not Database.FINGERPRINTS
        or not may_read_record(actor, record, now.date())
        or record.withdrawn_at is not None
        or record.expired(now.date())
    ):
        raise refused(
            record_not_found(Database.FINGERPRINTS, request.record_id),
            actor,
            "fingerprints.verify",
            f"record:{request.record_id}",
            {"probe_record": probe.record_id},
        )
    kind = PrintKind(record.data["kind"])
    if kind is PrintKind.LATENT and probe.kind is PrintKind.LATENT:
        raise InvalidInput(
            "Two marks are not compared: verify a mark against a ten-print.",
            code="fingerprint_marks_not_compared",
        )
    fingers = record_fingers(record)
    source = SearchCylinders(probe.fingers)
    score, pairs = compare(probe, kind, fingers, views=4, source=source)
    judged = verdict(pairs)
    audit.append_by(
        session,
        actor,
        "fingerprints.verify",
        f"record:{record.id}",
        {
            "probe_record": probe.record_id,
            "shown": True,
            "decision": judged.decision,
            "score": round(score, 6),
        },
    )
    return Verification(
        record.id, judged.decision, round(score, 6), judged.fingers, VERIFY_THRESHOLD, judged.rule
    )
