"""Stolen and lost travel documents, and the check."""

from __future__ import annotations

from fastapi import APIRouter, status

from policenet.actions import documents as actions
from policenet.actions.watches import watch_record
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.schemas import TravelDocumentPublic, WatchPublic
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.documents import DocumentChanges, DocumentReport, DocumentWithdrawal
from policenet.domain.records import RecordRenewal
from policenet.hub import HubDep

router = APIRouter(tags=["travel documents"])
TRAVEL_DOCUMENTS = Database.TRAVEL_DOCUMENTS


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


@router.put(
    "/v1/documents/{document_id}/watch",
    summary="Be told of every read of your record by another bureau",
)
def watch(document_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> WatchPublic:
    on = hub.act(watch_record, principal, TRAVEL_DOCUMENTS, document_id, True, utcnow())
    return WatchPublic(watched=on)


@router.delete("/v1/documents/{document_id}/watch", summary="Stop being told of its reads")
def unwatch(document_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> WatchPublic:
    on = hub.act(watch_record, principal, TRAVEL_DOCUMENTS, document_id, False, utcnow())
    return WatchPublic(watched=on)
