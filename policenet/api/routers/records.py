"""Persons, vehicles, works of art, firearms and vessels: one set of routes per database.

(No ``from __future__ import annotations`` here: each route's body type is the database's own
model, given at run time, and FastAPI reads the annotations as objects.)"""

from typing import Any

from fastapi import APIRouter, Body, status

from policenet.actions import records as actions
from policenet.actions.watches import watch_record
from policenet.api.deps import CurrentPrincipal, RowId
from policenet.api.schemas import RecordPublic, WatchPublic
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentWithdrawal
from policenet.domain.records import ENTRY_MODELS, Database, RecordRenewal
from policenet.hub import HubDep

router = APIRouter()

PATHS = {
    Database.PERSONS: "persons",
    Database.VEHICLES: "vehicles",
    Database.ART: "art",
    Database.FIREARMS: "firearms",
    Database.VESSELS: "vessels",
    Database.DNA: "dna",
    Database.FINGERPRINTS: "fingerprints",
}


def _routes(database: Database, path: str) -> None:
    model = ENTRY_MODELS[database]
    tags: list[str | Any] = [str(database)]

    def record(entry: model, hub: HubDep, principal: CurrentPrincipal) -> RecordPublic:  # type: ignore[valid-type]
        return RecordPublic.of(hub.act(actions.record_entry, principal, entry))

    def read(record_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> RecordPublic:
        found = hub.act(actions.read_record, principal, database, record_id)
        return RecordPublic.of(found)

    def update(
        record_id: RowId,
        hub: HubDep,
        principal: CurrentPrincipal,
        changes: dict[str, Any] = Body(  # noqa: B008 - FastAPI's way
            description=f"The fields to change, as in the body that records a {database} record."
        ),
    ) -> RecordPublic:
        found = hub.act(actions.update_record, principal, database, record_id, changes)
        return RecordPublic.of(found)

    def renew(
        record_id: RowId, data: RecordRenewal, hub: HubDep, principal: CurrentPrincipal
    ) -> RecordPublic:
        found = hub.act(actions.renew_record, principal, database, record_id, data.review_date)
        return RecordPublic.of(found)

    def withdraw(
        record_id: RowId, data: DocumentWithdrawal, hub: HubDep, principal: CurrentPrincipal
    ) -> RecordPublic:
        found = hub.act(actions.withdraw_record, principal, database, record_id, data.reason)
        return RecordPublic.of(found)

    def watch(record_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> WatchPublic:
        on = hub.act(watch_record, principal, database, record_id, True, utcnow())
        return WatchPublic(watched=on)

    def unwatch(record_id: RowId, hub: HubDep, principal: CurrentPrincipal) -> WatchPublic:
        on = hub.act(watch_record, principal, database, record_id, False, utcnow())
        return WatchPublic(watched=on)

    for method, endpoint, summary in (
        ("PUT", watch, "Be told of every read of your record by another bureau"),
        ("DELETE", unwatch, "Stop being told of the reads of your record"),
    ):
        router.add_api_route(
            f"/v1/{path}/{{record_id}}/watch",
            endpoint,
            methods=[method],
            tags=tags,
            summary=summary,
        )
    router.add_api_route(
        f"/v1/{path}",
        record,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        tags=tags,
        summary=f"Record in {database}, owned by your bureau",
    )
    router.add_api_route(
        f"/v1/{path}/{{record_id}}",
        read,
        methods=["GET"],
        tags=tags,
        summary="A record you may see",
    )
    router.add_api_route(
        f"/v1/{path}/{{record_id}}",
        update,
        methods=["PATCH"],
        tags=tags,
        summary="Change your own record",
    )
    router.add_api_route(
        f"/v1/{path}/{{record_id}}/renew",
        renew,
        methods=["POST"],
        tags=tags,
        summary="Renew your own record for up to 5 more years",
    )
    router.add_api_route(
        f"/v1/{path}/{{record_id}}/withdraw",
        withdraw,
        methods=["POST"],
        tags=tags,
        summary="Withdraw your own record",
    )


for _database, _path in PATHS.items():
    _routes(_database, _path)
