"""What of a stored thing a principal is shown: the redaction every answer applies, whether
it leaves by the API, an export or (later) the console and an edge snapshot.

Actions return what these functions build; the API's schemas and the CLI copy it as it is
and decide nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from policenet.access.notices import inside_notice, reads_notice_screening
from policenet.access.records import is_owner, reads_content
from policenet.domain.documents import TravelDocument
from policenet.domain.notices import NoticeState
from policenet.domain.shown import (
    CandidateShown,
    DnaMatchShown,
    DocumentShown,
    NoticeShown,
    RecordShown,
)
from policenet.domain.terms import Disclosure

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date, datetime

    from policenet.domain.hits import StoredHit, Urgency
    from policenet.domain.notices import Notice, Question, Transition
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.visibility import Visibility


@dataclass(frozen=True, slots=True)
class OwnerTerms:
    """What only the owner bureau reads of its record: its own reference and restriction."""

    external_ref: str | None
    visibility: Visibility | None


def owner_terms(
    principal: Principal, owner_bureau_id: str, external_ref: str | None, visibility: Visibility
) -> OwnerTerms:
    """The owner's terms, for its own principals; nothing of them for anyone else."""
    if is_owner(principal, owner_bureau_id):
        return OwnerTerms(external_ref, visibility)
    return OwnerTerms(None, None)


def record_shown(
    principal: Principal, record: Record, today: date, notes: tuple[str, ...] = ()
) -> RecordShown:
    """A record the principal may read (the caller has asked ``may_read_record``), as shown."""
    terms = owner_terms(principal, record.owner_bureau_id, record.external_ref, record.visibility)
    return RecordShown(
        id=record.id,
        database=record.database,
        owner_bureau_id=record.owner_bureau_id,
        disclosure=record.disclosure,
        review_date=record.review_date,
        expired=record.expired(today),
        data=record.data,
        external_ref=terms.external_ref,
        visibility=terms.visibility,
        entered_at=record.entered_at,
        updated_at=record.updated_at,
        withdrawn_at=record.withdrawn_at,
        notes=notes,
    )


def document_shown(principal: Principal, document: TravelDocument) -> DocumentShown:
    """A travel document the principal may read, as shown."""
    terms = owner_terms(
        principal, document.owner_bureau_id, document.external_ref, document.visibility
    )
    return DocumentShown(
        id=document.id,
        owner_bureau_id=document.owner_bureau_id,
        issuing_country=document.issuing_country,
        document_type=document.document_type,
        number=document.number,
        status=document.status,
        event_date=document.event_date,
        holder_name=document.holder_name,
        holder_birth_date=document.holder_birth_date,
        disclosure=document.disclosure,
        review_date=document.review_date,
        external_ref=terms.external_ref,
        visibility=terms.visibility,
        reported_at=document.reported_at,
        updated_at=document.updated_at,
        withdrawn_at=document.withdrawn_at,
    )


def shown(
    principal: Principal, record: TravelDocument | Record, today: date
) -> DocumentShown | RecordShown:
    """A record of any database, as shown."""
    if isinstance(record, TravelDocument):
        return document_shown(principal, record)
    return record_shown(principal, record, today)


def dna_match_shown(
    principal: Principal,
    record: Record,
    hit_reference: str,
    today: date,
    *,
    match: str,
    loci_compared: int,
    differing_locus: str | None = None,
    probabilities: Callable[[], tuple[Any, ...]] = tuple,
    likelihood_ratio: float | None = None,
) -> DnaMatchShown:
    """A DNA match as the searcher may see it; for a profile whose content it may not read,
    nothing is computed on it (``probabilities`` is called only for one it may)."""
    if not reads_content(principal, record.owner_bureau_id, record.disclosure):
        return DnaMatchShown(
            hit_reference, record.owner_bureau_id, record.disclosure, *_WITHHELD_DNA
        )
    return DnaMatchShown(
        hit_reference=hit_reference,
        owner_bureau_id=record.owner_bureau_id,
        disclosure=record.disclosure,
        match=match,
        loci_compared=loci_compared,
        differing_locus=differing_locus,
        probabilities=probabilities(),
        likelihood_ratio=likelihood_ratio,
        record=record_shown(principal, record, today),
    )


_WITHHELD_DNA = (None, None, None, (), None, None)


class StoredCandidate(Protocol):
    """A fingerprint candidate as a search kept it (``store.fingerprints.Candidate``)."""

    @property
    def rank(self) -> int: ...
    @property
    def reference(self) -> str: ...
    @property
    def owner_bureau_id(self) -> str: ...
    @property
    def disclosure(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def fingers(self) -> list[dict[str, Any]]: ...
    @property
    def decision(self) -> str | None: ...
    @property
    def decided_by(self) -> int | None: ...
    @property
    def decided_at(self) -> datetime | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def hit_reference(self) -> str | None: ...


def candidate_shown(
    principal: Principal, candidate: StoredCandidate, record: Record | None, today: date
) -> CandidateShown:
    """The candidate as the principal may see it now: the record's disclosure and restriction
    as they stand, not as they stood at the search (``record`` is None when it no longer
    answers or the principal may no longer learn of it)."""
    disclosure = Disclosure(candidate.disclosure) if record is None else record.disclosure
    shown = record is not None and reads_content(principal, candidate.owner_bureau_id, disclosure)
    return CandidateShown(
        rank=candidate.rank,
        reference=candidate.reference,
        owner_bureau_id=candidate.owner_bureau_id,
        disclosure=disclosure,
        kind=candidate.kind if shown else None,
        score=candidate.score if shown else None,
        fingers=candidate.fingers if shown else None,
        record=record_shown(principal, record, today) if shown and record else None,
        decision=candidate.decision,
        decided_by=candidate.decided_by,
        decided_at=candidate.decided_at,
        note=candidate.note,
        hit_reference=candidate.hit_reference,
    )


# What a notice shows of its subject's record to a reader outside the request: the requester's
# own reference to it is the requester's.
_SUBJECT_INSIDE = frozenset({"external_ref"})


@dataclass(frozen=True, slots=True)
class NoticeFileParts:
    """A request's file, as the notice verbs read it from the store."""

    transitions: list[Transition]
    questions: list[Question]
    missing: list[dict[str, str]]
    allowed: list[NoticeState]


def notice_shown(
    principal: Principal, notice: Notice, now: datetime, file: NoticeFileParts | None = None
) -> NoticeShown:
    """A notice request the principal may read (``may_read_notice``), as shown; with its
    file when ``file`` is given and the principal reads inside the request."""
    inside = inside_notice(principal, notice.requester_bureau_id)
    inner = file if inside else None
    subject = notice.subject
    if subject is not None and not inside:
        subject = {k: v for k, v in subject.items() if k not in _SUBJECT_INSIDE}
    return NoticeShown(
        id=notice.id,
        reference=notice.reference,
        type=notice.type,
        state=notice.state,
        requester_bureau_id=notice.requester_bureau_id,
        content=notice.content.model_dump(mode="json", exclude_none=True),
        subject=subject,
        urgent=notice.urgent,
        public=notice.public,
        created_at=notice.created_at,
        submitted_at=notice.submitted_at,
        decided_at=notice.decided_at,
        published_at=notice.published_at,
        expires_at=notice.expires_at,
        closed_at=notice.closed_at,
        review_overdue=notice.review_overdue(now),
        allowed_next=None if inner is None else tuple(inner.allowed),
        missing=(
            tuple(file.missing) if file is not None and notice.state is NoticeState.DRAFT else None
        ),
        screening=tuple(notice.screening) if reads_notice_screening(principal) else None,
        history=None if inner is None else tuple(inner.transitions),
        questions=None if inner is None else tuple(inner.questions),
    )


@dataclass(frozen=True, slots=True)
class HitView:
    """A kept hit as one principal sees it: the record's owner sees the whole of it; the
    checking bureau what it asked and, for a ``full`` record, how it matched; anyone else
    (the General Secretariat chasing an overdue hit) that it exists and is late."""

    hit: StoredHit
    record_id: int | None
    match: str | None
    asked: dict[str, Any] | None
    urgency: Urgency | None
    urgency_reason: str | None
    due_at: datetime | None
    decision_reason: str | None


def hit_view(principal: Principal, hit: StoredHit) -> HitView:
    owner = is_owner(principal, hit.owner_bureau_id)
    party = owner or (
        principal.bureau_id is not None and principal.bureau_id == hit.checker_bureau_id
    )
    full = owner or (party and hit.disclosure is Disclosure.FULL)
    return HitView(
        hit=hit,
        record_id=hit.record_id if owner else None,
        match=hit.match if full else None,
        asked=hit.asked if party else None,
        urgency=hit.urgency if full or not party else None,
        urgency_reason=hit.urgency_reason if full else None,
        due_at=hit.due_at if full or not party else None,
        decision_reason=hit.decision_reason if party else None,
    )
