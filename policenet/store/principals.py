"""Principals, the agencies that national principals belong to, and API tokens (as hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import bindparam, select

from policenet.domain.classification import Classification
from policenet.domain.clock import utcnow
from policenet.domain.members import MemberStatus
from policenet.domain.principals import (
    Agency,
    AgencyKind,
    Principal,
    Right,
    Role,
    TokenInfo,
    effective_rights,
)
from policenet.store.paging import window_page
from policenet.store.tables import AgencyRow, MemberRow, PrincipalRow, TokenRow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def _agency(row: AgencyRow) -> Agency:
    return Agency(
        id=row.id,
        country=row.country,
        name=row.name,
        kind=AgencyKind(row.kind),
        rights=frozenset(Right(r) for r in row.rights),
        created_at=row.created_at,
    )


def add_agency(
    session: Session,
    *,
    country: str,
    name: str,
    kind: AgencyKind,
    rights: frozenset[Right],
    created_by: int | None,
) -> Agency:
    row = AgencyRow(
        country=country,
        name=name,
        kind=kind,
        rights=sorted(rights),
        created_at=utcnow(),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return _agency(row)


def get_agency(session: Session, agency_id: int) -> Agency | None:
    row = session.get(AgencyRow, agency_id)
    return None if row is None else _agency(row)


def list_agencies(session: Session, country: str | None, window: Window) -> Page[Agency]:
    """A page of the agencies of a country (of every country: None)."""
    query = select(AgencyRow)
    if country is not None:
        query = query.where(AgencyRow.country == country)
    return window_page(
        session,
        query,
        key=AgencyRow.id,
        at=AgencyRow.created_at,
        window=window,
        convert=lambda rows: [_agency(row) for row in rows],
    )


class _PrincipalFields(Protocol):
    """A principal's columns: its ORM row, or a row of a Core query that selects them."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def bureau_id(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def agency_id(self) -> int | None: ...
    @property
    def clearance(self) -> str | None: ...
    @property
    def disabled_at(self) -> datetime | None: ...


def _principal(row: _PrincipalFields, agency: AgencyRow | None) -> Principal:
    return _principal_with(row, None if agency is None else agency.rights)


def _principal_with(row: _PrincipalFields, agency_rights: list[str] | None) -> Principal:
    """A principal with its agency's rights (None: it belongs to no agency)."""
    role = Role(row.role)
    rights = None if agency_rights is None else frozenset(Right(r) for r in agency_rights)
    return Principal(
        id=row.id,
        name=row.name,
        role=role,
        bureau_id=row.bureau_id,
        country=row.country,
        agency_id=row.agency_id,
        rights=effective_rights(role, rights),
        clearance=role.default_clearance
        if row.clearance is None
        else Classification(row.clearance),
        disabled_at=row.disabled_at,
    )


def add_principal(
    session: Session,
    *,
    name: str,
    role: Role,
    bureau_id: str | None,
    country: str | None,
    agency_id: int | None,
    created_by: int | None,
    clearance: Classification | None = None,
) -> Principal:
    row = PrincipalRow(
        name=name,
        role=role,
        bureau_id=bureau_id,
        country=country,
        agency_id=agency_id,
        created_at=utcnow(),
        created_by=created_by,
        clearance=None if clearance is None else clearance.value,
    )
    session.add(row)
    session.flush()
    agency = None if agency_id is None else session.get(AgencyRow, agency_id)
    return _principal(row, agency)


def get_principal(session: Session, principal_id: int) -> Principal | None:
    row = session.get(PrincipalRow, principal_id)
    if row is None:
        return None
    agency = None if row.agency_id is None else session.get(AgencyRow, row.agency_id)
    return _principal(row, agency)


def list_principals(session: Session, country: str | None, window: Window) -> Page[Principal]:
    """A page of the principals of a country (of every country: None)."""
    query = select(PrincipalRow)
    if country is not None:
        query = query.where(PrincipalRow.country == country)

    def convert(rows: Sequence[PrincipalRow]) -> list[Principal]:
        wanted = {row.agency_id for row in rows if row.agency_id is not None}
        agencies = {
            a.id: a for a in session.scalars(select(AgencyRow).where(AgencyRow.id.in_(wanted)))
        }
        return [
            _principal(row, None if row.agency_id is None else agencies.get(row.agency_id))
            for row in rows
        ]

    return window_page(
        session,
        query,
        key=PrincipalRow.id,
        at=PrincipalRow.created_at,
        window=window,
        convert=convert,
    )


def set_disabled(
    session: Session, principal_id: int, at: datetime | None, reason: str | None
) -> Principal:
    """Disable a principal (``at`` set) or enable it again (``at`` None)."""
    row = session.get(PrincipalRow, principal_id, with_for_update=True)
    if row is None:
        raise LookupError(principal_id)
    row.disabled_at, row.disabled_reason = at, reason
    session.flush()
    agency = None if row.agency_id is None else session.get(AgencyRow, row.agency_id)
    return _principal(row, agency)


def first_with_role(session: Session, role: Role) -> Principal | None:
    query = select(PrincipalRow.id).where(PrincipalRow.role == role).order_by(PrincipalRow.id)
    found = session.execute(query.limit(1)).scalar_one_or_none()
    return None if found is None else get_principal(session, found)


def _token(row: TokenRow) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        principal_id=row.principal_id,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def add_token(
    session: Session, *, principal_id: int, token_hash: str, prefix: str, expires_at: datetime
) -> TokenInfo:
    row = TokenRow(
        principal_id=principal_id,
        token_hash=token_hash,
        prefix=prefix,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return _token(row)


def get_token(session: Session, token_id: int, *, for_update: bool = False) -> TokenInfo | None:
    row = session.get(TokenRow, token_id, with_for_update=for_update)
    return None if row is None else _token(row)


def list_tokens(session: Session, principal_id: int) -> list[TokenInfo]:
    query = select(TokenRow).where(TokenRow.principal_id == principal_id).order_by(TokenRow.id)
    return [_token(row) for row in session.execute(query).scalars()]


def revoke_token(session: Session, token_id: int, *, revoked_by: int | None) -> TokenInfo:
    row = session.get(TokenRow, token_id)
    if row is None:
        raise LookupError(token_id)
    row.revoked_at, row.revoked_by = utcnow(), revoked_by
    session.flush()
    return _token(row)


@dataclass(frozen=True, slots=True)
class Credential:
    """What a presented token leads to: the token, its principal and the member's status."""

    token: TokenInfo
    principal: Principal
    member_status: MemberStatus | None
    member_name: str | None
    decision_reference: str | None
    decided_on: str | None


# The hub's hottest read (every request): one prebuilt Core statement on the session's
# connection, not an ORM query, which costs several times more to build and to load.
_CREDENTIAL = (
    select(
        TokenRow.id.label("token_id"),
        TokenRow.principal_id,
        TokenRow.prefix,
        TokenRow.created_at,
        TokenRow.expires_at,
        TokenRow.revoked_at,
        PrincipalRow.id,
        PrincipalRow.name,
        PrincipalRow.role,
        PrincipalRow.bureau_id,
        PrincipalRow.country,
        PrincipalRow.agency_id,
        PrincipalRow.clearance,
        PrincipalRow.disabled_at,
        AgencyRow.id.label("agency_row"),
        AgencyRow.rights,
        MemberRow.code.label("member_code"),
        MemberRow.status,
        MemberRow.name.label("member_name"),
        MemberRow.decision_reference,
        MemberRow.decided_on,
    )
    .join(PrincipalRow, PrincipalRow.id == TokenRow.principal_id)
    .outerjoin(AgencyRow, AgencyRow.id == PrincipalRow.agency_id)
    .outerjoin(MemberRow, MemberRow.code == PrincipalRow.country)
    .where(TokenRow.token_hash == bindparam("token_hash"))
)


def find_credential(session: Session, token_hash: str) -> Credential | None:
    row = session.connection().execute(_CREDENTIAL, {"token_hash": token_hash}).first()
    if row is None:
        return None
    principal = _principal_with(row, None if row.agency_row is None else row.rights)
    token = TokenInfo(
        id=row.token_id,
        principal_id=row.principal_id,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
    member = row.member_code is not None
    return Credential(
        token=token,
        principal=principal,
        member_status=MemberStatus(row.status) if member else None,
        member_name=row.member_name if member else None,
        decision_reference=row.decision_reference if member else None,
        decided_on=None if not member or row.decided_on is None else str(row.decided_on),
    )
