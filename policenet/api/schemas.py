"""What the API answers: ``*Public`` views of domain objects (requests use domain models)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from policenet.access import is_owner
from policenet.actions.principals import IssuedToken
from policenet.domain.checks import CheckResult, DocumentHit
from policenet.domain.documents import DocumentStatus, DocumentType, TravelDocument
from policenet.domain.members import Bureau, BureauKind, Member, MemberStatus
from policenet.domain.principals import Agency, AgencyKind, Principal, Right, Role, TokenInfo
from policenet.domain.visibility import VisibilityScope


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
    visibility: VisibilityPublic | None = Field(
        description="The owner's restriction, shown to the owner bureau only."
    )
    reported_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, d: TravelDocument, viewer: Principal) -> TravelDocumentPublic:
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
            visibility=VisibilityPublic(
                scope=d.visibility.scope, countries=sorted(d.visibility.countries)
            )
            if is_owner(viewer, d.owner_bureau_id)
            else None,
            reported_at=d.reported_at,
            updated_at=d.updated_at,
            withdrawn_at=d.withdrawn_at,
        )


class HitPublic(BaseModel):
    database: str = "travel_documents"
    match: str
    note: str | None
    owner_bureau: str | None
    reported_at: datetime | None
    record: TravelDocumentPublic | None

    @classmethod
    def of(cls, h: DocumentHit, viewer: Principal) -> HitPublic:
        return cls(
            match=h.match,
            note=h.note,
            owner_bureau=h.owner_bureau_id,
            reported_at=h.reported_at,
            record=None if h.record is None else TravelDocumentPublic.of(h.record, viewer),
        )


class CheckPublic(BaseModel):
    reference: str
    checked_at: datetime
    hit: bool
    asked: dict[str, str | None]
    hits: list[HitPublic]
    notes: list[str]

    @classmethod
    def of(cls, r: CheckResult, viewer: Principal) -> CheckPublic:
        return cls(
            reference=r.reference,
            checked_at=r.checked_at,
            hit=r.hit,
            asked={"issuing_country": r.issuing_country, "number": r.number},
            hits=[HitPublic.of(h, viewer) for h in r.hits],
            notes=r.notes,
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
