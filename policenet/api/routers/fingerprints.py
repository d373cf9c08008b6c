"""Fingerprints: searches of a ten-print or a mark, their candidate lists, and the examiner's
decision on each candidate. Ten-prints and marks themselves are recorded, changed and withdrawn
at /v1/fingerprints like the records of every database."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from policenet.actions.fingerprints import (
    decide_candidate,
    read_search,
    search_prints,
    verify_prints,
)
from policenet.actions.print_files import Download, finger_image, transaction_of
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.schemas import (
    FingerprintCandidatePublic,
    FingerprintSearchPublic,
    FingerprintVerificationPublic,
)
from policenet.domain.clock import utcnow
from policenet.domain.fingerprints import ExaminerDecision, FingerprintSearch, FingerprintVerify
from policenet.hub import HubDep

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
    found = hub.act(search_prints, principal, body, hub.screening, utcnow())
    return FingerprintSearchPublic.of(found)


@router.post(
    "/v1/fingerprints/verify",
    summary="1:1: compare fingers with one record",
    description="Are these fingers (one of your bureau's records, or fingers sent once) those "
    "of that record? Every finger pair compared on four extractions, its score, and the "
    "decision: a match when two pairs (one, if only one is compared) reach the threshold, "
    "set at a false match rate of 0.1 % on the FVC impostor pairs. Only a record whose "
    "content you may read; audited. An examiner's identification is still the one that "
    "makes a hit.",
)
def verify(
    body: FingerprintVerify, hub: HubDep, principal: CurrentPrincipal
) -> FingerprintVerificationPublic:
    found = hub.act(verify_prints, principal, body, utcnow())
    return FingerprintVerificationPublic.of(found)


@router.get(
    "/v1/fingerprints/searches/{reference}",
    summary="One of your bureau's searches, its candidates and their decisions",
)
def read(reference: Reference, hub: HubDep, principal: CurrentPrincipal) -> FingerprintSearchPublic:
    found = hub.act(read_search, principal, reference)
    return FingerprintSearchPublic.of(found)


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
    found = hub.act(decide_candidate, principal, reference, rank, body, utcnow())
    return FingerprintCandidatePublic.of(found)


Finger = Annotated[
    int, Path(ge=0, le=19, description="The finger's place in the record's fingers, from 0.")
]


def _download(found: Download) -> Response:
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@router.get(
    "/v1/fingerprints/{record_id}/fingers/{finger}/image",
    summary="A finger's image, as PNG or as it was received",
    description="For examiners: the image the finger's minutiae were taken from. As PNG by "
    "default (browsers show no WSQ); with original=true, the file as received (PNG, JPEG, BMP, "
    "TIFF or WSQ). Only a record whose content you may see; every reading is audited.",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def image(
    record_id: RowId,
    finger: Finger,
    hub: HubDep,
    principal: CurrentPrincipal,
    original: Annotated[bool, Query(description="The file as received.")] = False,
) -> Response:
    found = hub.act(finger_image, principal, record_id, finger, original=original)
    return _download(found)


@router.get(
    "/v1/fingerprints/{record_id}/transaction",
    summary="The record as an ANSI/NIST-ITL transaction",
    description="The transaction the record came in, byte for byte; for a record sent as "
    "images or templates, one written for it: Type-1, Type-2 (its references and descriptive "
    "text), and per finger a Type-14 image (when one was received) and a Type-9 record of its "
    "minutiae (INCITS 378 fields).",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def transaction(record_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> Response:
    found = hub.act(transaction_of, principal, record_id)
    return _download(found)
