"""Messages, their recipients' read receipts and their attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, or_, select, update

from policenet.domain.classification import Classification
from policenet.domain.messages import Attachment, Message, Priority, Receipt
from policenet.store.paging import window_page
from policenet.store.tables import MessageAttachmentRow, MessageRecipientRow, MessageRow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window


def add(
    session: Session,
    message: dict[str, object],
    recipients: list[str],
    attachments: list[dict[str, object]],
) -> int:
    """Store a message with its recipients and attachments; returns its id."""
    row = MessageRow(**message)
    session.add(row)
    session.flush()
    session.execute(
        insert(MessageRecipientRow), [{"message_id": row.id, "bureau_id": b} for b in recipients]
    )
    if attachments:
        session.execute(
            insert(MessageAttachmentRow), [{**a, "message_id": row.id} for a in attachments]
        )
    return row.id


def _messages(session: Session, rows: Sequence[MessageRow]) -> list[Message]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    receipts: dict[int, list[Receipt]] = {i: [] for i in ids}
    for r in session.execute(
        select(MessageRecipientRow)
        .where(MessageRecipientRow.message_id.in_(ids))
        .order_by(MessageRecipientRow.bureau_id)
    ).scalars():
        receipts[r.message_id].append(Receipt(r.bureau_id, r.read_at, r.read_by))
    files: dict[int, list[Attachment]] = {i: [] for i in ids}
    for a in session.execute(
        select(
            MessageAttachmentRow.message_id,
            MessageAttachmentRow.position,
            MessageAttachmentRow.name,
            MessageAttachmentRow.content_type,
            MessageAttachmentRow.size,
            MessageAttachmentRow.sha256,
        )
        .where(MessageAttachmentRow.message_id.in_(ids))
        .order_by(MessageAttachmentRow.position)
    ):
        files[a.message_id].append(Attachment(a.position, a.name, a.content_type, a.size, a.sha256))
    return [
        Message(
            id=r.id,
            reference=r.reference,
            thread=r.thread,
            hit_reference=r.hit_reference,
            in_reply_to=r.in_reply_to,
            sender_bureau_id=r.sender_bureau_id,
            sender_principal_id=r.sender_principal_id,
            group=r.group_name,
            subject=r.subject,
            body=r.body,
            priority=Priority(r.priority),
            classification=Classification(r.classification),
            seal=r.seal,
            sent_at=r.sent_at,
            recipients=tuple(receipts[r.id]),
            attachments=tuple(files[r.id]),
        )
        for r in rows
    ]


def get(session: Session, reference: str) -> Message | None:
    row = session.execute(
        select(MessageRow).where(MessageRow.reference == reference)
    ).scalar_one_or_none()
    return None if row is None else _messages(session, [row])[0]


def of_bureau(
    session: Session,
    bureau_id: str,
    *,
    readable: tuple[Classification, ...],
    box: str,
    window: Window,
    thread: str | None = None,
) -> Page[Message]:
    """Messages a bureau received (``in``), sent (``out``) or both (``all``), a page of them."""
    received = select(MessageRecipientRow.message_id).where(
        MessageRecipientRow.bureau_id == bureau_id
    )
    sent = MessageRow.sender_bureau_id == bureau_id
    query = select(MessageRow).where(
        MessageRow.classification.in_([c.value for c in readable]),
        {"in": MessageRow.id.in_(received), "out": sent}.get(
            box, or_(MessageRow.id.in_(received), sent)
        ),
    )
    if thread is not None:
        query = query.where(MessageRow.thread == thread)
    return window_page(
        session,
        query,
        key=MessageRow.id,
        at=MessageRow.sent_at,
        window=window,
        convert=lambda rows: _messages(session, rows),
    )


def mark_read(session: Session, message_id: int, bureau_id: str, at: datetime, by: int) -> bool:
    """Record the bureau's first reading; False when it had already read the message."""
    result = session.execute(
        update(MessageRecipientRow)
        .where(
            MessageRecipientRow.message_id == message_id,
            MessageRecipientRow.bureau_id == bureau_id,
            MessageRecipientRow.read_at.is_(None),
        )
        .values(read_at=at, read_by=by)
    )
    return bool(getattr(result, "rowcount", 0))


def attachment(session: Session, message_id: int, position: int) -> tuple[str, str, bytes] | None:
    row = session.get(MessageAttachmentRow, (message_id, position))
    return None if row is None else (row.name, row.content_type, row.data)
