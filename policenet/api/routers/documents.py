"""Stolen and lost travel documents, and the check."""

from __future__ import annotations

from fastapi import APIRouter, status

from policenet.actions import documents as actions
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.schemas import TravelDocumentPublic
from policenet.domain.documents import DocumentChanges, DocumentReport, DocumentWithdrawal
from policenet.domain.records import RecordRenewal
from policenet.hub import HubDep

router = APIRouter(tags=["travel documents"])


@router.post(
    "/v1/documents",
    status_code=status.HTTP_201_CREATED,
    summary="Record a stolen, lost, revoked or invalid document of your country",
)
def record(data: DocumentReport, hub: HubDep, principal: CurrentPrincipal) -> TravelDocumentPublic:
    return TravelDocumentPublic.of(hub.act(actions.record_document, principal, data))


@router.get("/v1/documents/{document_id}", summary="A record you may see")
def read(document_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> TravelDocumentPublic:
    document = hub.act(actions.read_document, principal, document_id)
    return TravelDocumentPublic.of(document)


@router.patch("/v1/documents/{document_id}", summary="Change your own record")
def update(
    document_id: RowId, changes: DocumentChanges, hub: HubDep, principal: CurrentPrincipal
) -> TravelDocumentPublic:
    return TravelDocumentPublic.of(
        hub.act(actions.update_document, principal, document_id, changes)
    )


@router.post("/v1/documents/{document_id}/withdraw", summary="Withdraw your own record")
def withdraw(
    document_id: RowId, data: DocumentWithdrawal, hub: HubDep, principal: CurrentPrincipal
) -> TravelDocumentPublic:
    return TravelDocumentPublic.of(
        hub.act(actions.withdraw_document, principal, document_id, data.reason)
    )


@router.post("/v1/documents/{document_id}/renew", summary="Renew your own record")
def renew(
    document_id: RowId, data: RecordRenewal, hub: HubDep, principal: CurrentPrincipal
) -> TravelDocumentPublic:
    return TravelDocumentPublic.of(
        hub.act(actions.renew_document, principal, document_id, data.review_date)
    )
