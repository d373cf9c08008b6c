"""A fingerprint search: a ten-print or a mark against every fingerprint record the searching
bureau may see, ranked for an examiner.

The fingerprint index (``screening.prints``) ranks every finger the searcher may see on its
code; the best ``INDEX_SHORTLIST`` records of each kind are compared in full on one extraction
(view 0), and the best ``SHORTLIST`` of those on all four (``matching.print_comparison``).
"""

from __future__ import annotations

import binascii
import logging
import uuid
from typing import TYPE_CHECKING

from policenet.access import (
    answers_to,
    may_learn_of_answering,
    reads_content,
    require,
    sees_details,
)
from policenet.actions.fingerprints.candidates import SearchView, read_search, searcher
from policenet.actions.fingerprints.probes import probe_of
from policenet.domain.errors import Forbidden, PolicenetError
from policenet.domain.fingerprints import PrintKind
from policenet.domain.principals import Right
from policenet.matching.print_comparison import (
    comparable,
    compare,
    probe_codes,
    record_fingers,
)
from policenet.screening.print_cache import SearchCylinders
from policenet.store import audit
from policenet.store import fingerprints as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.fingerprints import FingerprintSearch
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.matching.print_comparison import Finger
    from policenet.screening.service import PersonTerms, Screening

log = logging.getLogger(__name__)

INDEX_SHORTLIST = 100  # records of each kind the index passes to the full comparison
MARK_FINGERS = 3  # a ten-print's fingers a mark is compared with in full (the closest codes)
SHORTLIST = 30  # records scored on every view after the one-view pass (or the limit asked)


def search_prints(
    session: Session,
    actor: Principal,
    search: FingerprintSearch,
    screening: Screening,
    now: datetime,
) -> SearchView:
    """Search a ten-print or a mark against every fingerprint record the actor may see; keep
    the ranked candidates for an examiner and audit the search."""
    require(actor, Right.CHECK_RECORDS)
    if not sees_details(actor):
        raise Forbidden("Carriers do not search fingerprints.", code="right_missing")
    probe = probe_of(session, actor, search)
    screening.refresh(session)
    source = SearchCylinders(probe.fingers)
    today = now.date()

    def terms_allow(record_id: int, terms: PersonTerms) -> bool:
        return answers_to(actor, terms, today)

    ranked = screening.search_prints(
        probe.kind,
        probe_codes(probe.fingers, source),
        may_see=terms_allow,
        limit=max(INDEX_SHORTLIST, search.limit),
        exclude=probe.record_id,
    )
    notes = []
    # Counted only among the records whose content the searcher may read: a hit_only record of
    # another bureau is not even said to be unreadable.
    unreadable = [
        i
        for i in screening.unreadable_prints
        if (terms := screening.terms_of(i)) is not None
        and terms_allow(i, terms)
        and reads_content(actor, terms.owner_bureau_id, terms.disclosure)
    ]
    if unreadable:
        notes.append(
            f"{len(unreadable)} fingerprint records could not be read and were not compared: "
            "the hub's log names them."
        )
    wanted = [r.record_id for r in ranked]
    records = {r.id: r for r in record_store.answering(session, wanted, today)}
    first_pass: list[tuple[float, Record, list[Finger]]] = []
    for near in ranked:
        record = records.get(near.record_id)
        if (
            record is None
            or not may_learn_of_answering(actor, record)
            or not comparable(probe, record)
        ):
            continue
        try:
            fingers = record_fingers(record)
        except (binascii.Error, ValueError, KeyError, PolicenetError):
            log.error("fingerprint record %s holds a template that cannot be read", record.id)
            if reads_content(actor, record.owner_bureau_id, record.disclosure):
                notes.append(f"Record {record.id} could not be read and was not compared.")
            continue
        if probe.kind is PrintKind.LATENT:
            # A mark is compared in full with the ten-print's fingers its code came closest to.
            closest = set(near.positions[:MARK_FINGERS])
            fingers = [f for f in fingers if int(f.position) in closest]
        kind = PrintKind(record.data["kind"])
        score, _ = compare(probe, kind, fingers, views=1, source=source)
        if score > 0:
            first_pass.append((score, record, fingers))
    first_pass.sort(key=lambda item: -item[0])
    shortlist = max(SHORTLIST, search.limit)
    scored = []
    for _, record, fingers in first_pass[:shortlist]:
        kind = PrintKind(record.data["kind"])
        score, pairs = compare(probe, kind, fingers, views=4, source=source)
        if score > 0:
            scored.append((score, record, pairs))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    reference = uuid.uuid4().hex
    summary = {
        "kind": probe.kind.value,
        "record_id": probe.record_id,
        "positions": [int(f.position) for f in probe.fingers],
    }
    candidates = [
        {
            "rank": rank,
            "reference": uuid.uuid4().hex,
            "record_id": record.id,
            "owner_bureau_id": record.owner_bureau_id,
            "disclosure": record.disclosure.value,
            "kind": record.data["kind"],
            "score": round(score, 6),
            "fingers": pairs,
        }
        for rank, (score, record, pairs) in enumerate(scored[: search.limit], start=1)
    ]
    store.add(
        session,
        {
            "reference": reference,
            "bureau_id": searcher(actor),
            "searched_by": actor.id,
            "at": now,
            "probe": summary,
        },
        candidates,
    )
    audit.append_by(
        session,
        actor,
        "fingerprints.search",
        f"fingerprint-search:{reference}",
        {
            "reference": reference,
            "probe": summary,
            "candidates": [{"record": c["record_id"], "score": c["score"]} for c in candidates],
        },
    )
    found = read_search(session, actor, reference)
    notes.append(
        f"The index ranked every fingerprint record you may see; the {len(first_pass)} "
        f"closest were compared on one extraction, the best {shortlist} on four."
    )
    return SearchView(found.reference, found.searched_at, found.probe, found.candidates, notes)
