"""Reading a recipient's event log: by polling, or by opening a live stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import readable_kinds
from policenet.domain.errors import Forbidden
from policenet.store import audit
from policenet.store import events as log

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.events import Event
    from policenet.domain.principals import Principal


def mailbox_of(actor: Principal) -> str:
    mailbox = actor.mailbox
    if mailbox is None:
        raise Forbidden(
            "Events are delivered to bureaus and agencies: your principal belongs to neither.",
            code="no_mailbox",
        )
    return mailbox


def read_events(session: Session, actor: Principal, *, after: int, limit: int) -> list[Event]:
    """The actor's events after a number, oldest first, up to its clearance and of the kinds
    its rights concern. A poll that finds
    events is audited; an empty one reveals nothing and is not."""
    mailbox = mailbox_of(actor)
    found = log.of_mailbox(
        session,
        mailbox,
        after=after,
        readable=actor.clearance.readable(),
        kinds=readable_kinds(actor),
        limit=limit,
    )
    if found:
        audit.append_by(
            session,
            actor,
            "events.read",
            f"mailbox:{mailbox}",
            {"after": after, "through": found[-1].id, "count": len(found)},
        )
    return found


def open_stream(session: Session, actor: Principal, *, after: int) -> str:
    """Audit a live stream's opening; returns the mailbox it follows."""
    mailbox = mailbox_of(actor)
    audit.append_by(session, actor, "events.stream", f"mailbox:{mailbox}", {"after": after})
    return mailbox
