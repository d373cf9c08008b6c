"""Bureaus' public keys: registered by a bureau's administrator, read by whoever seals a
message to that bureau or verifies one from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import require
from policenet.domain.errors import Conflict, Forbidden, NotFound
from policenet.domain.messages import BureauKey, KeyRegistration, decode_base64
from policenet.domain.principals import Principal, Right
from policenet.sealing import fingerprint
from policenet.store import audit, keys, registry

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session


def register_keys(
    session: Session, actor: Principal, data: KeyRegistration, now: datetime
) -> BureauKey:
    """A bureau administrator registers the bureau's public keys; the previous ones retire."""
    require(actor, Right.MANAGE_PRINCIPALS)
    if actor.bureau_id is None:
        raise Forbidden("Keys belong to bureaus: your principal has none.", code="no_bureau")
    encryption = decode_base64(data.encryption_key, "encryption_key", size=32)
    signing = decode_base64(data.signing_key, "signing_key", size=32)
    print_ = fingerprint(encryption, signing)
    if keys.by_fingerprint(session, print_) is not None:
        raise Conflict(
            f"Key {print_} is already registered: generate a new pair to rotate.",
            code="key_already_registered",
        )
    key = keys.register(
        session,
        bureau_id=actor.bureau_id,
        fingerprint=print_,
        encryption_key=data.encryption_key,
        signing_key=data.signing_key,
        at=now,
        by=actor.id,
    )
    audit.append_by(session, actor, "keys.register", f"bureau:{actor.bureau_id}", {"key": print_})
    return key


def bureau_keys(session: Session, actor: Principal, bureau_id: str) -> list[BureauKey]:
    """A bureau's public keys, current first: what a client seals to and verifies with."""
    require(actor, Right.EXCHANGE_MESSAGES)
    if registry.get_bureau(session, bureau_id) is None:
        raise NotFound(
            f"There is no bureau {bureau_id!r}: GET /v1/bureaus lists them.",
            code="bureau_not_found",
        )
    return keys.of_bureau(session, bureau_id)
