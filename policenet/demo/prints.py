"""Demo fingerprints, synthetic (``demo.synthetic_prints``): a mark lifted at a French
burglary, an American ten-print of someone else, and a German ten-print of an arrested man
that left the mark. Recording the German ten-print finds the open French mark (reverse
search); the French examiner identifies it, and the German owner is alerted of the hit."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from policenet.actions.fingerprints import decide_candidate, search_prints
from policenet.actions.records import record_entry
from policenet.demo.synthetic_prints import Master, impression, master
from policenet.domain.fingerprints import (
    Decision,
    ExaminerDecision,
    FingerInput,
    FingerPosition,
    FingerprintEntry,
    FingerprintSearch,
    PrintKind,
)
from policenet.domain.principals import Principal, Role
from policenet.screening.service import Screening
from policenet.store import fingerprints as searches

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

FINGERS = 4  # right thumb to ring finger: enough to look at, quick to make


def _tenprint(fingers: list[Master], seed: int, ref: str) -> FingerprintEntry:
    return FingerprintEntry(
        external_ref=ref,
        kind=PrintKind.TENPRINT,
        fingers=[
            FingerInput(
                position=FingerPosition(n + 1),
                image=base64.b64encode(impression(finger, seed=seed + n)).decode("ascii"),
            )
            for n, finger in enumerate(fingers)
        ],
    )


def seed_prints(session: Session, principals: list[Principal], now: datetime) -> dict[str, Any]:
    def one(role: Role, country: str) -> Principal:
        return next(p for p in principals if p.role is role and p.country == country)

    fr, de, us = (one(Role.NCB_OFFICER, c) for c in ("FR", "DE", "US"))
    examiner = one(Role.FINGERPRINT_EXAMINER, "FR")
    arrested = [master(seed=100 + n) for n in range(FINGERS)]
    stranger = [master(seed=200 + n) for n in range(FINGERS)]
    mark = record_entry(
        session,
        fr,
        FingerprintEntry(
            external_ref="FR-LAT-2026-0311",
            kind=PrintKind.LATENT,
            case_ref="Burglary, Lyon, 3 November 2026",
            fingers=[
                FingerInput(
                    position=FingerPosition.UNKNOWN,
                    impression="latent",
                    image=base64.b64encode(impression(arrested[1], seed=7)).decode("ascii"),
                )
            ],
        ),
    )
    record_entry(session, us, _tenprint(stranger, 10, "US-FBI-2026-5521"))
    tenprint = record_entry(session, de, _tenprint(arrested, 20, "DE-BKA-2026-0815"))
    reverse = searches.latest_of_record(session, mark.owner_bureau_id, mark.id)
    identified = None
    if reverse is not None:
        decided = decide_candidate(
            session,
            examiner,
            reverse,
            1,
            ExaminerDecision(decision=Decision.IDENTIFIED, note="Demo: 14 points in agreement."),
            now,
        )
        identified = decided.hit_reference
    # The French mark searched again by hand: the German ten-print comes first.
    again = search_prints(session, fr, FingerprintSearch(record_id=mark.id), Screening(), now)
    return {
        "tenprints": 2,
        "marks": 1,
        "mark_id": mark.id,
        "tenprint_id": tenprint.id,
        "reverse_search": reverse,
        "identified_hit": identified,
        "search": again.reference,
    }
