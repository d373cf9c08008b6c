"""Signed checkpoints of the audit chain: what makes a rewritten log fail verification even
when every hash after the change is recomputed.

A hash chain alone proves nothing against whoever can write the database: they edit an entry
and recompute every hash after it. Every ``every`` entries (and when it stops) the hub signs
the chain's hash at that point with its own Ed25519 key, which lives outside the database;
a copy of each checkpoint may be published elsewhere (a file, another bureau). Verification
takes the public key from outside the database too, so that a rewritten chain no longer
matches the checkpoints signed before the rewrite, and a checkpoint cannot be forged.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from policenet.domain.audit import ChainBreak

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# Entries between two checkpoints, unless the hub is told otherwise.
EVERY = 1000


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's hash at entry ``seq``, signed by the hub's key ``key_id``."""

    seq: int
    hash: str
    signed_at: datetime
    key_id: str
    signature: str  # base64

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "signed_at": self.signed_at.isoformat(),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            signed_at=datetime.fromisoformat(str(data["signed_at"])),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


def key_id(public: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of its SHA-256."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _message(seq: int, chain_hash: str, signed_at: datetime) -> bytes:
    return f"policenet-audit-checkpoint\n{seq}\n{chain_hash}\n{signed_at.isoformat()}".encode()


def sign(key: Ed25519PrivateKey, seq: int, chain_hash: str, signed_at: datetime) -> Checkpoint:
    signature = key.sign(_message(seq, chain_hash, signed_at))
    return Checkpoint(
        seq=seq,
        hash=chain_hash,
        signed_at=signed_at,
        key_id=key_id(key.public_key()),
        signature=base64.b64encode(signature).decode(),
    )


def signed_by(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    """Whether the checkpoint was signed by this key, as it reads."""
    try:
        public.verify(
            base64.b64decode(checkpoint.signature, validate=True),
            _message(checkpoint.seq, checkpoint.hash, checkpoint.signed_at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def check_checkpoints(
    checkpoints: Iterable[Checkpoint],
    hashes: Mapping[int, str],
    public: Ed25519PublicKey,
    *,
    head: int,
    every: int,
    published: Iterable[Checkpoint] = (),
) -> tuple[int, ChainBreak | None]:
    """Every checkpoint held and published against the chain as it stands (``hashes``: the
    chain's hash at each checkpoint's entry): its signature is the hub's, and the chain still
    has that hash there. A checkpoint is due at every multiple of ``every`` below the head's
    last (which the hub may not have signed yet). Returns how many were checked, and the
    first problem."""
    held = {c.seq: c for c in checkpoints}
    checked = 0
    for source, found in (
        ("held", sorted(held.values(), key=lambda c: c.seq)),
        ("published", list(published)),
    ):
        for checkpoint in found:
            where = "published checkpoint" if source == "published" else "checkpoint"
            if not signed_by(checkpoint, public):
                return checked, ChainBreak(
                    checkpoint.seq,
                    f"the {where} at entry {checkpoint.seq} is not signed by this hub's key "
                    f"({key_id(public)}): it was forged or altered",
                )
            if checkpoint.seq > head:
                return checked, ChainBreak(
                    checkpoint.seq,
                    f"the {where} at entry {checkpoint.seq} is past the log's end ({head}): "
                    "entries were removed",
                )
            if hashes.get(checkpoint.seq) != checkpoint.hash:
                return checked, ChainBreak(
                    checkpoint.seq,
                    f"the chain no longer has the hash the hub signed at entry "
                    f"{checkpoint.seq}: entries up to it were rewritten",
                )
            checked += 1
    for due in range(every, head - every + 1, every):
        if due not in held:
            return checked, ChainBreak(
                due, f"the checkpoint due at entry {due} is missing: it was removed"
            )
    return checked, None
