"""Principals (people and systems holding API tokens), their roles and rights.

A role gives a fixed set of rights. A national agency receives from its NCB a subset of the
NCB's own rights; an agency principal holds what both its role and its agency allow. This is
the organisation's rule: only the NCB authorises national bodies, never beyond its own rights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from policenet.domain.classification import Classification
from policenet.domain.ids import MAX_ID


class Right(StrEnum):
    """One thing a principal may do."""

    CHECK_DOCUMENTS = "documents:check"
    RECORD_DOCUMENTS = "documents:record"
    CHECK_RECORDS = "records:check"
    RECORD_RECORDS = "records:record"
    MANAGE_PRINCIPALS = "principals:manage"
    MANAGE_MEMBERS = "members:manage"
    READ_AUDIT = "audit:read"
    REVIEW_NOTICES = "notices:review"
    REQUEST_NOTICES = "notices:request"
    EXCHANGE_MESSAGES = "messages:exchange"
    ANSWER_HITS = "hits:answer"
    MANAGE_GROUPS = "groups:manage"
    EXAMINE_PRINTS = "prints:examine"
    HANDLE_SUBJECT_REQUESTS = "subjects:handle"
    LIFT_PROBING_LIMITS = "probing:lift"


class Role(StrEnum):
    """What a principal is in the organisation."""

    GS_ADMIN = "gs_admin"
    GS_REVIEWER = "gs_reviewer"
    NCB_ADMIN = "ncb_admin"
    NCB_OFFICER = "ncb_officer"
    AGENCY_OFFICER = "agency_officer"
    BORDER_OFFICER = "border_officer"
    CARRIER = "carrier"
    DATA_PROTECTION = "data_protection"
    FINGERPRINT_EXAMINER = "fingerprint_examiner"

    @property
    def is_gs(self) -> bool:
        """Staff of the General Secretariat (and the data protection body it hosts)."""
        return self in _GS_ROLES

    @property
    def belongs_to_agency(self) -> bool:
        """Principals of a national agency, border post or carrier, authorised by their NCB."""
        return self in _AGENCY_ROLES

    @property
    def rights(self) -> frozenset[Right]:
        return ROLE_RIGHTS[self]

    @property
    def default_clearance(self) -> Classification:
        """The clearance a principal of this role gets unless its creator sets another."""
        return _DEFAULT_CLEARANCE[self]


_GS_ROLES = frozenset({Role.GS_ADMIN, Role.GS_REVIEWER, Role.DATA_PROTECTION})
_AGENCY_ROLES = frozenset({Role.AGENCY_OFFICER, Role.BORDER_OFFICER, Role.CARRIER})

_DEFAULT_CLEARANCE = {
    Role.GS_ADMIN: Classification.CONFIDENTIAL,
    Role.GS_REVIEWER: Classification.RESTRICTED,
    Role.NCB_ADMIN: Classification.CONFIDENTIAL,
    Role.NCB_OFFICER: Classification.RESTRICTED,
    Role.AGENCY_OFFICER: Classification.RESTRICTED,
    Role.BORDER_OFFICER: Classification.RESTRICTED,
    Role.CARRIER: Classification.UNCLASSIFIED,
    Role.DATA_PROTECTION: Classification.CONFIDENTIAL,
    Role.FINGERPRINT_EXAMINER: Classification.RESTRICTED,
}

_NCB_OFFICER_RIGHTS: frozenset[Right] = frozenset(
    {
        Right.REQUEST_NOTICES,
        Right.CHECK_DOCUMENTS,
        Right.RECORD_DOCUMENTS,
        Right.CHECK_RECORDS,
        Right.RECORD_RECORDS,
        Right.EXCHANGE_MESSAGES,
        Right.ANSWER_HITS,
    }
)

ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.GS_ADMIN: frozenset(
        {
            Right.MANAGE_MEMBERS,
            Right.MANAGE_GROUPS,
            Right.EXCHANGE_MESSAGES,
            Right.MANAGE_PRINCIPALS,
            Right.READ_AUDIT,
            Right.CHECK_DOCUMENTS,
            Right.CHECK_RECORDS,
        }
    ),
    Role.GS_REVIEWER: frozenset(
        {
            Right.REVIEW_NOTICES,
            Right.CHECK_DOCUMENTS,
            Right.CHECK_RECORDS,
            Right.EXCHANGE_MESSAGES,
        }
    ),
    # An NCB's administrators do what its officers do, and manage its principals.
    Role.NCB_ADMIN: _NCB_OFFICER_RIGHTS | {Right.MANAGE_PRINCIPALS},
    Role.NCB_OFFICER: _NCB_OFFICER_RIGHTS,
    Role.AGENCY_OFFICER: frozenset(
        {Right.CHECK_DOCUMENTS, Right.RECORD_DOCUMENTS, Right.CHECK_RECORDS, Right.RECORD_RECORDS}
    ),
    Role.BORDER_OFFICER: frozenset({Right.CHECK_DOCUMENTS, Right.CHECK_RECORDS}),
    Role.CARRIER: frozenset({Right.CHECK_DOCUMENTS}),
    Role.DATA_PROTECTION: frozenset(
        {Right.READ_AUDIT, Right.HANDLE_SUBJECT_REQUESTS, Right.LIFT_PROBING_LIMITS}
    ),
    # A bureau's fingerprint examiner: searches, and decides on the candidates.
    Role.FINGERPRINT_EXAMINER: frozenset(
        {Right.CHECK_RECORDS, Right.RECORD_RECORDS, Right.EXAMINE_PRINTS, Right.ANSWER_HITS}
    ),
}

# The rights a member's NCB holds, and so the most it can grant a national agency.
NCB_RIGHTS: frozenset[Right] = frozenset(
    {Right.CHECK_DOCUMENTS, Right.RECORD_DOCUMENTS, Right.CHECK_RECORDS, Right.RECORD_RECORDS}
)


class AgencyKind(StrEnum):
    """The national bodies an NCB may authorise."""

    POLICE = "police"
    BORDER = "border"
    CUSTOMS = "customs"
    CARRIER = "carrier"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Agency:
    """A national body authorised by its country's NCB, with the rights the NCB granted it."""

    id: int
    country: str
    name: str
    kind: AgencyKind
    rights: frozenset[Right]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: who it is, where it belongs and what it may do."""

    id: int
    name: str
    role: Role
    bureau_id: str | None
    country: str | None
    agency_id: int | None
    rights: frozenset[Right]
    clearance: Classification
    disabled_at: datetime | None = None

    @property
    def is_gs(self) -> bool:
        return self.role.is_gs

    @property
    def mailbox(self) -> str | None:
        """Where the principal's events arrive: its bureau's log, or its agency's."""
        if self.bureau_id is not None:
            return self.bureau_id
        return None if self.agency_id is None else agency_mailbox(self.agency_id)

    def can(self, right: Right) -> bool:
        return right in self.rights


def agency_mailbox(agency_id: int) -> str:
    """The event log of a national agency (bureaus' logs are named by the bureau id)."""
    return f"AGENCY-{agency_id}"


@dataclass(frozen=True, slots=True)
class ClientCertificate:
    """The certificate a client presented over mutual TLS: ``name`` is its subject's common
    name, which names the bureau it was issued to (``NCB-FR``, ``GS-HQ``, ``AGENCY-12``)."""

    subject: str
    name: str | None

    def admits(self, principal: Principal) -> bool:
        """Whether the principal may act over a connection made with this certificate: its
        own bureau's, or for a national agency its own or its country's NCB's."""
        if self.name is None:
            return False
        if principal.bureau_id is not None:
            return self.name == principal.bureau_id
        if principal.agency_id is not None:
            own = agency_mailbox(principal.agency_id)
            return self.name in {own, f"NCB-{principal.country}"}
        return False


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a caller presents: a bearer token and, over mutual TLS, its client certificate."""

    token: str
    certificate: ClientCertificate | None = None


def effective_rights(role: Role, agency_rights: frozenset[Right] | None) -> frozenset[Right]:
    """What a principal may do: its role's rights, cut down to its agency's grant if any."""
    rights = role.rights
    if role.belongs_to_agency:
        rights = rights & (agency_rights or frozenset()) & NCB_RIGHTS
    return rights


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as listed: never the secret, only its prefix and lifetime."""

    id: int
    principal_id: int
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class AgencyCreate(BaseModel):
    """An NCB authorises a national body and grants it part of its own rights."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    kind: AgencyKind
    rights: list[Right] = Field(description="A subset of the NCB's rights.")
    country: str | None = Field(default=None, description="Defaults to your own country.")


class PrincipalCreate(BaseModel):
    """A new principal; its first token is returned once."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    role: Role
    country: str | None = Field(
        default=None, description="Member country (alpha-2) of an NCB principal."
    )
    agency_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Agency of an agency principal."
    )
    bureau_id: str | None = Field(
        default=None, description="GS office of a GS principal (default GS-HQ)."
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    clearance: Classification | None = Field(
        default=None,
        description="Highest classification it may read; by default its role's, never above "
        "its creator's.",
    )


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class PrincipalDisable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=3, max_length=500, description="Why: a lost token, a person who left."
    )
    undo_since: datetime | None = Field(
        default=None,
        description="For a stolen token: also undo what the principal did since then (when "
        "the token may have been stolen): revoke every token it issued and disable every "
        "principal it created, and what those did in turn.",
    )
