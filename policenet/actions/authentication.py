"""Who presents a token: the principal behind it, or a refusal that leaves a trace.

A known token refused (revoked, expired, its principal disabled or its member suspended, or
presented over another bureau's connection) is audited as ``auth.refused`` by its principal;
an unknown one has no principal: its address is counted (``api/guard.py``), and shutting the
address out is audited (``note_lockout``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.actions.principals import hash_token
from policenet.domain.clock import utcnow
from policenet.domain.errors import Forbidden, NotAuthenticated, PolicenetError, Refusal
from policenet.domain.members import MemberStatus
from policenet.store import audit
from policenet.store import principals as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.principals import Credentials, Principal
    from policenet.store.principals import Credential


def authenticate(session: Session, presented: Credentials) -> Principal:
    """The principal behind a bearer token, or a clear refusal; over mutual TLS, only if the
    client certificate is its own bureau's (a token stolen from one bureau is of no use over
    another's connection).

    A known token refused (revoked, expired, its principal disabled or its member suspended,
    or presented over another bureau's connection) is audited as ``auth.refused`` by its
    principal: a stolen token tried after its revocation leaves a trace where the data
    protection officers look. An unknown one has no principal: the address is counted
    (``api/guard.py``), and shutting it out is audited (``note_lockout``)."""
    credential = store.find_credential(session, hash_token(presented.token))
    if credential is None:
        raise NotAuthenticated(
            "This API token is not known to the hub: check that you copied it whole, "
            "or ask your administrator for a new one.",
            code="token_invalid",
        )
    principal = credential.principal
    error = _refusal(credential, presented)
    if error is not None:
        detail = {"reason": error.code, "token": credential.token.prefix}
        raise error.audited(
            Refusal.by(principal, "auth.refused", f"principal:{principal.id}", detail)
        )
    return principal


def _refusal(credential: Credential, presented: Credentials) -> PolicenetError | None:
    if credential.token.revoked_at is not None:
        return NotAuthenticated(
            "This API token was revoked: ask your administrator for a new one.",
            code="token_revoked",
        )
    if credential.token.expires_at <= utcnow():
        return NotAuthenticated(
            f"This API token expired on {credential.token.expires_at:%Y-%m-%d %H:%M} UTC: "
            "ask your administrator for a new one.",
            code="token_expired",
        )
    if credential.principal.disabled_at is not None:
        return Forbidden(
            f"Principal {credential.principal.id} ({credential.principal.name}) was disabled "
            f"on {credential.principal.disabled_at:%Y-%m-%d %H:%M} UTC: ask its administrator "
            "to enable it again if it should.",
            code="principal_disabled",
        )
    if credential.member_status is MemberStatus.SUSPENDED:
        return Forbidden(
            f"The membership of {credential.member_name} ({credential.principal.country}) is "
            f"suspended by General Assembly decision {credential.decision_reference} of "
            f"{credential.decided_on}: its bureau and national bodies cannot use the hub until "
            "the General Assembly readmits it.",
            code="member_suspended",
        )
    certificate = presented.certificate
    if certificate is not None and not certificate.admits(credential.principal):
        return NotAuthenticated(
            "This API token is not accepted over this connection: its client certificate "
            f"({certificate.subject}) is not your bureau's. Use each token only with its own "
            "bureau's certificate.",
            code="certificate_mismatch",
        )
    return None


def note_lockout(
    session: Session, address: str, failures: int, window_s: float, shut_s: float, token: str
) -> None:
    """Audit an address shut out for failing to authenticate ``failures`` times within
    ``window_s`` seconds (``token``: the prefix of the last token it tried, never the token)."""
    audit.append_by(
        session,
        None,
        "auth.locked_out",
        f"address:{address}",
        {"failures": failures, "window_s": window_s, "shut_s": shut_s, "last_token": token},
    )
