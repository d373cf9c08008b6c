"""The audit log: every query and every change, append-only and hash-chained.

Each entry's hash covers its content and the previous entry's hash, so that an edited entry
no longer matches its hash and a removed one breaks the chain of sequence numbers and hashes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    seq: int
    at: datetime
    principal_id: int | None
    country: str | None
    action: str
    subject: str
    detail: str
    prev_hash: str
    hash: str

    @property
    def detail_data(self) -> dict[str, Any]:
        """The detail as data (it is stored as canonical JSON text, which the hash covers)."""
        data: dict[str, Any] = json.loads(self.detail)
        return data


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries: by whom (a principal, or every principal of a bureau), about what
    (a subject such as ``record:42``), which action, and when."""

    principal_id: int | None = None
    bureau_id: str | None = None
    subject: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            name: str(value) if isinstance(value, datetime) else value
            for name in _FILTER_FIELDS
            if (value := getattr(self, name)) is not None
        }


_FILTER_FIELDS = ("principal_id", "bureau_id", "subject", "action", "since", "until")


def canonical_detail(detail: dict[str, Any]) -> str:
    """The JSON text of a detail, stable across runs and databases."""
    return json.dumps(
        detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_hash(
    *,
    seq: int,
    at: datetime,
    principal_id: int | None,
    country: str | None,
    action: str,
    subject: str,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 over an entry's fields and its predecessor's hash."""
    payload = json.dumps(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            principal_id,
            country,
            action,
            subject,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the stored chain differs from what was written."""

    seq: int
    reason: str


def verify_chain(
    entries: Iterable[AuditEntry], head_seq: int, head_hash: str
) -> tuple[int, ChainBreak | None]:
    """Walk entries in sequence order; return how many were checked and the first break."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            missing = (
                f"entry {expected_seq} is missing"
                if entry.seq == expected_seq + 1
                else f"entries {expected_seq} to {entry.seq - 1} are missing"
            )
            return expected_seq - 1, ChainBreak(
                expected_seq, f"{missing}: entry {entry.seq} follows entry {expected_seq - 1}"
            )
        if entry.prev_hash != prev_hash:
            return expected_seq - 1, ChainBreak(
                entry.seq, f"entry {entry.seq} does not follow from the entry before it"
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            principal_id=entry.principal_id,
            country=entry.country,
            action=entry.action,
            subject=entry.subject,
            detail=entry.detail,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return expected_seq - 1, ChainBreak(
                entry.seq, f"entry {entry.seq} was altered: its content no longer matches its hash"
            )
        prev_hash = entry.hash
        expected_seq += 1
    last = expected_seq - 1
    if last < head_seq:
        return last, ChainBreak(
            last + 1,
            f"entries {last + 1} to {head_seq} are missing: the log ends at {last} "
            f"but {head_seq} entries were written",
        )
    if last > 0 and prev_hash != head_hash:
        return last, ChainBreak(
            last, f"entry {last} does not match the head of the chain: one of them was altered"
        )
    return last, None
