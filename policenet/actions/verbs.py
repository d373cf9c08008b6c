"""How a verb runs: in one transaction of its own, with its refusals audited.

Every action is a function of a session and its arguments. ``perform`` gives it a write
transaction that commits when it returns and rolls back when it raises; ``look`` a read that
writes nothing. A verb that refuses a read raises an error carrying its ``Refusal``: what it
did is rolled back, and the refusal's audit entry alone is then committed, so that a refused
read is in the audit log as surely as an answered one (invariant 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from policenet.domain.errors import PolicenetError, Refusal
from policenet.store import audit

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal
    from policenet.store.db import Database

P = ParamSpec("P")
T = TypeVar("T")


def perform(
    database: Database,
    verb: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``verb(session, *args, **kwargs)`` in a write transaction of its own."""
    return _performed(database, False, lambda session: verb(session, *args, **kwargs))


def perform_lazily(
    database: Database,
    verb: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``perform``, whose commit need not wait for the disk (see ``store.db``): for checks."""
    return _performed(database, True, lambda session: verb(session, *args, **kwargs))


def _performed(database: Database, lazy: bool, work: Callable[[Session], T]) -> T:
    try:
        with database.transaction(lazy=lazy) as session:
            return work(session)
    except PolicenetError as error:
        keep_refusal(database, error)
        raise


def look(
    database: Database,
    verb: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``verb(session, *args, **kwargs)`` in a read that writes nothing (no audit entry: for
    what anyone may read, such as the member registry); a refusal it raises is audited all
    the same, in a transaction of its own."""
    try:
        with database.reading() as session:
            return verb(session, *args, **kwargs)
    except PolicenetError as error:
        keep_refusal(database, error)
        raise


def keep_refusal(database: Database, error: PolicenetError) -> None:
    """Commit the audit entry of a refused attempt, after the attempt was rolled back."""
    refusal = error.refusal
    if refusal is None:
        return
    with database.transaction() as session:
        audit.append_many(session, [refusal.item])


def refused(
    error: PolicenetError,
    actor: Principal,
    action: str,
    subject: str,
    detail: dict[str, Any] | None = None,
) -> PolicenetError:
    """``error``, carrying the audit entry of the actor's refused ``action`` on ``subject``
    (its detail says ``shown: false``)."""
    return error.audited(Refusal.by(actor, action, subject, detail))
