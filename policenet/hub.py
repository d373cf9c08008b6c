"""The hub as the composition root hands it to the API and the web pages: its settings, its
database, its screening indexes and its live event streams, and the one way a request runs
a verb on them (``act``, ``look``, ``in_transaction``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from policenet.actions.verbs import keep_refusal, look, perform, perform_lazily
from policenet.domain.errors import PolicenetError
from policenet.screening.service import Behind

if TYPE_CHECKING:
    from collections.abc import Callable

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy.orm import Session

    from policenet.access.rates import Rates
    from policenet.actions.import_jobs import ImportRunner
    from policenet.events.stream import Broadcaster
    from policenet.screening.service import Screening
    from policenet.settings import Settings
    from policenet.store.db import Database

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class Hub:
    """What every request works with: the settings, the database, the screening indexes and
    the live event streams."""

    settings: Settings
    database: Database
    screening: Screening
    events: Broadcaster
    rates: Rates
    audit_key: Ed25519PublicKey  # verifies the signed checkpoints of the audit log
    imports: ImportRunner  # runs the imports sent over the network, one at a time

    def act(
        self, verb: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Do a verb in a write transaction of its own (its refusals audited)."""
        return perform(self.database, verb, *args, **kwargs)

    def check(
        self, verb: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``act`` for checks: lazy when the hub is configured so (``lazy_checks``)."""
        if self.settings.lazy_checks:
            return perform_lazily(self.database, verb, *args, **kwargs)
        return perform(self.database, verb, *args, **kwargs)

    def on_store(
        self, verb: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Do a verb that opens its own transactions on the store (a batch of checks answered
        in a read, then written in a short transaction); a refusal it raises is audited."""
        try:
            return verb(self.database, *args, **kwargs)
        except PolicenetError as error:
            keep_refusal(self.database, error)
            raise

    def look(
        self, verb: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Do a verb that writes nothing, in a read (a refusal it raises is audited all the
        same)."""
        return look(self.database, verb, *args, **kwargs)

    def ping(self) -> None:
        """Raise unless the database answers."""
        self.database.ping()


async def get_hub(request: Request) -> Hub:
    # async: no I/O here, so no hop through the thread pool.
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


async def in_transaction(
    hub: Hub,
    work: Callable[[Session, bool], T],
    *,
    lazy: bool = False,
    beside_a_writer: Callable[[], T] | None = None,
) -> T:
    """``work(session, on_loop)`` done in a write transaction, from an ``async`` endpoint on
    the hot path.

    When the write lock is free, the work is done here, on the event loop (``on_loop``
    true): a border check then skips the hop to a worker thread and back (about 0.2 ms, an
    eighth of its time over HTTP). When another writer holds the lock, in this process or
    another, the work goes to a thread, which waits its turn while the loop goes on serving
    everyone else. Work that finds, on the loop, that it would be long (the screening
    indexes far behind after an import: ``Behind``) raises; it is rolled back and done again
    in a thread, which first files the backlog in a read. Keep the rest of ``work`` short:
    while it runs here, nothing else is served. A refusal is audited as ``act`` audits it.

    ``beside_a_writer``: what a thread does instead of waiting for the lock (it audits its
    own refusals): a check answered in a read while an import holds the lock."""
    behind = False
    try:
        with hub.database.at_once(lazy=lazy) as session:
            if session is not None:
                return work(session, True)
    except Behind:
        behind = True
    except PolicenetError as error:
        await run_in_threadpool(keep_refusal, hub.database, error)
        raise
    if beside_a_writer is not None and hub.database.journal is not None:
        return await run_in_threadpool(beside_a_writer)
    return await run_in_threadpool(_in_thread, hub, work, lazy, behind)


def _in_thread(hub: Hub, work: Callable[[Session, bool], T], lazy: bool, behind: bool) -> T:
    if behind:
        # The backlog is filed outside the write lock: other writers go on meanwhile.
        with hub.database.reading() as session:
            hub.screening.refresh(session)
    try:
        with hub.database.transaction(lazy=lazy) as session:
            return work(session, False)
    except PolicenetError as error:
        keep_refusal(hub.database, error)
        raise
