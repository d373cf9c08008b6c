"""Messages between bureaus, the General Secretariat and working groups; follow-up threads on
hits; sealed messages the hub routes without being able to read; read receipts.

A message is in each recipient's durable event log before its sender is told it was sent.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

import filetype  # type: ignore[import-untyped]

from policenet.access import may_read_message, may_see_group, require
from policenet.actions.hits import hit_of_party
from policenet.actions.verbs import refused
from policenet.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.listing import Order, Page, Window
from policenet.domain.messages import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENTS_BYTES,
    GroupCreate,
    GroupMembers,
    Message,
    MessageCreate,
    WorkingGroup,
    decode_base64,
)
from policenet.domain.principals import Principal, Right
from policenet.sealing import header, verify
from policenet.store import audit, events, groups, keys, registry
from policenet.store import messages as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.hits import StoredHit

_TEXT_TYPES = frozenset({"text/plain", "text/csv", "application/json"})
BOXES = ("in", "out", "all")

# The messages on one hit that its thread shows (the oldest first).
THREAD_MAX = 500


def _bureau_of(actor: Principal) -> str:
    require(actor, Right.EXCHANGE_MESSAGES)
    if actor.bureau_id is None:
        raise Forbidden(
            "Messages are exchanged between bureaus: your principal belongs to none.",
            code="no_bureau",
        )
    return actor.bureau_id


def _attachment(index: int, name: str, content_type: str, data: str) -> dict[str, Any]:
    field = f"attachments.{index}"
    if content_type not in ATTACHMENT_TYPES:
        raise InvalidInput(
            f"Attachment {name!r} is declared {content_type!r}, which the network does not "
            f"carry: send one of {', '.join(sorted(ATTACHMENT_TYPES))}.",
            code="attachment_type_not_allowed",
            field=f"{field}.content_type",
        )
    raw = decode_base64(data, f"{field}.data")
    sniffed = filetype.guess_mime(raw)
    if content_type in _TEXT_TYPES:
        try:
            text = raw.decode("utf-8")
            if content_type == "application/json":
                json.loads(text)
            consistent = sniffed is None
        except (ValueError, RecursionError):
            consistent = False
    else:
        consistent = sniffed == content_type
    if not consistent:
        found = sniffed or "something else"
        raise InvalidInput(
            f"Attachment {name!r} is declared {content_type} but its content is {found}: "
            "declare the type the file really has.",
            code="attachment_content_mismatch",
            field=f"{field}.data",
        )
    return {
        "position": index,
        "name": name,
        "content_type": content_type,
        "size": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "data": raw,
    }


def _attachments(data: MessageCreate) -> list[dict[str, Any]]:
    files = [_attachment(i, a.name, a.content_type, a.data) for i, a in enumerate(data.attachments)]
    total = sum(f["size"] for f in files)
    if total > MAX_ATTACHMENTS_BYTES:
        raise InvalidInput(
            f"The attachments add up to {total:,} bytes; a message carries at most "
            f"{MAX_ATTACHMENTS_BYTES:,}: send the rest in another message.",
            code="attachments_too_large",
            field="attachments",
        )
    return files


def _known_bureaus(session: Session, ids: list[str]) -> None:
    for index, bureau_id in enumerate(ids):
        if registry.get_bureau(session, bureau_id) is None:
            raise InvalidInput(
                f"There is no bureau {bureau_id!r}: address NCBs as NCB-<country code> "
                "(NCB-FR) and GS units by their id (GS-HQ); GET /v1/bureaus lists them.",
                code="unknown_bureau",
                field=f"to.{index}",
            )


def _group_recipients(session: Session, actor: Principal, names: list[str]) -> list[str]:
    members: list[str] = []
    for index, name in enumerate(names):
        group = groups.get(session, name)
        if group is None or not may_see_group(actor, group.members):
            raise InvalidInput(
                f"There is no working group {name!r} you belong to: GET /v1/groups lists yours.",
                code="unknown_group",
                field=f"groups.{index}",
            )
        members.extend(group.members)
    return members


def _message(session: Session, actor: Principal, reference: str) -> Message:
    message = store.get(session, reference)
    if message is None or not may_read_message(actor, message):
        raise NotFound(
            f"No message {reference} is addressed to your bureau at your clearance.",
            code="message_not_found",
        )
    return message


def _audited_message(session: Session, actor: Principal, reference: str, action: str) -> Message:
    """``_message``, its refusal audited as the ``action`` refused."""
    try:
        return _message(session, actor, reference)
    except NotFound as error:
        raise refused(error, actor, action, f"message:{reference}") from None


def _hit_thread(session: Session, actor: Principal, reference: str) -> tuple[StoredHit, str]:
    hit = hit_of_party(session, actor, reference)
    bureau = actor.bureau_id
    other = hit.checker_bureau_id if bureau == hit.owner_bureau_id else hit.owner_bureau_id
    if other is None or other == bureau:
        raise Conflict(
            f"Hit {reference} was made by your own bureau's check: there is no other bureau "
            "to write to.",
            code="hit_thread_one_bureau",
        )
    return hit, other


def _verify_seal(
    session: Session, sender: str, recipient: str, data: MessageCreate
) -> dict[str, str]:
    seal = data.sealed
    assert seal is not None  # noqa: S101 - the caller checked
    sender_key = keys.by_fingerprint(session, seal.sender_key)
    if sender_key is None or sender_key.bureau_id != sender or sender_key.retired_at is not None:
        raise InvalidInput(
            f"Key {seal.sender_key} is not your bureau's current key: register it with "
            "'policenet keys generate --register', or seal with the key you registered.",
            code="seal_sender_key_unknown",
            field="sealed.sender_key",
        )
    recipient_key = keys.current(session, recipient)
    if recipient_key is None:
        raise Conflict(
            f"{recipient} has registered no key, so nothing can be sealed for it: send the "
            "message unsealed, or ask it to register one.",
            code="seal_recipient_has_no_key",
        )
    if recipient_key.fingerprint != seal.recipient_key:
        raise Conflict(
            f"{recipient}'s current key is {recipient_key.fingerprint}, not "
            f"{seal.recipient_key}: fetch its keys again and seal anew.",
            code="seal_recipient_key_stale",
        )
    envelope = seal.model_dump()
    verify(
        envelope,
        header(
            sender=sender,
            recipient=recipient,
            sender_key=seal.sender_key,
            recipient_key=seal.recipient_key,
            priority=data.priority.value,
            kind=data.classification.value,
        ),
        decode_base64(sender_key.signing_key, "signing_key"),
    )
    return envelope


def send_message(
    session: Session,
    actor: Principal,
    data: MessageCreate,
    now: datetime,
    *,
    hit_reference: str | None = None,
) -> Message:
    """Send a message; on a hit, to the other bureau of the hit."""
    sender = _bureau_of(actor)
    if not actor.clearance.allows(data.classification):
        raise Forbidden(
            f"You are cleared to {actor.clearance}: you cannot send a {data.classification} "
            "message.",
            code="classification_above_clearance",
            field="classification",
        )
    thread = reference = uuid.uuid4().hex
    if data.in_reply_to is not None:
        parent = _message(session, actor, data.in_reply_to)
        thread, hit_reference = parent.thread, hit_reference or parent.hit_reference
    recipients: list[str]
    if hit_reference is not None:
        try:
            _, other = _hit_thread(session, actor, hit_reference)
        except NotFound as error:
            raise refused(error, actor, "message.send", f"hit:{hit_reference}") from None
        if data.groups or any(b != other for b in data.to):
            raise InvalidInput(
                f"A message on hit {hit_reference} goes to the other bureau of the hit "
                f"({other}) only: leave 'to' and 'groups' out.",
                code="hit_thread_recipients",
                field="to",
            )
        recipients = [other]
        if data.in_reply_to is None:
            thread = hit_reference
    else:
        _known_bureaus(session, data.to)
        recipients = list(data.to) + _group_recipients(session, actor, data.groups)
    recipients = sorted(set(recipients) - {sender})
    if not recipients:
        raise InvalidInput(
            "The message has no recipient other than your own bureau: name bureaus in 'to' or "
            "working groups in 'groups'.",
            code="no_recipient",
            field="to",
        )
    seal = None
    if data.sealed is not None:
        if len(recipients) != 1:
            raise InvalidInput(
                "A sealed message goes to exactly one bureau.", code="seal_one_bureau", field="to"
            )
        seal = _verify_seal(session, sender, recipients[0], data)
    files = _attachments(data)
    group = ", ".join(data.groups) or None
    store.add(
        session,
        {
            "reference": reference,
            "thread": thread,
            "hit_reference": hit_reference,
            "in_reply_to": data.in_reply_to,
            "sender_bureau_id": sender,
            "sender_principal_id": actor.id,
            "group_name": group,
            "subject": data.subject,
            "body": data.body,
            "priority": data.priority.value,
            "classification": data.classification.value,
            "sealed": seal is not None,
            "seal": seal,
            "sent_at": now,
        },
        recipients,
        files,
    )
    payload = {
        "message": reference,
        "thread": thread,
        "hit": hit_reference,
        "in_reply_to": data.in_reply_to,
        "from": sender,
        "sender": actor.name,
        "group": group,
        "subject": data.subject,
        "priority": data.priority.value,
        "classification": data.classification.value,
        "sealed": seal is not None,
        "attachments": len(files),
    }
    events.publish(
        session,
        (
            NewEvent(b, EventKind.MESSAGE, f"message:{reference}", data.classification, payload)
            for b in recipients
        ),
        now,
    )
    audit.append_by(
        session,
        actor,
        "message.send",
        f"message:{reference}",
        {
            "to": recipients,
            "groups": data.groups,
            "hit": hit_reference,
            "priority": data.priority.value,
            "classification": data.classification.value,
            "sealed": seal is not None,
            "attachments": [f["sha256"] for f in files],
        },
    )
    return _message(session, actor, reference)


def read_message(session: Session, actor: Principal, reference: str, now: datetime) -> Message:
    """A message to or from the actor's bureau; a recipient's first reading sends the sender a
    read receipt."""
    bureau = _bureau_of(actor)
    message = _audited_message(session, actor, reference, "message.read")
    if any(r.bureau_id == bureau for r in message.recipients) and store.mark_read(
        session, message.id, bureau, now, actor.id
    ):
        events.publish(
            session,
            [
                NewEvent(
                    message.sender_bureau_id,
                    EventKind.MESSAGE_READ,
                    f"message:{reference}",
                    message.classification,
                    {
                        "message": reference,
                        "bureau": bureau,
                        "read_by": actor.name,
                        "read_at": now.isoformat(),
                    },
                )
            ],
            now,
        )
        message = _message(session, actor, reference)
    audit.append_by(session, actor, "message.read", f"message:{reference}", {"shown": True})
    return message


def list_messages(
    session: Session,
    actor: Principal,
    *,
    box: str,
    window: Window,
    thread: str | None = None,
) -> Page[Message]:
    bureau = _bureau_of(actor)
    found = store.of_bureau(
        session,
        bureau,
        readable=actor.clearance.readable(),
        box=box,
        window=window,
        thread=thread,
    ).kept(lambda m: may_read_message(actor, m))
    audit.append_by(
        session,
        actor,
        "messages.read",
        f"bureau:{bureau}",
        {"box": box, "count": len(found.items), **window.described()},
    )
    return found


def hit_thread(session: Session, actor: Principal, reference: str) -> list[Message]:
    """The messages on a hit, oldest first."""
    _bureau_of(actor)
    try:
        _hit_thread(session, actor, reference)
    except NotFound as error:
        raise refused(error, actor, "messages.read", f"hit:{reference}") from None
    window = Window(order=Order.OLDEST, limit=THREAD_MAX, total=False)
    return list_messages(session, actor, box="all", window=window, thread=reference).items


def read_attachment(
    session: Session, actor: Principal, reference: str, position: int
) -> tuple[str, str, bytes]:
    _bureau_of(actor)
    message = _audited_message(session, actor, reference, "message.attachment")
    found = store.attachment(session, message.id, position)
    if found is None:
        raise NotFound(
            f"Message {reference} has no attachment {position}.", code="attachment_not_found"
        )
    audit.append_by(
        session, actor, "message.attachment", f"message:{reference}", {"position": position}
    )
    return found


# --- working groups ------------------------------------------------------------------------


def create_group(
    session: Session, actor: Principal, data: GroupCreate, now: datetime
) -> WorkingGroup:
    require(actor, Right.MANAGE_GROUPS)
    if groups.get(session, data.name) is not None:
        raise Conflict(f"A working group {data.name!r} exists already.", code="group_exists")
    members = sorted(set(data.members))
    _known_bureaus(session, members)
    group = groups.create(
        session,
        name=data.name,
        crime_area=data.crime_area,
        description=data.description,
        members=members,
        at=now,
        by=actor.id,
    )
    audit.append_by(
        session, actor, "group.create", f"group:{data.name}", {"members": list(group.members)}
    )
    return group


def change_group(
    session: Session, actor: Principal, name: str, change: GroupMembers
) -> WorkingGroup:
    require(actor, Right.MANAGE_GROUPS)
    group = groups.get(session, name, for_update=True)
    if group is None:
        raise NotFound(
            f"There is no working group {name!r}: GET /v1/groups lists them.",
            code="group_not_found",
        )
    _known_bureaus(session, change.add)
    groups.add_members(session, group.id, sorted(set(change.add) - set(group.members)))
    groups.remove_members(session, group.id, sorted(set(change.remove)))
    audit.append_by(
        session, actor, "group.members", f"group:{name}", change.model_dump(mode="json")
    )
    changed = groups.get(session, name)
    assert changed is not None  # noqa: S101 - locked above
    return changed


def list_groups(session: Session, actor: Principal) -> list[WorkingGroup]:
    """Every group for the General Secretariat; a bureau's own groups for a bureau."""
    _bureau_of(actor)
    found = [g for g in groups.all_groups(session) if may_see_group(actor, g.members)]
    return found
