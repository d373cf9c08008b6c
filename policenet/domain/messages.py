"""Messages between bureaus, the General Secretariat and working groups; sealed envelopes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from policenet.domain.classification import Classification
from policenet.domain.errors import InvalidInput

if TYPE_CHECKING:
    from datetime import datetime


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    FLASH = "flash"


class CrimeArea(StrEnum):
    TERRORISM = "terrorism"
    CYBERCRIME = "cybercrime"
    ORGANIZED_CRIME = "organized_crime"
    FINANCIAL_CRIME = "financial_crime_and_corruption"
    OTHER = "other"


# What an attachment may be: documents and images a bureau exchanges, nothing executable.
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/tiff",
        "text/plain",
        "text/csv",
        "application/json",
    }
)
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_RECIPIENTS = 200

BureauId = Annotated[str, StringConstraints(min_length=2, max_length=20, pattern=r"^[A-Z0-9-]+$")]
GroupName = Annotated[str, StringConstraints(min_length=2, max_length=100)]


def decode_base64(value: str, field: str, *, size: int | None = None) -> bytes:
    """Strict base64, with an error that names the field."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            f"{field} is not valid base64: send the bytes encoded with the standard alphabet.",
            code="invalid_base64",
            field=field,
        ) from None
    if size is not None and len(raw) != size:
        raise InvalidInput(
            f"{field} must be {size} bytes once decoded, not {len(raw)}.",
            code="invalid_length",
            field=field,
        )
    return raw


class AttachmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")
    content_type: str = Field(description=f"One of: {', '.join(sorted(ATTACHMENT_TYPES))}.")
    data: str = Field(description="The file's bytes, base64.")


class Seal(BaseModel):
    """A sealed message as its sender's client made it: the hub sees only these bytes.

    The header (sender, recipient, both key fingerprints, priority, classification) is bound to
    the ciphertext as associated data and covered by the signature, so the hub cannot re-route
    or re-label a sealed message without the recipient noticing.
    """

    model_config = ConfigDict(extra="forbid")

    sender_key: str = Field(pattern=r"^[0-9a-f]{32}$", description="Fingerprint of the sender.")
    recipient_key: str = Field(pattern=r"^[0-9a-f]{32}$", description="Fingerprint used.")
    ephemeral_key: str = Field(description="X25519 ephemeral public key, base64 (32 bytes).")
    nonce: str = Field(description="ChaCha20-Poly1305 nonce, base64 (12 bytes).")
    ciphertext: str = Field(description="Subject, body and attachments, encrypted, base64.")
    signature: str = Field(description="Ed25519 signature of the sender, base64 (64 bytes).")


class MessageCreate(BaseModel):
    """A message to bureaus (NCBs or GS units) and working groups."""

    model_config = ConfigDict(extra="forbid")

    to: list[BureauId] = Field(
        default_factory=list, max_length=MAX_RECIPIENTS, description="Bureau ids: NCB-FR, GS-HQ."
    )
    groups: list[GroupName] = Field(default_factory=list, max_length=20)
    subject: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=100_000)
    priority: Priority = Priority.ROUTINE
    classification: Classification = Classification.RESTRICTED
    attachments: list[AttachmentInput] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    in_reply_to: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    sealed: Seal | None = Field(
        default=None,
        description="Set by a client that sealed the message for one bureau; subject, body and "
        "attachments then travel inside the ciphertext only.",
    )

    @model_validator(mode="after")
    def _shape(self) -> MessageCreate:
        if self.sealed is not None:
            if self.subject or self.body or self.attachments:
                raise ValueError(
                    "a sealed message carries its subject, body and attachments inside the "
                    "ciphertext: leave them out of the envelope"
                )
            if len(self.to) > 1 or self.groups:
                raise ValueError("a sealed message goes to exactly one bureau")
        elif self.subject is None or self.body is None:
            raise ValueError("a message needs a subject and a body")
        return self


@dataclass(frozen=True, slots=True)
class Attachment:
    position: int
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Receipt:
    bureau_id: str
    read_at: datetime | None
    read_by: int | None


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    reference: str
    thread: str
    hit_reference: str | None
    in_reply_to: str | None
    sender_bureau_id: str
    sender_principal_id: int
    group: str | None
    subject: str | None
    body: str | None
    priority: Priority
    classification: Classification
    seal: dict[str, str] | None
    sent_at: datetime
    recipients: tuple[Receipt, ...]
    attachments: tuple[Attachment, ...]

    @property
    def sealed(self) -> bool:
        return self.seal is not None


class GroupCreate(BaseModel):
    """A working group: bureaus and GS units working on one crime area."""

    model_config = ConfigDict(extra="forbid")

    name: GroupName
    crime_area: CrimeArea
    description: str | None = Field(default=None, max_length=2000)
    members: list[BureauId] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class GroupMembers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    add: list[BureauId] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    remove: list[BureauId] = Field(default_factory=list, max_length=MAX_RECIPIENTS)


@dataclass(frozen=True, slots=True)
class WorkingGroup:
    id: int
    name: str
    crime_area: CrimeArea
    description: str | None
    members: tuple[str, ...]
    created_at: datetime


class KeyRegistration(BaseModel):
    """A bureau's public keys: X25519 to receive sealed messages, Ed25519 to sign them."""

    model_config = ConfigDict(extra="forbid")

    encryption_key: str = Field(description="X25519 public key, base64 (32 bytes).")
    signing_key: str = Field(description="Ed25519 public key, base64 (32 bytes).")


@dataclass(frozen=True, slots=True)
class BureauKey:
    bureau_id: str
    fingerprint: str
    encryption_key: str
    signing_key: str
    registered_at: datetime
    retired_at: datetime | None
