"""Members, bureaus, principals, their tokens and national agencies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from policenet.actions.principals import IssuedToken
from policenet.api.schemas.copies import PublicCopy
from policenet.api.schemas.pages import ListedPublic
from policenet.domain.classification import Classification
from policenet.domain.members import Bureau, BureauKind, Member, MemberStatus
from policenet.domain.principals import Agency, AgencyKind, Principal, Right, Role, TokenInfo


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


class BureauPublic(PublicCopy):
    id: str
    kind: BureauKind
    name: str
    city: str | None
    country: str

    @classmethod
    def of(cls, b: Bureau) -> BureauPublic:
        return cls.copied(b)


class PrincipalPublic(PublicCopy):
    id: int
    name: str
    role: Role
    bureau_id: str | None
    country: str | None
    agency_id: int | None
    rights: list[Right]
    clearance: Classification
    disabled_at: datetime | None = Field(
        default=None, description="Set: the principal may not use the hub, whatever its tokens."
    )

    @classmethod
    def of(cls, p: Principal) -> PrincipalPublic:
        return cls.copied(p, rights=sorted(p.rights))


class TokenPublic(PublicCopy):
    id: int
    principal_id: int
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, t: TokenInfo) -> TokenPublic:
        return cls.copied(t)


class IssuedTokenPublic(TokenPublic):
    token: str

    @classmethod
    def issued(cls, issued: IssuedToken) -> IssuedTokenPublic:
        return cls.copied(issued.info, token=issued.secret)


class PrincipalCreated(BaseModel):
    principal: PrincipalPublic
    token: IssuedTokenPublic


class AgencyPublic(PublicCopy):
    id: int
    country: str
    name: str
    kind: AgencyKind
    rights: list[Right]
    created_at: datetime

    @classmethod
    def of(cls, a: Agency) -> AgencyPublic:
        return cls.copied(a, rights=sorted(a.rights))


class PrincipalPagePublic(ListedPublic):
    """A page of the principals an administrator manages."""

    items: list[PrincipalPublic]


class AgencyPagePublic(ListedPublic):
    """A page of the national agencies an administrator manages."""

    items: list[AgencyPublic]
