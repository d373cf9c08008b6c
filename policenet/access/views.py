"""What of a stored thing a principal is shown: the redaction every answer applies, whether
it leaves by the API, an export or (later) the console and an edge snapshot.

The API's schemas build their answers with these functions; they decide nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.access.records import is_owner
from policenet.domain.terms import Disclosure

if TYPE_CHECKING:
    from datetime import datetime

    from policenet.domain.hits import StoredHit, Urgency
    from policenet.domain.principals import Principal
    from policenet.domain.visibility import Visibility


@dataclass(frozen=True, slots=True)
class OwnerTerms:
    """What only the owner bureau reads of its record: its own reference and restriction."""

    external_ref: str | None
    visibility: Visibility | None


def owner_terms(
    principal: Principal, owner_bureau_id: str, external_ref: str | None, visibility: Visibility
) -> OwnerTerms:
    """The owner's terms, for its own principals; nothing of them for anyone else."""
    if is_owner(principal, owner_bureau_id):
        return OwnerTerms(external_ref, visibility)
    return OwnerTerms(None, None)


@dataclass(frozen=True, slots=True)
class HitView:
    """A kept hit as one principal sees it: the record's owner sees the whole of it; the
    checking bureau what it asked and, for a ``full`` record, how it matched; anyone else
    (the General Secretariat chasing an overdue hit) that it exists and is late."""

    hit: StoredHit
    record_id: int | None
    match: str | None
    asked: dict[str, Any] | None
    urgency: Urgency | None
    urgency_reason: str | None
    due_at: datetime | None
    decision_reason: str | None


def hit_view(principal: Principal, hit: StoredHit) -> HitView:
    owner = is_owner(principal, hit.owner_bureau_id)
    party = owner or (
        principal.bureau_id is not None and principal.bureau_id == hit.checker_bureau_id
    )
    full = owner or (party and hit.disclosure is Disclosure.FULL)
    return HitView(
        hit=hit,
        record_id=hit.record_id if owner else None,
        match=hit.match if full else None,
        asked=hit.asked if party else None,
        urgency=hit.urgency if full or not party else None,
        urgency_reason=hit.urgency_reason if full else None,
        due_at=hit.due_at if full or not party else None,
        decision_reason=hit.decision_reason if party else None,
    )
