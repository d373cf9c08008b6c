"""Fingerprints: searches of a ten-print or a mark, their candidate lists, and the examiner's
decision on each candidate. Ten-prints and marks themselves are recorded, changed and withdrawn
at /v1/fingerprints like the records of every database."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from policenet.actions.fingerprints import decide_candidate, read_search, search_prints
from policenet.api.deps import CurrentPrincipal, HubDep
from policenet.api.schemas import FingerprintCandidatePublic, FingerprintSearchPublic
from policenet.domain.clock import utcnow
from policenet.domain.fingerprints import ExaminerDecision, FingerprintSearch

router = APIRouter(tags=["fingerprints"])

Reference = Annotated[str, Path(max_length=40, description="The search's reference.")]
Rank = Annotated[int, Path(ge=1, le=100, description="The candidate's rank in the list.")]


@router.post(
    "/v1/fingerprints/search",
    summary="Search a ten-print or a mark against every fingerprint record you may see",
    description="Answers a candidate list ranked by score, for an examiner to decide on. A "
    "ten-print is also searched against unsolved marks (reverse search).",
)
def search(
    body: FingerprintSearch, hub: HubDep, principal: CurrentPrincipal
) -> FingerprintSearchPublic:
    with hub.database.transaction() as session:
        found = search_prints(session, principal, body, utcnow())
    return FingerprintSearchPublic.of(found, principal)


@router.get(
    "/v1/fingerprints/searches/{reference}",
    summary="One of your bureau's searches, its candidates and their decisions",
)
def read(reference: Reference, hub: HubDep, principal: CurrentPrincipal) -> FingerprintSearchPublic:
    with hub.database.reading() as session:
        found = read_search(session, principal, reference)
    return FingerprintSearchPublic.of(found, principal)


@router.post(
    "/v1/fingerprints/searches/{reference}/candidates/{rank}/decision",
    summary="An examiner's decision on a candidate: identified, not identified, inconclusive",
    description="Taken once. An identification becomes a hit on the candidate's record, "
    "alerted to its owner like any other hit.",
)
def decide(
    reference: Reference,
    rank: Rank,
    body: ExaminerDecision,
    hub: HubDep,
    principal: CurrentPrincipal,
) -> FingerprintCandidatePublic:
    with hub.database.transaction() as session:
        found = decide_candidate(session, principal, reference, rank, body, utcnow())
    return FingerprintCandidatePublic.of(found, principal)
