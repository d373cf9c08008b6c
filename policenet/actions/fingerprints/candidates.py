"""A bureau's fingerprint searches and their candidates as the bureau may see them now: the
record's disclosure and restriction as they stand, not as they stood at the search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.access import candidate_shown, may_learn_of_answering, may_read_search, require
from policenet.actions.verbs import refused
from policenet.domain.clock import utcnow
from policenet.domain.errors import Forbidden, NotFound
from policenet.domain.principals import Right
from policenet.store import audit
from policenet.store import fingerprints as store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.shown import CandidateShown


@dataclass(frozen=True, slots=True)
class SearchView:
    reference: str
    searched_at: datetime
    probe: dict[str, Any]
    candidates: list[CandidateShown]
    notes: list[str] = field(default_factory=list)


def candidate_view(
    actor: Principal, candidate: store.Candidate, record: Record | None
) -> CandidateShown:
    """The candidate as the actor may see it now (``access.candidate_shown``)."""
    return candidate_shown(actor, candidate, record, utcnow().date())


def searcher(actor: Principal) -> str:
    """Whose searches these are: the bureau's, or a national agency's (its own mailbox)."""
    mailbox = actor.mailbox
    if mailbox is None:
        raise Forbidden("Only a bureau or an agency searches fingerprints.", code="right_missing")
    return mailbox


def own_search(session: Session, actor: Principal, reference: str) -> store.Search:
    """A search of the actor's bureau (or agency); any other is not found."""
    searcher(actor)  # a principal of no bureau or agency keeps no searches
    found = store.get(session, reference)
    if found is None or not may_read_search(actor, found.bureau_id):
        raise NotFound(
            f"No fingerprint search {reference!r} of your bureau.",
            code="fingerprint_search_not_found",
        )
    return found


def read_search(session: Session, actor: Principal, reference: str) -> SearchView:
    """A search of the actor's bureau, its candidates as the actor may see them now (a record
    withdrawn, restricted or past its review date since is shown as its owner and reference
    only); the reading is audited, refused or not."""
    require(actor, Right.CHECK_RECORDS)
    subject = f"fingerprint_search:{reference}"
    try:
        found = own_search(session, actor, reference)
    except NotFound as error:
        raise refused(error, actor, "fingerprints.search.read", subject) from None
    audit.append_by(session, actor, "fingerprints.search.read", subject, {"shown": True})
    records = {
        r.id: r
        for r in record_store.answering(
            session, [c.record_id for c in found.candidates], utcnow().date()
        )
    }
    views = []
    for candidate in found.candidates:
        record = records.get(candidate.record_id)
        if record is not None and not may_learn_of_answering(actor, record):
            record = None
        views.append(candidate_view(actor, candidate, record))
    return SearchView(found.reference, found.at, found.probe, views)
