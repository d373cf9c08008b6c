"""Reading a recipient's event log: by polling, or by opening a live stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import MailboxView, mailbox_view
from policenet.actions.authentication import authenticate
from policenet.domain.errors import Forbidden
from policenet.events.stream import stream
from policenet.store import audit
from policenet.store import events as log

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from sqlalchemy.orm import Session

    from policenet.domain.events import Event
    from policenet.domain.principals import Credentials, Principal
    from policenet.events.stream import Broadcaster


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
    view = mailbox_view(actor, mailbox)
    found = log.of_mailbox(
        session, mailbox, after=after, readable=view.readable, kinds=view.kinds, limit=limit
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


def open_stream(
    session: Session, presented: Credentials, *, after: int
) -> tuple[Principal, MailboxView]:
    """Authenticate a live stream's token and audit its opening; returns the principal and
    what of its mailbox it may follow."""
    actor = authenticate(session, presented)
    mailbox = mailbox_of(actor)
    audit.append_by(session, actor, "events.stream", f"mailbox:{mailbox}", {"after": after})
    return actor, mailbox_view(actor, mailbox)


def live_events(
    broadcaster: Broadcaster,
    view: MailboxView,
    after: int,
    *,
    still_allowed: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    """The events of the view after ``after``, then live, as server-sent events."""
    return stream(
        broadcaster, view.mailbox, view.readable, view.kinds, after, still_allowed=still_allowed
    )
