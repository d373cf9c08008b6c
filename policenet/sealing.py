"""Sealed messages: encrypted by the sender's client for one bureau, signed, opened by the
recipient's client. The hub stores and routes the envelope and never holds a private key.

The construction, with the ``cryptography`` library's primitives:

- the sender makes an ephemeral X25519 key pair and agrees a secret with the recipient's
  registered X25519 key; HKDF-SHA256 turns it into a 256-bit key;
- ChaCha20-Poly1305 encrypts the content (subject, body, attachments as JSON) under that key,
  with the header (sender, recipient, both key fingerprints, priority, classification) as
  associated data;
- the sender's Ed25519 key signs the header, the ephemeral key, the nonce and the ciphertext.

The hub checks the signature against the sender's registered key before it accepts a sealed
message; the recipient checks it again and only then decrypts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from policenet.domain.errors import InvalidInput

VERSION = "policenet-seal-v1"


class SealError(InvalidInput):
    """A sealed message that fails its signature or cannot be opened."""

    code = "seal_invalid"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def fingerprint(encryption_key: bytes, signing_key: bytes) -> str:
    """A bureau key pair's short name: the first 16 bytes of SHA-256 over both public keys."""
    return hashlib.sha256(encryption_key + signing_key).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A bureau's private keys, kept by its client only."""

    encryption: X25519PrivateKey
    signing: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @property
    def encryption_public(self) -> bytes:
        return self.encryption.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def signing_public(self) -> bytes:
        return self.signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.encryption_public, self.signing_public)

    def to_json(self, bureau_id: str) -> dict[str, str]:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        def raw(key: X25519PrivateKey | Ed25519PrivateKey) -> str:
            return b64(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

        return {
            "version": VERSION,
            "bureau_id": bureau_id,
            "fingerprint": self.fingerprint,
            "encryption_private": raw(self.encryption),
            "signing_private": raw(self.signing),
            "encryption_key": b64(self.encryption_public),
            "signing_key": b64(self.signing_public),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyPair:
        return cls(
            X25519PrivateKey.from_private_bytes(unb64(data["encryption_private"])),
            Ed25519PrivateKey.from_private_bytes(unb64(data["signing_private"])),
        )


@dataclass(frozen=True, slots=True)
class PublicKeys:
    """A bureau's registered public keys, as the hub hands them out."""

    bureau_id: str
    encryption_key: bytes
    signing_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.encryption_key, self.signing_key)


def header(
    *, sender: str, recipient: str, sender_key: str, recipient_key: str, priority: str, kind: str
) -> bytes:
    """The envelope's clear fields, canonical: bound to the ciphertext and signed."""
    return json.dumps(
        {
            "v": VERSION,
            "from": sender,
            "to": recipient,
            "sender_key": sender_key,
            "recipient_key": recipient_key,
            "priority": priority,
            "classification": kind,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=VERSION.encode() + ephemeral + recipient,
    ).derive(shared)


def _signed(head: bytes, ephemeral: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    return b"\0".join((VERSION.encode(), head, ephemeral, nonce)) + b"\0" + ciphertext


def seal(
    content: dict[str, Any],
    *,
    sender: str,
    sender_keys: KeyPair,
    recipient: PublicKeys,
    priority: str,
    classification: str,
) -> dict[str, str]:
    """Encrypt and sign a message's content for one bureau; returns the envelope's ``sealed``."""
    head = header(
        sender=sender,
        recipient=recipient.bureau_id,
        sender_key=sender_keys.fingerprint,
        recipient_key=recipient.fingerprint,
        priority=priority,
        kind=classification,
    )
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.encryption_key))
    key = _key(shared, ephemeral_public, recipient.encryption_key)
    nonce = os.urandom(12)
    plaintext = json.dumps(content, sort_keys=True).encode()
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, plaintext, head)
    signature = sender_keys.signing.sign(_signed(head, ephemeral_public, nonce, ciphertext))
    return {
        "sender_key": sender_keys.fingerprint,
        "recipient_key": recipient.fingerprint,
        "ephemeral_key": b64(ephemeral_public),
        "nonce": b64(nonce),
        "ciphertext": b64(ciphertext),
        "signature": b64(signature),
    }


def _parts(sealed: dict[str, str]) -> tuple[bytes, bytes, bytes, bytes]:
    try:
        parts = tuple(
            unb64(sealed[name]) for name in ("ephemeral_key", "nonce", "ciphertext", "signature")
        )
    except (KeyError, ValueError):
        raise SealError(
            "The sealed envelope is incomplete or not base64: seal it again with "
            "'policenet send --sealed'.",
            code="seal_malformed",
        ) from None
    ephemeral, nonce, ciphertext, signature = parts
    if len(ephemeral) != 32 or len(nonce) != 12 or len(signature) != 64:
        raise SealError(
            "The sealed envelope has a key, nonce or signature of the wrong length: seal it "
            "again with 'policenet send --sealed'.",
            code="seal_malformed",
        )
    return ephemeral, nonce, ciphertext, signature


def verify(sealed: dict[str, str], head: bytes, signing_key: bytes) -> None:
    """Raise SealError unless the sender's key signed exactly this envelope."""
    ephemeral, nonce, ciphertext, signature = _parts(sealed)
    try:
        Ed25519PublicKey.from_public_bytes(signing_key).verify(
            signature, _signed(head, ephemeral, nonce, ciphertext)
        )
    except InvalidSignature:
        raise SealError(
            "The sealed message's signature does not verify against the sender's registered "
            "key: it was changed after sealing, or sealed with another key. Do not trust it; "
            "ask the sender to send it again.",
            code="seal_signature_invalid",
        ) from None


def open_sealed(
    sealed: dict[str, str], head: bytes, *, sender_signing_key: bytes, keys: KeyPair
) -> dict[str, Any]:
    """Verify, then decrypt a sealed message with the recipient's private keys."""
    verify(sealed, head, sender_signing_key)
    if sealed.get("recipient_key") != keys.fingerprint:
        raise SealError(
            f"This message was sealed for key {sealed.get('recipient_key')}, not for yours "
            f"({keys.fingerprint}): open it with the key file that holds that key.",
            code="seal_wrong_key",
        )
    ephemeral, nonce, ciphertext, _ = _parts(sealed)
    try:
        shared = keys.encryption.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        key = _key(shared, ephemeral, keys.encryption_public)
        plaintext = ChaCha20Poly1305(key).decrypt(nonce, ciphertext, head)
        content = json.loads(plaintext)
        if not isinstance(content, dict):
            raise ValueError("not an object")
    except (InvalidTag, ValueError):
        raise SealError(
            "The sealed message cannot be decrypted with your key although its signature holds; "
            "ask the sender to seal it again for your current key.",
            code="seal_cannot_open",
        ) from None
    opened: dict[str, Any] = content
    return opened
