"""The audit log: every query and every change, append-only and hash-chained.

Each entry's hash covers its content and the previous entry's hash, so that an edited entry
no longer matches its hash and a removed one breaks the chain of sequence numbers and hashes.

The hash covers the SHA-256 of the detail, not the detail itself (entries written before
migration 0020 excepted): an erasure may blank what a check asked of the person it erases
(``redact``) and the chain still verifies, for every entry so blanked is named by the
``record.erased`` entry that did it, whose own detail is intact. An entry whose detail no
longer matches its digest and that no erasure names was altered.
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
    detail_digest: str | None = None  # None: written before digests (hash over the detail)

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
    detail_digest: str | None = None,
) -> str:
    """SHA-256 over an entry's fields and its predecessor's hash; over the detail's digest
    when it has one (``digest_of``), else over the detail itself (entries before 0020)."""
    payload = json.dumps(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            principal_id,
            country,
            action,
            subject,
            detail if detail_digest is None else f"sha256:{detail_digest}",
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def digest_of(detail: str) -> str:
    """The SHA-256 of a detail's text, which an entry's hash covers."""
    return hashlib.sha256(detail.encode()).hexdigest()


ERASED = "record.erased"
"""The action of an erasure's entry; its detail's ``redacted`` lists the entries it blanked."""

_CHECKS = ("check", "check.batch")


def mentioned(action: str, detail: str) -> list[str]:
    """The records (``record:42``, ``travel_document:7``) the hits of a check or a batch
    name: the entries that hold what was asked about them."""
    if action not in _CHECKS or '"hits":[{' not in detail:
        return []
    found: list[str] = []
    for check in _checks_of(action, json.loads(detail)):
        for hit in check.get("answered", {}).get("hits", []):
            key = record_key(hit["database"], hit["record"])
            if key not in found:
                found.append(key)
    return found


def record_key(database: str, record_id: int) -> str:
    """How the audit log names a record: its subject."""
    prefix = "travel_document" if database == "travel_documents" else "record"
    return f"{prefix}:{record_id}"


_CONTENT = ("external_ref", "number", "holder_name", "name")
"""What an entry about a record itself may quote of its content."""


def redact(action: str, subject: str, detail: str, keys: set[str]) -> str:
    """The detail without what it says of the records ``keys``: a check's question, if one of
    its hits named them; a record's own reference and number, if the entry is about it."""
    data = json.loads(detail)
    if action in _CHECKS:
        for check in _checks_of(action, data):
            hits = check.get("answered", {}).get("hits", [])
            if any(record_key(h["database"], h["record"]) in keys for h in hits):
                check["asked"] = {}
                check["erased"] = True
    elif subject in keys:
        for name in _CONTENT:
            if data.get(name) is not None:
                data[name] = None
                data["erased"] = True
    return canonical_detail(data)


def _checks_of(action: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = data.get("checks", []) if action == "check.batch" else [data]
    return checks


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the stored chain differs from what was written."""

    seq: int
    reason: str


def verify_chain(
    entries: Iterable[AuditEntry], head_seq: int, head_hash: str
) -> tuple[int, ChainBreak | None]:
    """Walk entries in sequence order; return how many were checked and the first break.

    A detail that no longer matches its digest is a break unless a later ``record.erased``
    entry names it as blanked by that erasure; so is an entry from before digests whose hash
    no longer matches (its own fields can then no longer be verified, only its place)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    blanked: set[int] = set()  # details changed, to be named by an erasure after them
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
            detail_digest=entry.detail_digest,
        )
        if recomputed != entry.hash:
            if entry.detail_digest is not None:
                return expected_seq - 1, _altered(entry.seq)
            blanked.add(entry.seq)
        elif entry.detail_digest is not None and digest_of(entry.detail) != entry.detail_digest:
            blanked.add(entry.seq)
        if entry.action == ERASED and entry.seq not in blanked:
            blanked.difference_update(entry.detail_data.get("redacted", []))
        prev_hash = entry.hash
        expected_seq += 1
    if blanked:
        first = min(blanked)
        return first - 1, _altered(first)
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


def _altered(seq: int) -> ChainBreak:
    return ChainBreak(seq, f"entry {seq} was altered: its content no longer matches its hash")
