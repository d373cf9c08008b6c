"""The reverse search: a ten-print just recorded, against the unsolved marks whose owners may
see it. A mark it matches (``REVERSE_THRESHOLD``) gets a search of its own, for its owner's
examiners, with the ten-print as its only candidate; the owner is told."""

from __future__ import annotations

import binascii
import logging
import uuid
from typing import TYPE_CHECKING, Any

from policenet.access import country_may_see
from policenet.domain.classification import Classification
from policenet.domain.errors import PolicenetError
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.fingerprints import PrintKind
from policenet.matching.print_codes import record_codes
from policenet.matching.print_comparison import (
    REVERSE_THRESHOLD,
    Probe,
    compare,
    probe_codes,
    record_fingers,
)
from policenet.matching.records import OPEN_MARK
from policenet.screening.print_cache import SearchCylinders
from policenet.screening.prints import PrintIndex
from policenet.store import audit, events
from policenet.store import fingerprints as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.domain.records import Record

log = logging.getLogger(__name__)

REVERSE_SHORTLIST = 20  # open marks compared in full with a new ten-print (the closest codes)


class OpenMarks:
    """The unsolved marks, their codes filed in an index of their own: read once for a
    ten-print recorded, or once for a whole import of ten-prints."""

    def __init__(self, session: Session, today: date) -> None:
        self.index = PrintIndex()
        self.records: dict[int, Record] = {}
        for mark in record_store.lookup(session, OPEN_MARK, today):
            if mark.data.get("kind") != PrintKind.LATENT.value or mark.data.get("solved", False):
                continue
            try:
                codes = record_codes(mark.data)
            except (binascii.Error, ValueError, KeyError, TypeError, PolicenetError):
                log.error("fingerprint record %s holds a template that cannot be read", mark.id)
                continue
            self.index.add(mark.id, PrintKind.LATENT, False, codes)
            self.records[mark.id] = mark


def reverse_search(
    session: Session,
    actor: Principal,
    record: Record,
    now: datetime,
    marks: OpenMarks | None = None,
) -> list[str]:
    """A ten-print just recorded, against every unsolved mark whose owner may see it. A mark
    it matches (``REVERSE_THRESHOLD``) gets a search of its own, for its owner's examiners,
    with the ten-print as its candidate; the owner is told. The references of those searches.

    The marks are ranked on their codes first; the ``REVERSE_SHORTLIST`` closest are compared
    in full, so that the cost stays bounded however many marks are open."""
    if record.data.get("kind") != PrintKind.TENPRINT.value:
        return []
    prints = record_fingers(record)
    marks = marks if marks is not None else OpenMarks(session, now.date())
    if not marks.records:
        return []
    # The new ten-print's cylinders are built once; the marks' come from the shared cache.
    source = SearchCylinders(prints)
    codes = probe_codes(prints, source)

    def sees(mark_id: int) -> bool:
        mark = marks.records[mark_id]
        return mark_id != record.id and country_may_see(
            mark.owner_country, record.owner_country, record.visibility
        )

    found = []
    ranked = marks.index.search(PrintKind.TENPRINT, codes, allowed=sees, limit=REVERSE_SHORTLIST)
    for near in ranked:
        mark = marks.records[near.record_id]
        try:  # only the closest marks' templates are read
            marked = record_fingers(mark)
        except (binascii.Error, ValueError, KeyError, TypeError, PolicenetError):
            log.error("fingerprint record %s holds a template that cannot be read", mark.id)
            continue
        probe = Probe(PrintKind.LATENT, marked, mark.id)
        quick, _ = compare(probe, PrintKind.TENPRINT, prints, views=1, source=source)
        if quick < REVERSE_THRESHOLD / 2:
            continue
        score, pairs = compare(probe, PrintKind.TENPRINT, prints, views=4, source=source)
        if score < REVERSE_THRESHOLD:
            continue
        found.append(_reverse_hit(session, actor, mark, record, score, pairs, now))
    return found


def _reverse_hit(
    session: Session,
    actor: Principal,
    mark: Record,
    tenprint: Record,
    score: float,
    pairs: list[dict[str, Any]],
    now: datetime,
) -> str:
    """File the mark's search with the ten-print as its candidate, tell the mark's owner, and
    audit it as the recording principal's doing. The search's reference."""
    reference = uuid.uuid4().hex
    summary = {
        "kind": PrintKind.LATENT.value,
        "record_id": mark.id,
        "positions": [int(f["position"]) for f in mark.data["fingers"]],
        "reverse": True,
    }
    store.add(
        session,
        {
            "reference": reference,
            "bureau_id": mark.owner_bureau_id,
            "searched_by": actor.id,
            "at": now,
            "probe": summary,
        },
        [
            {
                "rank": 1,
                "reference": uuid.uuid4().hex,
                "record_id": tenprint.id,
                "owner_bureau_id": tenprint.owner_bureau_id,
                "disclosure": tenprint.disclosure.value,
                "kind": PrintKind.TENPRINT.value,
                "score": round(score, 6),
                "fingers": pairs,
            }
        ],
    )
    events.publish(
        session,
        [
            NewEvent(
                mark.owner_bureau_id,
                EventKind.FINGERPRINT_REVERSE_MATCH,
                f"fingerprint-search:{reference}",
                Classification.RESTRICTED,
                {
                    "search": reference,
                    "mark_record_id": mark.id,
                    "case_ref": mark.data.get("case_ref"),
                    "external_ref": mark.external_ref,
                    "read": f"GET /v1/fingerprints/searches/{reference}",
                },
            )
        ],
        now,
    )
    audit.append_by(
        session,
        actor,
        "fingerprints.reverse",
        f"fingerprint-search:{reference}",
        {
            "mark": mark.id,
            "mark_owner": mark.owner_bureau_id,
            "tenprint": tenprint.id,
            "score": round(score, 6),
            "why": "the ten-print this principal recorded was compared with the open marks",
        },
    )
    return reference
