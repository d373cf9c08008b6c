"""Messages between bureaus, threads on hits, bureaus' public keys and working groups."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response

from policenet.actions.bureau_keys import bureau_keys, register_keys
from policenet.actions.messages import (
    change_group,
    create_group,
    hit_thread,
    list_groups,
    list_messages,
    read_attachment,
    read_message,
    send_message,
)
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import (
    BureauKeyPublic,
    MessagePagePublic,
    MessagePublic,
    WorkingGroupPublic,
)
from policenet.domain.clock import utcnow
from policenet.domain.messages import GroupCreate, GroupMembers, KeyRegistration, MessageCreate
from policenet.hub import HubDep

router = APIRouter(tags=["messages"])

Reference = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A reference.")]


@router.post("/v1/messages", status_code=201, summary="Send a message (sealed or not)")
def send(data: MessageCreate, hub: HubDep, principal: CurrentPrincipal) -> MessagePublic:
    message = hub.act(send_message, principal, data, utcnow())
    return MessagePublic.of(message)


@router.get("/v1/messages", summary="Messages your bureau received or sent, newest first")
def messages(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    box: Literal["in", "out", "all"] = "in",
) -> MessagePagePublic:
    found = hub.act(list_messages, principal, box=box, window=window)
    items = [MessagePublic.of(m) for m in found.items]
    return MessagePagePublic(items=items, **envelope(found, request))


@router.get(
    "/v1/messages/{reference}",
    summary="One message; a recipient's first reading sends the sender a read receipt",
)
def message(reference: Reference, hub: HubDep, principal: CurrentPrincipal) -> MessagePublic:
    found = hub.act(read_message, principal, reference, utcnow())
    return MessagePublic.of(found)


@router.get(
    "/v1/messages/{reference}/attachments/{position}",
    summary="An attachment's bytes",
    response_class=Response,
)
def attachment(
    reference: Reference,
    position: Annotated[int, Path(ge=0, le=100)],
    hub: HubDep,
    principal: CurrentPrincipal,
) -> Response:
    name, content_type, data = hub.act(read_attachment, principal, reference, position)
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _quoted(name: str) -> str:
    return quote(name, safe="")


@router.post(
    "/v1/hits/{reference}/messages",
    status_code=201,
    summary="A follow-up message on a hit, to the other bureau of the hit",
)
def reply_on_hit(
    reference: Reference, data: MessageCreate, hub: HubDep, principal: CurrentPrincipal
) -> MessagePublic:
    sent = hub.act(send_message, principal, data, utcnow(), hit_reference=reference)
    return MessagePublic.of(sent)


@router.get("/v1/hits/{reference}/messages", summary="The messages on a hit, oldest first")
def thread(reference: Reference, hub: HubDep, principal: CurrentPrincipal) -> list[MessagePublic]:
    found = hub.act(hit_thread, principal, reference)
    return [MessagePublic.of(m) for m in found]


@router.post("/v1/keys", status_code=201, summary="Register your bureau's public keys")
def register(data: KeyRegistration, hub: HubDep, principal: CurrentPrincipal) -> BureauKeyPublic:
    key = hub.act(register_keys, principal, data, utcnow())
    return BureauKeyPublic.of(key)


@router.get("/v1/keys/{bureau_id}", summary="A bureau's public keys, current first")
def keys(
    bureau_id: Annotated[str, Path(max_length=20)], hub: HubDep, principal: CurrentPrincipal
) -> list[BureauKeyPublic]:
    found = hub.look(bureau_keys, principal, bureau_id)
    return [BureauKeyPublic.of(k) for k in found]


@router.post("/v1/groups", status_code=201, summary="Create a working group (GS)")
def new_group(data: GroupCreate, hub: HubDep, principal: CurrentPrincipal) -> WorkingGroupPublic:
    group = hub.act(create_group, principal, data, utcnow())
    return WorkingGroupPublic.of(group)


@router.patch("/v1/groups/{name}/members", summary="Add or remove members of a working group")
def members(
    name: Annotated[str, Path(max_length=100)],
    change: GroupMembers,
    hub: HubDep,
    principal: CurrentPrincipal,
) -> WorkingGroupPublic:
    group = hub.act(change_group, principal, name, change)
    return WorkingGroupPublic.of(group)


@router.get("/v1/groups", summary="Working groups (yours; every one for the GS)")
def groups(hub: HubDep, principal: CurrentPrincipal) -> list[WorkingGroupPublic]:
    found = hub.look(list_groups, principal)
    return [WorkingGroupPublic.of(g) for g in found]
