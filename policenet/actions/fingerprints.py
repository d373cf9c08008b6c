"""Fingerprint searches: a ten-print card or a crime-scene mark against every fingerprint record
the searching bureau may see, ranked for an examiner; the examiner's decision on each
candidate; an identification becomes a hit on the owner's record, alerted like any other.

- A ten-print is compared finger by finger with the ten-prints (same finger positions; the
  record's score is the sum), and with the unsolved latent marks (reverse search: each mark
  against the probe's fingers, the best one counts).
- A latent mark is compared with every finger of the ten-prints (or the one position given).
- The fingerprint index (``screening.prints``) ranks every finger the searcher may see on its
  code; the best ``INDEX_SHORTLIST`` records of each kind are compared in full on one
  extraction (view 0), and the best ``SHORTLIST`` of those on all four
  (``matching.cylinders``).
- An examiner's identification of a mark its bureau searched solves the mark.
- A ``hit_only`` candidate shows only its owner and the reference to quote.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.access import (
    country_may_see,
    is_owner,
    may_see,
    reads_content,
    require,
    sees_details,
)
from policenet.actions.checks import keep_hits
from policenet.actions.hits import new_hit
from policenet.domain.classification import Classification
from policenet.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PolicenetError
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.fingerprints import (
    Decision,
    ExaminerDecision,
    FingerPosition,
    FingerprintSearch,
    FingerprintVerify,
    PrintKind,
    Template,
)
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database, Record
from policenet.domain.terms import Disclosure
from policenet.formats import iso19794
from policenet.matching import print_codes
from policenet.matching.cylinders import Cylinders, cylinders, view_score
from policenet.matching.print_codes import empty, record_codes
from policenet.matching.records import OPEN_MARK, prepare, print_keys
from policenet.screening.prints import PrintIndex
from policenet.store import audit, events, feed
from policenet.store import fingerprints as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from policenet.screening.service import PersonTerms, Screening

log = logging.getLogger(__name__)

INDEX_SHORTLIST = 100  # records of each kind the index passes to the full comparison
MARK_FINGERS = 3  # a ten-print's fingers a mark is compared with in full (the closest codes)
SHORTLIST = 30  # records scored on every view after the one-view pass (or the limit asked)
REVERSE_SHORTLIST = 20  # open marks compared in full with a new ten-print (the closest codes)
CACHE_VIEWS = 512  # cylinders kept between searches (about 300 kB each)
# A mark and a new ten-print this similar make a reverse match for the mark's examiners:
# above the highest score of the 8,640 impostor pairs of the three FVC sets (0.031; 0.025 is
# a false match rate of 0.1 %), where 17 % of the genuine pairs score lower.
REVERSE_THRESHOLD = 0.035
# A pair of fingers this similar matches in a 1:1 verification: a false match rate of 0.1 % on
# the FVC impostor pairs. Two fingers of a ten-print must reach it (one, when only one pair
# is compared), so that ten chances of a false match do not add up.
VERIFY_THRESHOLD = 0.025


@dataclass(frozen=True, slots=True)
class _Finger:
    key: tuple[int, str, int]  # (record id, updated at, finger index): what the cache knows
    position: FingerPosition
    template: Template


class _CylinderCache:
    """The cylinders of stored fingers, view by view, least recently used dropped first.
    Shared by the server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._views: OrderedDict[tuple[tuple[int, str, int], int], Cylinders] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, finger: _Finger, view: int) -> Cylinders:
        key = (finger.key, view)
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        found = cylinders(finger.template.views[view])
        with self._lock:
            self._views[key] = found
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return found


_cache = _CylinderCache(CACHE_VIEWS)


class _Cylinders:
    """Where a search gets its cylinders: the probe's built once for the search (a probe
    sent once is not kept), the stored records' from the shared cache."""

    def __init__(self, probe: list[_Finger]) -> None:
        self._probe_keys = {finger.key for finger in probe}
        self._probe: dict[tuple[tuple[int, str, int], int], Cylinders] = {}

    def get(self, finger: _Finger, view: int) -> Cylinders:
        if finger.key not in self._probe_keys:
            return _cache.get(finger, view)
        key = (finger.key, view)
        found = self._probe.get(key)
        if found is None:
            found = self._probe[key] = cylinders(finger.template.views[view])
        return found


def _fingers(record_id: int, stamp: str, data: dict[str, Any]) -> list[_Finger]:
    return [
        _Finger(
            (record_id, stamp, number),
            FingerPosition(finger["position"]),
            iso19794.decode(base64.b64decode(finger["template"], validate=True)),
        )
        for number, finger in enumerate(data["fingers"])
    ]


def _score(a: _Finger, b: _Finger, views: int, source: _Cylinders) -> float:
    count = min(views, len(a.template.views), len(b.template.views))
    if count == 0:
        return 0.0
    total = sum(view_score(source.get(a, v), source.get(b, v)) for v in range(count))
    return total / count


@dataclass(frozen=True, slots=True)
class _Probe:
    kind: PrintKind
    fingers: list[_Finger]
    record_id: int | None


def _probe(session: Session, actor: Principal, search: FingerprintSearch) -> _Probe:
    if (search.record_id is None) == (search.probe is None):
        both = search.record_id is not None
        raise InvalidInput(
            ("Give 'record_id' or 'probe', not both: " if both else "Give what to search: ")
            + "'record_id' (one of your bureau's fingerprint records) or 'probe' (a ten-print "
            "or a mark to search once).",
            code="fingerprint_probe_missing",
            field="record_id" if both else "probe",
        )
    if search.probe is not None:
        try:
            data = prepare(search.probe).data
        except PolicenetError as error:
            where = f"probe.{error.field}" if error.field else "probe"
            message = error.message.removeprefix(f"{error.field}: ")
            raise type(error)(f"{where}: {message}", code=error.code, field=where) from None
        return _Probe(search.probe.kind, _fingers(0, "probe", data), None)
    assert search.record_id is not None  # noqa: S101 - one of the two is given
    record = record_store.get(session, search.record_id)
    if (
        record is None
        or record.database is not Database.FINGERPRINTS
        or not is_owner(actor, record.owner_bureau_id)
        or record.withdrawn_at is not None
    ):
        raise NotFound(
            f"No active fingerprint record {search.record_id} of your bureau: search with a "
            "record you own, or send the fingers themselves.",
            code="record_not_found",
        )
    return _Probe(
        PrintKind(record.data["kind"]),
        _fingers(record.id, record.updated_at.isoformat(), record.data),
        record.id,
    )


def _compare(
    probe: _Probe, record: Record, fingers: list[_Finger], views: int, source: _Cylinders
) -> tuple[float, list[dict[str, Any]]]:
    """The record's score against the probe, and the finger pairs that made it."""
    kind = PrintKind(record.data["kind"])
    pairs: list[dict[str, Any]] = []
    if probe.kind is PrintKind.TENPRINT and kind is PrintKind.TENPRINT:
        total = 0.0
        for mine in probe.fingers:
            same = [f for f in fingers if f.position is mine.position]
            if not same:
                continue
            best = max(_score(mine, theirs, views, source) for theirs in same)
            total += best
            pairs.append(
                {"probe": int(mine.position), "candidate": int(mine.position), "score": best}
            )
        return total, pairs
    # A mark against a ten-print, in either direction: the mark's best finger.
    marks, prints = (
        (probe.fingers, fingers)
        if probe.kind is PrintKind.LATENT
        else (
            fingers,
            probe.fingers,
        )
    )
    best_score, best_pair = 0.0, None
    for mark in marks:
        for finger in prints:
            if mark.position is not FingerPosition.UNKNOWN and finger.position is not mark.position:
                continue
            score = _score(mark, finger, views, source)
            if score > best_score:
                best_score = score
                best_pair = (finger.position, mark.position)
    if best_pair is not None:
        printed, marked = best_pair
        probe_side, candidate_side = (
            (marked, printed) if probe.kind is PrintKind.LATENT else (printed, marked)
        )
        pairs.append(
            {"probe": int(probe_side), "candidate": int(candidate_side), "score": best_score}
        )
    return best_score, pairs


def _comparable(probe: _Probe, record: Record) -> bool:
    kind = PrintKind(record.data["kind"])
    if probe.kind is PrintKind.LATENT:
        return kind is PrintKind.TENPRINT
    return kind is PrintKind.TENPRINT or not record.data.get("solved", False)


def _visible(actor: Principal, record: Record) -> bool:
    return is_owner(actor, record.owner_bureau_id) or may_see(
        actor, record.owner_country, record.visibility
    )


@dataclass(frozen=True, slots=True)
class CandidateView:
    """A candidate as the searching bureau sees it."""

    rank: int
    reference: str
    owner_bureau_id: str
    disclosure: Disclosure
    kind: str | None
    score: float | None
    fingers: list[dict[str, Any]] | None
    record: Record | None
    decision: str | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    hit_reference: str | None


@dataclass(frozen=True, slots=True)
class SearchView:
    reference: str
    searched_at: datetime
    probe: dict[str, Any]
    candidates: list[CandidateView]
    notes: list[str] = field(default_factory=list)


def _view(actor: Principal, candidate: store.Candidate, record: Record | None) -> CandidateView:
    """The candidate as the actor may see it now: the record's disclosure and restriction as
    they stand, not as they stood at the search (``record`` is None when it no longer answers
    or the actor may no longer see it)."""
    disclosure = Disclosure(candidate.disclosure) if record is None else record.disclosure
    shown = record is not None and reads_content(actor, candidate.owner_bureau_id, disclosure)
    return CandidateView(
        rank=candidate.rank,
        reference=candidate.reference,
        owner_bureau_id=candidate.owner_bureau_id,
        disclosure=disclosure,
        kind=candidate.kind if shown else None,
        score=candidate.score if shown else None,
        fingers=candidate.fingers if shown else None,
        record=record if shown else None,
        decision=candidate.decision,
        decided_by=candidate.decided_by,
        decided_at=candidate.decided_at,
        note=candidate.note,
        hit_reference=candidate.hit_reference,
    )


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
    probe = _probe(session, actor, search)
    screening.refresh(session)
    source = _Cylinders(probe.fingers)
    today = now.date()

    def terms_allow(record_id: int, terms: PersonTerms) -> bool:
        return terms.review_date >= today and (
            is_owner(actor, terms.owner_bureau_id)
            or may_see(actor, terms.owner_country, terms.visibility)
        )

    codes = [
        (int(f.position), print_codes.code(source.get(f, 0)) if f.template.views else empty())
        for f in probe.fingers
    ]
    ranked = screening.search_prints(
        probe.kind,
        codes,
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
    first_pass: list[tuple[float, Record, list[_Finger]]] = []
    for near in ranked:
        record = records.get(near.record_id)
        if record is None or not _visible(actor, record) or not _comparable(probe, record):
            continue
        try:
            fingers = _fingers(record.id, record.updated_at.isoformat(), record.data)
        except (binascii.Error, ValueError, KeyError, PolicenetError):
            log.error("fingerprint record %s holds a template that cannot be read", record.id)
            if reads_content(actor, record.owner_bureau_id, record.disclosure):
                notes.append(f"Record {record.id} could not be read and was not compared.")
            continue
        if probe.kind is PrintKind.LATENT:
            # A mark is compared in full with the ten-print's fingers its code came closest to.
            closest = set(near.positions[:MARK_FINGERS])
            fingers = [f for f in fingers if int(f.position) in closest]
        score, _ = _compare(probe, record, fingers, views=1, source=source)
        if score > 0:
            first_pass.append((score, record, fingers))
    first_pass.sort(key=lambda item: -item[0])
    shortlist = max(SHORTLIST, search.limit)
    scored = []
    for _, record, fingers in first_pass[:shortlist]:
        score, pairs = _compare(probe, record, fingers, views=4, source=source)
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
            "bureau_id": _searcher(actor),
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
) -> Verification | None:
    """Compare a probe with one record, on all four views: every finger at the same position
    for two ten-prints, the mark against each finger (or its position) otherwise. The record
    must be one the actor may read in full (None otherwise); the comparison is audited."""
    require(actor, Right.CHECK_RECORDS)
    if not sees_details(actor):
        raise Forbidden("Carriers do not compare fingerprints.", code="right_missing")
    probe = _probe(
        session, actor, FingerprintSearch(record_id=request.probe_record_id, probe=request.probe)
    )
    answering = record_store.answering(session, [request.record_id], now.date())
    record = answering[0] if answering else None
    if (
        record is None
        or record.database is not Database.FINGERPRINTS
        or not _visible(actor, record)
        or not reads_content(actor, record.owner_bureau_id, record.disclosure)
    ):
        # Refused, and audited as refused: the caller raises once this entry is committed.
        audit.append_by(
            session,
            actor,
            "fingerprints.verify",
            f"record:{request.record_id}",
            {"probe_record": probe.record_id, "shown": False},
        )
        return None
    if PrintKind(record.data["kind"]) is PrintKind.LATENT and probe.kind is PrintKind.LATENT:
        raise InvalidInput(
            "Two marks are not compared: verify a mark against a ten-print.",
            code="fingerprint_marks_not_compared",
        )
    fingers = _fingers(record.id, record.updated_at.isoformat(), record.data)
    source = _Cylinders(probe.fingers)
    score, pairs = _compare(probe, record, fingers, views=4, source=source)
    for pair in pairs:
        pair["score"] = round(pair["score"], 6)
        pair["match"] = pair["score"] >= VERIFY_THRESHOLD
    # Fingers, not pairs: a rolled and a plain print of one finger are one finger's evidence.
    matched = len({pair["probe"] for pair in pairs if pair["match"]})
    needed = min(2, len({pair["probe"] for pair in pairs}))
    decision = "match" if pairs and matched >= needed else "no_match"
    audit.append_by(
        session,
        actor,
        "fingerprints.verify",
        f"record:{record.id}",
        {
            "probe_record": probe.record_id,
            "shown": True,
            "decision": decision,
            "score": round(score, 6),
        },
    )
    return Verification(
        record.id,
        decision,
        round(score, 6),
        pairs,
        VERIFY_THRESHOLD,
        f"match when {needed} compared finger{'s' if needed > 1 else ''} reach the threshold",
    )


def _searcher(actor: Principal) -> str:
    """Whose searches these are: the bureau's, or a national agency's (its own mailbox)."""
    mailbox = actor.mailbox
    if mailbox is None:
        raise Forbidden("Only a bureau or an agency searches fingerprints.", code="right_missing")
    return mailbox


def _own_search(session: Session, actor: Principal, reference: str) -> store.Search:
    found = store.get(session, reference)
    if found is None or found.bureau_id != _searcher(actor):
        raise NotFound(
            f"No fingerprint search {reference!r} of your bureau.",
            code="fingerprint_search_not_found",
        )
    return found


def read_search(session: Session, actor: Principal, reference: str) -> SearchView:
    """A search of the actor's bureau, its candidates as the actor may see them now."""
    require(actor, Right.CHECK_RECORDS)
    found = _own_search(session, actor, reference)
    records = {
        r.id: r
        for r in record_store.answering(
            session, [c.record_id for c in found.candidates], found.at.date()
        )
    }
    views = []
    for candidate in found.candidates:
        record = records.get(candidate.record_id)
        if record is not None and not _visible(actor, record):
            record = None
        views.append(_view(actor, candidate, record))
    return SearchView(found.reference, found.at, found.probe, views)


def decide_candidate(
    session: Session,
    actor: Principal,
    reference: str,
    rank: int,
    decision: ExaminerDecision,
    now: datetime,
) -> CandidateView:
    """An examiner of the searching bureau decides on a candidate, once. An identification
    becomes a hit on the candidate's record, alerted to its owner and to the searching side."""
    require(actor, Right.EXAMINE_PRINTS)
    found = _own_search(session, actor, reference)
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
    if record is not None and not _visible(actor, record):
        record = None  # its owner restricted it since: it is not identified from here
    hit_reference = None
    if decision.decision is Decision.IDENTIFIED:
        if record is None or record.withdrawn_at is not None:
            raise Conflict(
                "The candidate's record has been withdrawn or restricted since the search: it "
                "cannot be identified. Ask its owner bureau.",
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
    return _view(actor, decided, record)


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
    prints = _fingers(record.id, record.updated_at.isoformat(), record.data)
    marks = marks if marks is not None else OpenMarks(session, now.date())
    if not marks.records:
        return []
    # The new ten-print's cylinders are built once; the marks' come from the shared cache.
    source = _Cylinders(prints)
    codes = [
        (int(f.position), print_codes.code(source.get(f, 0)) if f.template.views else empty())
        for f in prints
    ]

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
            marked = _fingers(mark.id, mark.updated_at.isoformat(), mark.data)
        except (binascii.Error, ValueError, KeyError, TypeError, PolicenetError):
            log.error("fingerprint record %s holds a template that cannot be read", mark.id)
            continue
        probe = _Probe(PrintKind.LATENT, marked, mark.id)
        quick, _ = _compare(probe, record, prints, views=1, source=source)
        if quick < REVERSE_THRESHOLD / 2:
            continue
        score, pairs = _compare(probe, record, prints, views=4, source=source)
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
