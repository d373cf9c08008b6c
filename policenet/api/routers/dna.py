"""DNA: searches by the Prüm rules or a CODIS stringency, familial searches, and each bureau's
national policy. Profiles themselves are recorded, changed and withdrawn at /v1/dna like the
records of every database."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from policenet.actions.dna import dna_policy, familial_search, search_dna, set_dna_policy
from policenet.api.deps import CurrentPrincipal
from policenet.api.schemas import DnaPolicyPublic, DnaResultPublic
from policenet.domain.clock import utcnow
from policenet.domain.dna import DnaPolicy, DnaSearch, FamilialSearch
from policenet.hub import HubDep

router = APIRouter(tags=["dna"])

BureauId = Annotated[str, Path(max_length=20, description="e.g. NCB-FR")]


@router.post(
    "/v1/dna/search",
    summary="Search a profile against every profile you may see (Prüm or CODIS)",
    description="Each match becomes a hit, alerted to its owner. A hit_only profile (the "
    "default for DNA) answers with its owner and a reference only.",
)
def search(body: DnaSearch, hub: HubDep, principal: CurrentPrincipal) -> DnaResultPublic:
    result = hub.act(search_dna, principal, body, hub.screening, utcnow())
    return DnaResultPublic.of(result)


@router.post(
    "/v1/dna/familial-search",
    summary="Look for relatives (parent/child, full siblings) where national law allows it",
)
def familial(body: FamilialSearch, hub: HubDep, principal: CurrentPrincipal) -> DnaResultPublic:
    result = hub.act(familial_search, principal, body, hub.screening, utcnow())
    return DnaResultPublic.of(result)


@router.get("/v1/bureaus/{bureau_id}/dna-policy", summary="A bureau's national DNA policy")
def policy(bureau_id: BureauId, hub: HubDep, principal: CurrentPrincipal) -> DnaPolicyPublic:
    allowed = hub.look(dna_policy, principal, bureau_id)
    return DnaPolicyPublic(bureau=bureau_id, familial_search=allowed)


@router.put(
    "/v1/bureaus/{bureau_id}/dna-policy",
    summary="Record what national law allows (the NCB's administrator)",
)
def set_policy(
    bureau_id: BureauId, body: DnaPolicy, hub: HubDep, principal: CurrentPrincipal
) -> DnaPolicyPublic:
    allowed = hub.act(set_dna_policy, principal, bureau_id, body)
    return DnaPolicyPublic(bureau=bureau_id, familial_search=allowed)
