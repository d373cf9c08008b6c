"""Principals, national agencies and API tokens (``authentication``: who presents them).

Tokens are 256-bit random secrets shown once; the hub keeps only their SHA-256 hash (a slow
password hash adds nothing for secrets of that strength), a short prefix to recognise them by,
their expiry and their revocation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from policenet.access import may_manage_country, require
from policenet.domain.audit import AuditFilter
from policenet.domain.clock import utcnow
from policenet.domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    Refusal,
)
from policenet.domain.members import BureauKind, ncb_id, normalise_country
from policenet.domain.principals import (
    NCB_RIGHTS,
    Agency,
    AgencyCreate,
    AgencyKind,
    Principal,
    PrincipalCreate,
    Right,
    Role,
    TokenInfo,
)
from policenet.store import audit, registry
from policenet.store import principals as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window

TOKEN_PREFIX = "pn_"  # noqa: S105 - a marker that makes leaked tokens easy to spot


def hash_token(token: str) -> str:
    """What the hub keeps of a token, and finds it by."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: ``secret`` is shown this once and never stored."""

    secret: str
    info: TokenInfo


def _lifetime(days: int | None, max_days: int) -> int:
    if days is None:
        return max_days
    if days > max_days:
        raise InvalidInput(
            f"A token lives at most {max_days} days on this hub (POLICENET_TOKEN_TTL_DAYS); "
            f"ask for {max_days} or fewer.",
            code="token_lifetime_too_long",
            field="expires_in_days",
        )
    return days


def _issue(session: Session, principal_id: int, days: int) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    info = store.add_token(
        session,
        principal_id=principal_id,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    return IssuedToken(secret=secret, info=info)


def _member_country(session: Session, value: str | None, *, field: str) -> str:
    code = None if value is None else normalise_country(value)
    if code is None or registry.get_member(session, code) is None:
        raise InvalidInput(
            f"{value!r} is not a member country: give the ISO alpha-2 code of a member "
            "(GET /v1/members lists them).",
            code="country_unknown",
            field=field,
        )
    return code


def create_agency(session: Session, actor: Principal, data: AgencyCreate) -> Agency:
    """An NCB authorises a national body of its own country, with part of its own rights."""
    require(actor, Right.MANAGE_PRINCIPALS)
    country = _member_country(session, data.country or actor.country, field="country")
    if actor.role is not Role.NCB_ADMIN or not may_manage_country(actor, country):
        raise Forbidden(
            f"Only the NCB of {country} authorises national bodies of {country}: ask its "
            "NCB administrator.",
            code="outside_own_country",
        )
    granted = frozenset(data.rights)
    grantable = actor.rights & NCB_RIGHTS
    beyond = sorted(granted - grantable)
    if beyond:
        raise InvalidInput(
            f"An NCB grants an agency only rights it holds itself; {', '.join(beyond)} "
            f"is not among them. Grant a subset of: {', '.join(sorted(grantable))}.",
            code="right_not_grantable",
            field="rights",
        )
    agency = store.add_agency(
        session,
        country=country,
        name=data.name,
        kind=data.kind,
        rights=granted,
        created_by=actor.id,
    )
    audit.append_by(
        session,
        actor,
        "agency.create",
        f"agency:{agency.id}",
        {"name": agency.name, "kind": agency.kind, "rights": sorted(granted)},
    )
    return agency


def _placement(
    session: Session, actor: Principal, data: PrincipalCreate
) -> tuple[str | None, str | None, int | None]:
    """Where a new principal belongs (bureau, country, agency), if the actor may create it."""
    role = data.role
    if role.is_gs:
        if actor.role is not Role.GS_ADMIN:
            raise Forbidden(
                "Only a GS administrator creates General Secretariat principals.",
                code="outside_own_country",
            )
        bureau = registry.get_bureau(session, data.bureau_id or "GS-HQ")
        if bureau is None or not bureau.kind.is_gs:
            raise InvalidInput(
                f"{data.bureau_id!r} is not an office of the General Secretariat: use GS-HQ, "
                "GS-IC or a regional office listed by GET /v1/bureaus.",
                code="bureau_unknown",
                field="bureau_id",
            )
        return bureau.id, None, None
    if role.belongs_to_agency:
        agency = None if data.agency_id is None else store.get_agency(session, data.agency_id)
        if agency is None:
            raise InvalidInput(
                f"A {role} belongs to a national agency: give the agency_id of an agency "
                "your NCB created (GET /v1/agencies).",
                code="agency_required",
                field="agency_id",
            )
        if actor.role is not Role.NCB_ADMIN or not may_manage_country(actor, agency.country):
            raise Forbidden(
                f"Only the NCB of {agency.country} creates principals of its national bodies.",
                code="outside_own_country",
            )
        if (role is Role.CARRIER) != (agency.kind is AgencyKind.CARRIER):
            raise InvalidInput(
                "Carrier principals belong to carrier agencies, and only to them: choose the "
                "role that fits the agency's kind.",
                code="role_agency_mismatch",
                field="role",
            )
        return None, agency.country, agency.id
    country = _member_country(session, data.country or actor.country, field="country")
    if role is Role.NCB_ADMIN and actor.role is not Role.GS_ADMIN:
        raise Forbidden(
            f"An NCB administrator is created by a GS administrator, not by a peer: ask the "
            f"General Secretariat for another administrator of {country}.",
            code="outside_own_country",
        )
    if actor.role is Role.GS_ADMIN and role is not Role.NCB_ADMIN:
        raise Forbidden(
            f"The General Secretariat creates a member's NCB administrator only; its officers "
            f"are created by the NCB administrator of {country}.",
            code="outside_own_country",
        )
    if not may_manage_country(actor, country):
        raise Forbidden(
            f"You may create principals of your own country only; {country} is not yours.",
            code="outside_own_country",
        )
    bureau = registry.get_bureau(session, ncb_id(country))
    assert bureau is not None and bureau.kind is BureauKind.NCB  # noqa: S101 - seeded per member
    return bureau.id, country, None


def create_principal(
    session: Session, actor: Principal, data: PrincipalCreate, *, default_ttl_days: int
) -> tuple[Principal, IssuedToken]:
    """Create a principal where the actor may, with its first token."""
    require(actor, Right.MANAGE_PRINCIPALS)
    bureau_id, country, agency_id = _placement(session, actor, data)
    clearance = data.clearance or data.role.default_clearance
    if not actor.clearance.allows(clearance):
        raise Forbidden(
            f"You are cleared to {actor.clearance} and cannot clear another principal to "
            f"{clearance} (the {data.role} default unless you set one): set 'clearance' to "
            f"{actor.clearance} or lower.",
            code="clearance_above_yours",
            field="clearance",
        )
    principal = store.add_principal(
        session,
        name=data.name,
        role=data.role,
        bureau_id=bureau_id,
        country=country,
        agency_id=agency_id,
        created_by=actor.id,
        clearance=clearance,
    )
    issued = _issue(session, principal.id, _lifetime(data.expires_in_days, default_ttl_days))
    audit.append_by(
        session,
        actor,
        "principal.create",
        f"principal:{principal.id}",
        {
            "name": principal.name,
            "role": principal.role,
            "bureau_id": bureau_id,
            "country": country,
            "agency_id": agency_id,
            "clearance": principal.clearance,
            "token": issued.info.prefix,
        },
    )
    return principal, issued


def create_first_admin(
    session: Session, name: str, *, ttl_days: int
) -> tuple[Principal, IssuedToken]:
    """The hub's first GS administrator (``policenet init``), created by no one."""
    principal = store.add_principal(
        session,
        name=name,
        role=Role.GS_ADMIN,
        bureau_id="GS-HQ",
        country=None,
        agency_id=None,
        created_by=None,
    )
    issued = _issue(session, principal.id, ttl_days)
    audit.append_by(
        session,
        None,
        "principal.create",
        f"principal:{principal.id}",
        {"name": name, "role": Role.GS_ADMIN, "bureau_id": "GS-HQ", "first_admin": True},
    )
    return principal, issued


def _target(session: Session, actor: Principal, principal_id: int, *, issuing: bool) -> Principal:
    """A principal whose tokens the actor manages.

    Only a principal's administrator issues its tokens (GS admins for the GS, the NCB admin for
    its country), so that nobody outside a country can act as one of its principals and a stolen
    token cannot be traded for a fresh one. Revoking is also open to the principal itself and,
    for security incidents, to any GS admin.
    """
    target = store.get_principal(session, principal_id)
    if target is not None and issuing and target.id == actor.id:
        raise Forbidden(
            "You cannot issue a token for yourself: a stolen token could then outlive its own "
            "revocation. Ask another administrator (a GS administrator) to issue it.",
            code="token_for_yourself",
        ).audited(Refusal.by(actor, "token.issue", f"principal:{target.id}", {"self": True}))
    if target is None:
        allowed = False
    elif target.is_gs or target.role is Role.NCB_ADMIN:
        # The General Secretariat's principals and the NCBs' administrators answer to a GS
        # administrator.
        allowed = actor.role is Role.GS_ADMIN or (not issuing and target.id == actor.id)
    else:
        allowed = (actor.role is Role.NCB_ADMIN and may_manage_country(actor, target.country)) or (
            not issuing and (target.id == actor.id or actor.role is Role.GS_ADMIN)
        )
    if target is None or not allowed:
        raise NotFound(
            f"No principal {principal_id} whose tokens you manage: a principal's tokens are "
            "issued by its administrator (the NCB administrator of its country, or a GS "
            "administrator for the General Secretariat).",
            code="principal_not_found",
        )
    return target


def issue_token(
    session: Session, actor: Principal, principal_id: int, days: int | None, *, max_days: int
) -> IssuedToken:
    """A new token for a principal the actor administers, living at most ``max_days``."""
    require(actor, Right.MANAGE_PRINCIPALS)
    target = _target(session, actor, principal_id, issuing=True)
    lifetime = _lifetime(days, max_days)
    issued = _issue(session, target.id, lifetime)
    audit.append_by(
        session,
        actor,
        "token.issue",
        f"principal:{target.id}",
        {"token_id": issued.info.id, "prefix": issued.info.prefix, "days": lifetime},
    )
    return issued


def revoke_token(session: Session, actor: Principal, token_id: int) -> TokenInfo:
    """Revoke a token at once; a revoked token is refused from its next request on."""
    token = store.get_token(session, token_id, for_update=True)
    if token is None:
        raise NotFound(
            f"No token {token_id}: list tokens with GET /v1/principals/ID/tokens.",
            code="token_not_found",
        )
    _target(session, actor, token.principal_id, issuing=False)
    if token.revoked_at is not None:
        return token
    revoked = store.revoke_token(session, token_id, revoked_by=actor.id)
    audit.append_by(
        session,
        actor,
        "token.revoke",
        f"principal:{token.principal_id}",
        {"token_id": token_id, "prefix": token.prefix},
    )
    return revoked


def disable_principal(
    session: Session,
    actor: Principal,
    principal_id: int,
    reason: str,
    undo_since: datetime | None = None,
) -> Principal:
    """Disable a principal at once: every request it makes is refused, whatever tokens it
    holds, until it is enabled. Its administrator does it, or any GS administrator (an
    incident); a principal does not disable itself by mistake.

    ``undo_since``, for a stolen token: what the principal did since then that would outlive
    it is undone too, as the audit log tells it: the tokens it issued are revoked, the
    principals it created disabled, and so on for what those did in turn."""
    require(actor, Right.MANAGE_PRINCIPALS)
    target = _target(session, actor, principal_id, issuing=False)
    if target.id == actor.id:
        raise Forbidden(
            "You cannot disable yourself: revoke your own tokens instead, or ask another "
            "administrator.",
            code="principal_yourself",
        )
    undone: dict[str, list[int]] = (
        {} if undo_since is None else _undo(session, actor, target.id, undo_since, reason)
    )
    if target.disabled_at is not None and not undone:
        return target
    disabled = target
    if target.disabled_at is None:
        disabled = store.set_disabled(session, target.id, utcnow(), reason)
    audit.append_by(
        session,
        actor,
        "principal.disable",
        f"principal:{target.id}",
        {"reason": reason, **({"undone": undone} if undone else {})},
    )
    return disabled


def _undo(
    session: Session, actor: Principal, principal_id: int, since: datetime, reason: str
) -> dict[str, list[int]]:
    """Revoke the tokens the principal issued since then, and disable the principals it
    created since then, and so on down; what was undone, by id."""
    now = utcnow()
    since = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
    revoked: list[int] = []
    disabled: list[int] = []
    seen, waiting = {principal_id}, [principal_id]
    while waiting:
        doer = waiting.pop()
        issued = AuditFilter(principal_id=doer, action="token.issue", since=since)
        for entry in audit.matching(session, issued):
            token_id = int(entry.detail_data["token_id"])
            token = store.get_token(session, token_id, for_update=True)
            if token is not None and token.revoked_at is None:
                store.revoke_token(session, token.id, revoked_by=actor.id)
                revoked.append(token.id)
        created = AuditFilter(principal_id=doer, action="principal.create", since=since)
        for entry in audit.matching(session, created):
            made = int(entry.subject.removeprefix("principal:"))
            if made in seen:
                continue
            seen.add(made)
            waiting.append(made)
            found = store.get_principal(session, made)
            if found is not None and found.disabled_at is None:
                why = f"created by principal {doer} after {since:%Y-%m-%d %H:%M} UTC: {reason}"
                store.set_disabled(session, made, now, why[:500])
                disabled.append(made)
    return (
        {"tokens_revoked": revoked, "principals_disabled": disabled}
        if (revoked or disabled)
        else {}
    )


def enable_principal(session: Session, actor: Principal, principal_id: int) -> Principal:
    """Enable a disabled principal again: by its administrator, never by itself."""
    require(actor, Right.MANAGE_PRINCIPALS)
    target = _target(session, actor, principal_id, issuing=True)
    if target.disabled_at is None:
        return target
    enabled = store.set_disabled(session, target.id, None, None)
    audit.append_by(session, actor, "principal.enable", f"principal:{target.id}", {})
    return enabled


def list_tokens(session: Session, actor: Principal, principal_id: int) -> list[TokenInfo]:
    target = _target(session, actor, principal_id, issuing=False)
    return store.list_tokens(session, target.id)


def list_principals(session: Session, actor: Principal, window: Window) -> Page[Principal]:
    """A page of the principals the actor manages (a GS administrator's: every one)."""
    require(actor, Right.MANAGE_PRINCIPALS)
    country = None if actor.role is Role.GS_ADMIN else actor.country
    return store.list_principals(session, country, window)


def list_agencies(session: Session, actor: Principal, window: Window) -> Page[Agency]:
    """A page of the agencies the actor manages (a GS administrator's: every one)."""
    require(actor, Right.MANAGE_PRINCIPALS)
    country = None if actor.role is Role.GS_ADMIN else actor.country
    return store.list_agencies(session, country, window)
