"""The live side of the event logs: one reader per process fans committed events out to the
streams connected to it, and every stream first replays the log from where its client left.

A stream subscribes before it replays, so an event is either in what the replay reads or in
what the subscription receives (or both: events at or below the stream's cursor are dropped).
Commit-ordered numbering (``store.events``) makes "after N" complete, so a client that
reconnects with the last id it saw misses nothing and receives nothing twice.

The reader is woken by the commit of a transaction that appended events in this process, and
polls the log every ``poll_interval`` seconds for events other processes appended.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policenet.store import events as log

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from policenet.domain.classification import Classification
    from policenet.domain.events import Event, EventKind
    from policenet.store.db import Database

logger = logging.getLogger(__name__)

REPLAY_BATCH = 500
QUEUE_LIMIT = 10_000
KEEP_ALIVE_SECONDS = 15.0


def sse(event: Event) -> str:
    """One event in the server-sent events format; the id is what a client resumes from."""
    data = json.dumps(
        {
            "id": event.id,
            "kind": event.kind.value,
            "at": event.at.isoformat(),
            "subject": event.subject,
            "classification": event.classification.value,
            "payload": event.payload,
        },
        separators=(",", ":"),
    )
    return f"id: {event.id}\nevent: {event.kind.value}\ndata: {data}\n\n"


@dataclass(eq=False)
class Subscription:
    mailbox: str
    readable: frozenset[Classification]
    kinds: frozenset[EventKind]
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    lagged: bool = False

    def offer(self, event: Event) -> None:
        if event.classification not in self.readable or event.kind not in self.kinds:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            # A client too slow to keep up: it catches up from the log instead.
            self.lagged = True

    def reset(self) -> None:
        self.lagged = False
        while not self.queue.empty():
            self.queue.get_nowait()


class Broadcaster:
    """Reads each committed event once and hands it to the streams of its recipient."""

    def __init__(self, database: Database, *, poll_interval: float = 1.0) -> None:
        self.database = database
        self.poll_interval = poll_interval
        self.last = 0
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.last = await asyncio.to_thread(self._last)
        self.database.on_publish.append(self.wake)
        # The task keeps the event it was started with: an app whose lifespan a second event
        # loop runs (a test harness beside the first) starts it again with an event of that
        # loop, which the first loop's task must not wait on.
        self._task = asyncio.create_task(self._run(self._wake), name="policenet-events")

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.database.on_publish.remove(self.wake)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        """Called from any thread once a transaction that appended events has committed."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    def subscribe(
        self,
        mailbox: str,
        readable: tuple[Classification, ...],
        kinds: tuple[EventKind, ...],
    ) -> Subscription:
        subscription = Subscription(mailbox, frozenset(readable), frozenset(kinds))
        self._subscribers[mailbox].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.mailbox)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[subscription.mailbox]

    @property
    def connected(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

    def _last(self) -> int:
        with self.database.reading() as session:
            return log.last(session)

    def _read(self, after: int) -> list[Event]:
        with self.database.reading() as session:
            return log.since(session, after, REPLAY_BATCH)

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.poll_interval)
            wake.clear()
            try:
                while True:
                    batch = await asyncio.to_thread(self._read, self.last)
                    for event in batch:
                        for subscription in tuple(self._subscribers.get(event.mailbox, ())):
                            subscription.offer(event)
                    if batch:
                        self.last = batch[-1].id
                    if len(batch) < REPLAY_BATCH:
                        break
            except Exception:  # the database may be briefly away: try again at the next poll
                logger.exception("reading the event log failed")


async def stream(
    broadcaster: Broadcaster,
    mailbox: str,
    readable: tuple[Classification, ...],
    kinds: tuple[EventKind, ...],
    after: int,
    *,
    still_allowed: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    """A recipient's events after ``after``, then live, as server-sent events; a comment line
    every 15 s keeps proxies from closing the connection; every 15 s the caller's token is
    checked again."""
    subscription = broadcaster.subscribe(mailbox, readable, kinds)
    database = broadcaster.database

    def replay(cursor: int) -> list[Event]:
        with database.reading() as session:
            return log.of_mailbox(
                session, mailbox, after=cursor, readable=readable, kinds=kinds, limit=REPLAY_BATCH
            )

    loop = asyncio.get_running_loop()
    recheck_at = loop.time() + KEEP_ALIVE_SECONDS
    try:
        yield "retry: 2000\n\n"
        cursor = after
        while True:
            subscription.reset()
            while True:
                batch = await asyncio.to_thread(replay, cursor)
                for event in batch:
                    yield sse(event)
                    cursor = event.id
                if len(batch) < REPLAY_BATCH:
                    break
            while not subscription.lagged:
                if loop.time() >= recheck_at:
                    # A revoked token or a suspended member ends the stream, busy or idle.
                    if not await still_allowed():
                        return
                    recheck_at = loop.time() + KEEP_ALIVE_SECONDS
                try:
                    event = await asyncio.wait_for(subscription.queue.get(), KEEP_ALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if event.id > cursor:
                    yield sse(event)
                    cursor = event.id
    finally:
        broadcaster.unsubscribe(subscription)
