"""What the API answers: ``*Public`` views of domain objects (requests use domain models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from policenet.access import is_owner
from policenet.actions.dna import DnaMatch, DnaResult
from policenet.actions.fingerprints import CandidateView, SearchView, Verification
from policenet.actions.notices import NoticeFile, QueueItem
from policenet.actions.principals import IssuedToken
from policenet.domain.checks import CheckFailure, CheckResult, Hit
from policenet.domain.classification import Classification
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentStatus, DocumentType, TravelDocument
from policenet.domain.events import Event, EventKind
from policenet.domain.hits import HitStatus, Urgency
from policenet.domain.members import Bureau, BureauKind, Member, MemberStatus
from policenet.domain.messages import BureauKey, CrimeArea, Message, Priority, WorkingGroup
from policenet.domain.notices import (
    Diffusion,
    DiffusionKind,
    DiffusionReview,
    DiffusionState,
    Notice,
    NoticeRef,
    NoticeState,
    NoticeType,
    ScreeningTerm,
    TermCategory,
    TermKind,
)
from policenet.domain.principals import Agency, AgencyKind, Principal, Right, Role, TokenInfo
from policenet.domain.records import Database, Record
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope
from policenet.store.hits import StoredHit


class MemberPublic(BaseModel):
    code: str
    alpha3: str
    name: str
    status: MemberStatus
    ncb: str
    decided_on: date | None
    decision_reference: str | None

    @classmethod
    def of(cls, m: Member) -> MemberPublic:
        return cls(
            code=m.country.alpha2,
            alpha3=m.country.alpha3,
            name=m.country.name,
            status=m.status,
            ncb=f"NCB-{m.country.alpha2}",
            decided_on=m.decided_on,
            decision_reference=m.decision_reference,
        )


class BureauPublic(BaseModel):
    id: str
    kind: BureauKind
    name: str
    city: str | None
    country: str

    @classmethod
    def of(cls, b: Bureau) -> BureauPublic:
        return cls(id=b.id, kind=b.kind, name=b.name, city=b.city, country=b.country)


class PrincipalPublic(BaseModel):
    id: int
    name: str
    role: Role
    bureau_id: str | None
    country: str | None
    agency_id: int | None
    rights: list[Right]
    clearance: Classification

    @classmethod
    def of(cls, p: Principal) -> PrincipalPublic:
        return cls(
            id=p.id,
            name=p.name,
            role=p.role,
            bureau_id=p.bureau_id,
            country=p.country,
            agency_id=p.agency_id,
            rights=sorted(p.rights),
            clearance=p.clearance,
        )


class TokenPublic(BaseModel):
    id: int
    principal_id: int
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, t: TokenInfo) -> TokenPublic:
        return cls(
            id=t.id,
            principal_id=t.principal_id,
            prefix=t.prefix,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )


class IssuedTokenPublic(TokenPublic):
    token: str

    @classmethod
    def issued(cls, issued: IssuedToken) -> IssuedTokenPublic:
        return cls(token=issued.secret, **TokenPublic.of(issued.info).model_dump())


class PrincipalCreated(BaseModel):
    principal: PrincipalPublic
    token: IssuedTokenPublic


class AgencyPublic(BaseModel):
    id: int
    country: str
    name: str
    kind: AgencyKind
    rights: list[Right]
    created_at: datetime

    @classmethod
    def of(cls, a: Agency) -> AgencyPublic:
        return cls(
            id=a.id,
            country=a.country,
            name=a.name,
            kind=a.kind,
            rights=sorted(a.rights),
            created_at=a.created_at,
        )


class VisibilityPublic(BaseModel):
    scope: VisibilityScope
    countries: list[str]

    @classmethod
    def of(cls, v: Visibility) -> VisibilityPublic:
        return cls(scope=v.scope, countries=sorted(v.countries))


class TravelDocumentPublic(BaseModel):
    id: int
    owner_bureau_id: str
    issuing_country: str
    document_type: DocumentType
    number: str
    status: DocumentStatus
    event_date: date
    holder_name: str | None
    holder_birth_date: date | None
    disclosure: Disclosure
    review_date: date | None
    external_ref: str | None = Field(description="The owner's own reference, shown to it only.")
    visibility: VisibilityPublic | None = Field(
        description="The owner's restriction, shown to the owner bureau only."
    )
    reported_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, d: TravelDocument, viewer: Principal) -> TravelDocumentPublic:
        owner = is_owner(viewer, d.owner_bureau_id)
        return cls(
            id=d.id,
            owner_bureau_id=d.owner_bureau_id,
            issuing_country=d.issuing_country,
            document_type=d.document_type,
            number=d.number,
            status=d.status,
            event_date=d.event_date,
            holder_name=d.holder_name,
            holder_birth_date=d.holder_birth_date,
            disclosure=d.disclosure,
            review_date=d.review_date,
            external_ref=d.external_ref if owner else None,
            visibility=VisibilityPublic.of(d.visibility) if owner else None,
            reported_at=d.reported_at,
            updated_at=d.updated_at,
            withdrawn_at=d.withdrawn_at,
        )


class RecordPublic(BaseModel):
    """A record of persons, vehicles, art, firearms or vessels, as its reader may see it."""

    id: int
    database: Database
    owner_bureau_id: str
    disclosure: Disclosure
    review_date: date
    expired: bool
    data: dict[str, Any] = Field(description="The record's content; its fields per database.")
    external_ref: str | None = Field(description="The owner's own reference, shown to it only.")
    visibility: VisibilityPublic | None = Field(
        description="The owner's restriction, shown to the owner bureau only."
    )
    entered_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    notes: list[str] = Field(default_factory=list, description="About its identifiers.")

    @classmethod
    def of(cls, r: Record, viewer: Principal, notes: tuple[str, ...] = ()) -> RecordPublic:
        owner = is_owner(viewer, r.owner_bureau_id)
        return cls(
            id=r.id,
            database=r.database,
            owner_bureau_id=r.owner_bureau_id,
            disclosure=r.disclosure,
            review_date=r.review_date,
            expired=r.expired(utcnow().date()),
            data=r.data,
            external_ref=r.external_ref if owner else None,
            visibility=VisibilityPublic.of(r.visibility) if owner else None,
            entered_at=r.entered_at,
            updated_at=r.updated_at,
            withdrawn_at=r.withdrawn_at,
            notes=list(notes),
        )


_HIT_CONTENT = ("match", "score", "explanation", "note", "reported_at", "record")


class NoticeRefPublic(BaseModel):
    """A published notice that a hit names: read it at GET /v1/notices/{id}."""

    id: int
    reference: str
    type: NoticeType
    title: str | None

    @classmethod
    def of(cls, n: NoticeRef) -> NoticeRefPublic:
        return cls(id=n.id, reference=n.reference, type=n.type, title=n.title)


class HitPublic(BaseModel):
    """A hit. For a hit_only record of another bureau, and for carriers, only the database,
    the owner (not to carriers) and the reference to quote to the owner are sent."""

    reference: str = Field(description="Quote it to the owner bureau to ask about the hit.")
    database: Database
    part: str = Field(description="Which part of the check found it.")
    disclosure: Disclosure
    owner_bureau: str | None = None
    match: str | None = None
    score: float | None = None
    explanation: list[str] | None = None
    note: str | None = None
    reported_at: datetime | None = None
    record: TravelDocumentPublic | RecordPublic | None = None
    notices: list[NoticeRefPublic] = Field(
        default_factory=list,
        description="Published notices on the person found (e.g. a Red notice): every member "
        "may read them.",
    )

    @model_serializer(mode="wrap")
    def _without_content(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.record is None:
            for name in (*_HIT_CONTENT, "owner_bureau"):
                if data.get(name) is None:
                    data.pop(name, None)
            if not data.get("notices"):
                data.pop("notices", None)
        return data

    @classmethod
    def of(cls, h: Hit, viewer: Principal) -> HitPublic:
        record: TravelDocumentPublic | RecordPublic | None = None
        if isinstance(h.record, TravelDocument):
            record = TravelDocumentPublic.of(h.record, viewer)
        elif h.record is not None:
            record = RecordPublic.of(h.record, viewer)
        return cls(
            reference=h.reference,
            database=h.database,
            part=h.part,
            disclosure=h.disclosure,
            owner_bureau=h.owner_bureau_id,
            match=None if h.match is None else h.match.value,
            score=h.score,
            explanation=list(h.explanation) if record is not None else None,
            note=h.note,
            reported_at=h.reported_at,
            record=record,
            notices=[NoticeRefPublic.of(n) for n in h.notices],
        )


class CheckPublic(BaseModel):
    reference: str
    checked_at: datetime
    hit: bool
    asked: dict[str, Any]
    hits: list[HitPublic]
    notes: list[str]

    @classmethod
    def of(cls, r: CheckResult, viewer: Principal) -> CheckPublic:
        return cls(
            reference=r.reference,
            checked_at=r.checked_at,
            hit=r.hit,
            asked=r.asked,
            hits=[HitPublic.of(h, viewer) for h in r.hits],
            notes=r.notes,
        )


class CheckErrorPublic(BaseModel):
    code: str
    message: str
    field: str | None


class BatchItemPublic(BaseModel):
    index: int
    result: CheckPublic | None = None
    error: CheckErrorPublic | None = None


class BatchPublic(BaseModel):
    checked: int = Field(description="How many checks were asked.")
    hits: int = Field(description="How many of them hit.")
    results: list[BatchItemPublic] = Field(description="One per check, in the order sent.")

    @classmethod
    def of(cls, answers: list[CheckResult | CheckFailure], viewer: Principal) -> BatchPublic:
        items = [
            BatchItemPublic(index=i, result=CheckPublic.of(a, viewer))
            if isinstance(a, CheckResult)
            else BatchItemPublic(
                index=i, error=CheckErrorPublic(code=a.code, message=a.message, field=a.field)
            )
            for i, a in enumerate(answers)
        ]
        return cls(
            checked=len(answers),
            hits=sum(1 for a in answers if isinstance(a, CheckResult) and a.hit),
            results=items,
        )


class StoredHitPublic(BaseModel):
    """A hit as kept for the owner bureau and the checking bureau, with the owner's answer."""

    reference: str
    check_reference: str
    database: Database
    record_id: int | None = Field(description="Given to the owner bureau only.")
    owner_bureau: str
    disclosure: Disclosure
    match: str | None
    at: datetime
    checker_bureau: str | None
    checker_country: str | None
    place: str | None
    asked: dict[str, Any] | None = Field(description="The query as the owner may see it.")
    status: HitStatus
    urgency: Urgency | None = Field(
        description="Withheld from the checking side of a hit_only hit."
    )
    urgency_reason: str | None
    due_at: datetime | None = Field(description="When the owner's answer is due.")
    overdue: bool
    escalated_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    notices: list[dict[str, Any]] = Field(
        default_factory=list, description="Published notices the hit named."
    )

    @classmethod
    def of(cls, h: StoredHit, viewer: Principal, now: datetime) -> StoredHitPublic:
        owner = is_owner(viewer, h.owner_bureau_id)
        party = owner or (viewer.bureau_id is not None and viewer.bureau_id == h.checker_bureau_id)
        full = owner or (party and h.disclosure is Disclosure.FULL)
        return cls(
            reference=h.reference,
            check_reference=h.check_reference,
            database=h.database,
            record_id=h.record_id if owner else None,
            owner_bureau=h.owner_bureau_id,
            disclosure=h.disclosure,
            match=h.match if full else None,
            at=h.at,
            checker_bureau=h.checker_bureau_id,
            checker_country=h.checker_country,
            place=h.place,
            asked=h.asked if party else None,
            status=h.status,
            urgency=h.urgency if full or not party else None,
            urgency_reason=h.urgency_reason if full else None,
            due_at=h.due_at if full or not party else None,
            overdue=h.overdue(now),
            escalated_at=h.escalated_at,
            decided_at=h.decided_at,
            decision_reason=h.decision_reason if party else None,
            notices=h.notices,
        )


class EventPublic(BaseModel):
    id: int
    kind: EventKind
    at: datetime
    subject: str
    classification: Classification
    payload: dict[str, Any]

    @classmethod
    def of(cls, e: Event) -> EventPublic:
        return cls(
            id=e.id,
            kind=e.kind,
            at=e.at,
            subject=e.subject,
            classification=e.classification,
            payload=e.payload,
        )


class EventsPublic(BaseModel):
    events: list[EventPublic]
    last_id: int = Field(description="Ask again with after=last_id for what comes next.")


class ReceiptPublic(BaseModel):
    bureau: str
    read_at: datetime | None


class AttachmentPublic(BaseModel):
    position: int
    name: str
    content_type: str
    size: int
    sha256: str


class MessagePublic(BaseModel):
    reference: str
    thread: str
    hit: str | None
    in_reply_to: str | None
    from_bureau: str
    sender_principal_id: int
    group: str | None
    to: list[ReceiptPublic]
    subject: str | None = Field(description="None for a sealed message: it is inside the seal.")
    body: str | None
    priority: Priority
    classification: Classification
    sealed: dict[str, str] | None = Field(
        description="The sealed envelope, opened by the recipient's client only."
    )
    sent_at: datetime
    attachments: list[AttachmentPublic]

    @classmethod
    def of(cls, m: Message) -> MessagePublic:
        return cls(
            reference=m.reference,
            thread=m.thread,
            hit=m.hit_reference,
            in_reply_to=m.in_reply_to,
            from_bureau=m.sender_bureau_id,
            sender_principal_id=m.sender_principal_id,
            group=m.group,
            to=[ReceiptPublic(bureau=r.bureau_id, read_at=r.read_at) for r in m.recipients],
            subject=m.subject,
            body=m.body,
            priority=m.priority,
            classification=m.classification,
            sealed=m.seal,
            sent_at=m.sent_at,
            attachments=[
                AttachmentPublic(
                    position=a.position,
                    name=a.name,
                    content_type=a.content_type,
                    size=a.size,
                    sha256=a.sha256,
                )
                for a in m.attachments
            ],
        )


class BureauKeyPublic(BaseModel):
    bureau_id: str
    fingerprint: str
    encryption_key: str
    signing_key: str
    registered_at: datetime
    retired_at: datetime | None

    @classmethod
    def of(cls, k: BureauKey) -> BureauKeyPublic:
        return cls(
            bureau_id=k.bureau_id,
            fingerprint=k.fingerprint,
            encryption_key=k.encryption_key,
            signing_key=k.signing_key,
            registered_at=k.registered_at,
            retired_at=k.retired_at,
        )


class WorkingGroupPublic(BaseModel):
    name: str
    crime_area: CrimeArea
    description: str | None
    members: list[str]
    created_at: datetime

    @classmethod
    def of(cls, g: WorkingGroup) -> WorkingGroupPublic:
        return cls(
            name=g.name,
            crime_area=g.crime_area,
            description=g.description,
            members=list(g.members),
            created_at=g.created_at,
        )


class AuditEntryPublic(BaseModel):
    seq: int
    at: datetime
    principal_id: int | None
    country: str | None
    action: str
    subject: str
    detail: object
    hash: str


class AuditVerificationPublic(BaseModel):
    intact: bool
    checked: int
    written: int
    first_problem_seq: int | None
    problem: str | None


class TransitionPublic(BaseModel):
    from_state: NoticeState | None
    to_state: NoticeState
    at: datetime
    by: int | None = Field(description="The principal; null for the hub itself (expiry).")
    bureau: str | None
    reason: str | None


class QuestionPublic(BaseModel):
    id: int
    asked_at: datetime
    asked_by: int
    question: str
    answered_at: datetime | None
    answered_by: int | None
    answer: str | None


class NoticePublic(BaseModel):
    """A notice request. Its history, questions and screening are shown to the requesting
    bureau and the GS reviewers; other members read a published notice's content."""

    id: int
    reference: str
    type: NoticeType
    state: NoticeState
    requester_bureau: str
    content: dict[str, Any]
    subject: dict[str, Any] | None
    urgent: bool
    public: bool = Field(description="Published with a public extract (GET /public/notices).")
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None
    review_overdue: bool = Field(description="In review past the 24-hour target.")
    allowed_next: list[NoticeState] | None = None
    missing: list[dict[str, str]] | None = Field(
        default=None, description="What a draft still lacks before it can be submitted."
    )
    screening: list[dict[str, Any]] | None = None
    history: list[TransitionPublic] | None = None
    questions: list[QuestionPublic] | None = None

    @classmethod
    def of(
        cls, n: Notice, viewer: Principal, now: datetime, file: NoticeFile | None = None
    ) -> NoticePublic:
        inside = viewer.can(Right.REVIEW_NOTICES) or viewer.bureau_id == n.requester_bureau_id
        return cls(
            id=n.id,
            reference=n.reference,
            type=n.type,
            state=n.state,
            requester_bureau=n.requester_bureau_id,
            content=n.content.model_dump(mode="json", exclude_none=True),
            subject=n.subject,
            urgent=n.urgent,
            public=n.public,
            created_at=n.created_at,
            submitted_at=n.submitted_at,
            decided_at=n.decided_at,
            published_at=n.published_at,
            expires_at=n.expires_at,
            closed_at=n.closed_at,
            review_overdue=n.review_overdue(now),
            allowed_next=None if file is None or not inside else list(file.allowed),
            missing=file.missing if file is not None and n.state is NoticeState.DRAFT else None,
            screening=n.screening if viewer.can(Right.REVIEW_NOTICES) else None,
            history=None
            if file is None or not inside
            else [
                TransitionPublic(
                    from_state=t.from_state,
                    to_state=t.to_state,
                    at=t.at,
                    by=t.by,
                    bureau=t.bureau_id,
                    reason=t.reason,
                )
                for t in file.transitions
            ],
            questions=None
            if file is None or not inside
            else [
                QuestionPublic(
                    id=q.id,
                    asked_at=q.asked_at,
                    asked_by=q.asked_by,
                    question=q.question,
                    answered_at=q.answered_at,
                    answered_by=q.answered_by,
                    answer=q.answer,
                )
                for q in file.questions
            ],
        )


class QueueItemPublic(BaseModel):
    notice: NoticePublic
    waiting_hours: float
    overdue: bool = Field(description="Waiting past the 24-hour review target.")
    flags: list[str] = Field(description="The screening rules the request triggered.")
    open_questions: int

    @classmethod
    def of(cls, item: QueueItem, viewer: Principal, now: datetime) -> QueueItemPublic:
        return cls(
            notice=NoticePublic.of(item.notice, viewer, now),
            waiting_hours=item.waiting_hours,
            overdue=item.overdue,
            flags=[f["rule"] for f in item.notice.screening],
            open_questions=item.open_questions,
        )


class ScreeningTermPublic(BaseModel):
    id: int
    category: TermCategory
    language: str
    kind: TermKind
    text: str

    @classmethod
    def of(cls, t: ScreeningTerm) -> ScreeningTermPublic:
        return cls(id=t.id, category=t.category, language=t.language, kind=t.kind, text=t.text)


class DiffusionPublic(BaseModel):
    id: int
    reference: str
    kind: DiffusionKind
    title: str
    text: str
    sender_bureau: str
    to: list[str] | str
    subject_person_id: int | None
    urgent: bool
    state: DiffusionState
    review: DiffusionReview
    sent_at: datetime
    reviewed_at: datetime | None
    review_note: str | None

    @classmethod
    def of(cls, d: Diffusion) -> DiffusionPublic:
        return cls(
            id=d.id,
            reference=d.reference,
            kind=d.kind,
            title=d.title,
            text=d.text,
            sender_bureau=d.sender_bureau_id,
            to="all" if d.to_all else list(d.recipients),
            subject_person_id=d.subject_person_id,
            urgent=d.urgent,
            state=d.state,
            review=d.review,
            sent_at=d.sent_at,
            reviewed_at=d.reviewed_at,
            review_note=d.review_note,
        )


class MatchProbabilityPublic(BaseModel):
    population: str
    product_rule: float = Field(description="NRC II 4.1.")
    with_theta: float = Field(description="NRC II 4.10, with the θ asked.")
    loci: int


class DnaMatchPublic(BaseModel):
    """A stored profile that matches. For a hit_only profile of another bureau (the default),
    no profile: quote the hit reference to its owner."""

    hit_reference: str
    owner_bureau: str
    disclosure: Disclosure
    match: str | None = Field(
        description="prum: full or near; codis: the stringency; or kinship. Withheld, with "
        "everything else of the profile, for another bureau's hit_only profile."
    )
    loci_compared: int | None
    differing_locus: str | None = None
    random_match_probability: list[MatchProbabilityPublic]
    likelihood_ratio: float | None = None
    profile: RecordPublic | None = None

    @classmethod
    def of(cls, m: DnaMatch, viewer: Principal) -> DnaMatchPublic:
        return cls(
            hit_reference=m.hit_reference,
            owner_bureau=m.owner_bureau_id,
            disclosure=m.disclosure,
            match=m.match,
            loci_compared=m.loci_compared,
            differing_locus=m.differing_locus,
            random_match_probability=[
                MatchProbabilityPublic(
                    population=p.population,
                    product_rule=p.product_rule,
                    with_theta=p.with_theta,
                    loci=p.loci,
                )
                for p in m.probabilities
            ],
            likelihood_ratio=m.likelihood_ratio,
            profile=None if m.record is None else RecordPublic.of(m.record, viewer),
        )


class DnaResultPublic(BaseModel):
    reference: str
    searched_at: datetime
    rules: str
    hit: bool
    matches: list[DnaMatchPublic]
    notes: list[str]

    @classmethod
    def of(cls, r: DnaResult, viewer: Principal) -> DnaResultPublic:
        return cls(
            reference=r.reference,
            searched_at=r.searched_at,
            rules=r.rules,
            hit=bool(r.matches),
            matches=[DnaMatchPublic.of(m, viewer) for m in r.matches],
            notes=r.notes,
        )


class DnaPolicyPublic(BaseModel):
    bureau: str
    familial_search: bool


class FingerPairPublic(BaseModel):
    probe: int = Field(description="The probe's finger position (0: unknown, a mark).")
    candidate: int = Field(description="The candidate's finger position.")
    score: float


class VerifiedPairPublic(FingerPairPublic):
    match: bool = Field(description="The pair reaches the threshold.")


class FingerprintVerificationPublic(BaseModel):
    """A 1:1 comparison: the finger pairs compared, their scores, and the decision."""

    record_id: int
    decision: str = Field(description="match or no_match.")
    score: float = Field(description="As a search scores it: the sum over a ten-print's pairs.")
    fingers: list[VerifiedPairPublic]
    threshold: float = Field(description="A pair's score to match (FMR 0.1 % on FVC).")
    rule: str

    @classmethod
    def of(cls, v: Verification) -> FingerprintVerificationPublic:
        return cls(
            record_id=v.record_id,
            decision=v.decision,
            score=v.score,
            fingers=[VerifiedPairPublic(**f) for f in v.fingers],
            threshold=v.threshold,
            rule=v.rule,
        )


class FingerprintCandidatePublic(BaseModel):
    """A candidate for the examiner. For a hit_only record of another bureau: its owner and
    the reference to quote, nothing of the record, not even the score."""

    rank: int
    reference: str = Field(description="Quote it to the owner bureau; an identification's hit.")
    owner_bureau: str
    disclosure: Disclosure
    kind: str | None = Field(description="tenprint or latent.")
    score: float | None
    fingers: list[FingerPairPublic] | None
    record: RecordPublic | None
    decision: str | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    hit_reference: str | None

    @classmethod
    def of(cls, c: CandidateView, viewer: Principal) -> FingerprintCandidatePublic:
        return cls(
            rank=c.rank,
            reference=c.reference,
            owner_bureau=c.owner_bureau_id,
            disclosure=c.disclosure,
            kind=c.kind,
            score=c.score,
            fingers=None if c.fingers is None else [FingerPairPublic(**f) for f in c.fingers],
            record=None if c.record is None else RecordPublic.of(c.record, viewer),
            decision=c.decision,
            decided_by=c.decided_by,
            decided_at=c.decided_at,
            note=c.note,
            hit_reference=c.hit_reference,
        )


class FingerprintSearchPublic(BaseModel):
    reference: str
    searched_at: datetime
    probe: dict[str, Any]
    candidates: list[FingerprintCandidatePublic]
    notes: list[str]

    @classmethod
    def of(cls, s: SearchView, viewer: Principal) -> FingerprintSearchPublic:
        return cls(
            reference=s.reference,
            searched_at=s.searched_at,
            probe=s.probe,
            candidates=[FingerprintCandidatePublic.of(c, viewer) for c in s.candidates],
            notes=s.notes,
        )
