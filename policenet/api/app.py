"""The ASGI application of a hub."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from policenet import __version__
from policenet.access.rates import Buckets, FailedAttempts, Rates
from policenet.actions.audit_checkpoints import chain_deferred_entries, sign_due, signing_key
from policenet.actions.authentication import note_lockout
from policenet.actions.import_jobs import SPOOL, ImportRunner
from policenet.actions.retention import run_retention
from policenet.actions.sweeps import sweep
from policenet.actions.verbs import perform
from policenet.api import errors
from policenet.api.guard import Guard
from policenet.api.routers import (
    audit,
    checks,
    data_protection,
    diffusions,
    dna,
    documents,
    events,
    fingerprints,
    hits,
    hub,
    imports,
    listing,
    members,
    messages,
    notices,
    principals,
    records,
)
from policenet.domain.clock import utcnow
from policenet.events.stream import Broadcaster
from policenet.hub import Hub
from policenet.screening.service import Screening
from policenet.settings import Settings, get_settings
from policenet.store.db import Database
from policenet.web import public

DESCRIPTION = """
The hub of policenet: member bureaus, their principals, the police databases (persons,
travel documents, vehicles, works of art, firearms, vessels), the one check across all of them,
hits and their confirmation, live event streams, messages (sealed or not), notices and their
review, diffusions, the public notices list and the audit log.
Authenticate with `Authorization: Bearer <token>`.
Every error is answered as `{"error": {"code": ..., "message": ...}}`.
"""


logger = logging.getLogger(__name__)
# Seconds at most between two looks for audit checkpoints due.
CHECKPOINT_INTERVAL = 5.0
RETENTION_INTERVAL = 24 * 3600.0
FAILURE_WINDOW_S = 60.0  # failed authentications from one address are counted over this


async def _escalate(state: Hub) -> None:
    """Sweep every few seconds, for as long as the hub serves."""
    while True:
        await asyncio.sleep(state.settings.escalation_interval)
        try:
            await asyncio.to_thread(sweep, state.database)
        except Exception:  # the database may be briefly away: try again at the next sweep
            logger.exception("escalating overdue hits failed")


async def _retention(state: Hub) -> None:
    """The retention job, once a day for as long as the hub serves (the first a day after
    it starts: ``policenet retention run`` does it at once)."""
    while True:
        await asyncio.sleep(RETENTION_INTERVAL)
        try:
            report = await asyncio.to_thread(run_retention, state.database, utcnow())
            logger.info(
                "retention: %d records erased, %d reminded",
                sum(report.erased.values()),
                report.reminded,
            )
        except Exception:  # as for the sweep
            logger.exception("the retention job failed")


async def _checkpoints(state: Hub, key: Ed25519PrivateKey) -> None:
    """Chain the audit entries bulk imports deferred, and sign the checkpoints due, a few
    seconds after each falls due."""
    settings = state.settings
    while True:
        await asyncio.sleep(CHECKPOINT_INTERVAL)
        try:
            await asyncio.to_thread(chain_deferred_entries, state.database)
            await asyncio.to_thread(
                sign_due,
                state.database,
                key,
                settings.audit_checkpoint_every,
                publish=settings.audit_publish,
            )
        except Exception:  # as for the sweep
            logger.exception("signing audit checkpoints failed")


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """An app over the given database (or the one the settings name)."""
    settings = settings or get_settings()
    database = database or Database(settings.resolved_database_url)
    # The API reference (/docs, /redoc) is served with its assets: border posts are often offline.
    rates = Rates(
        checks_by_principal=Buckets(settings.check_rate, settings.check_burst),
        checks_by_address=Buckets(settings.address_check_rate, settings.address_check_burst),
        failures_by_address=FailedAttempts(
            settings.auth_failures, FAILURE_WINDOW_S, settings.auth_shut_seconds
        ),
    )
    key = signing_key(settings.audit_key_path, create=True)
    assert key is not None  # noqa: S101 - made when missing
    state = Hub(
        audit_key=key.public_key(),
        settings=settings,
        database=database,
        screening=Screening(),
        events=Broadcaster(database, poll_interval=settings.event_poll_interval),
        rates=rates,
        imports=ImportRunner(database, settings.data_dir / SPOOL, settings.import_worker_from),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # File every record before the first check, not during it.
        with state.database.reading() as session:
            state.screening.refresh(session)
        # The indexes are millions of long-lived objects: keep them out of the garbage
        # collector's full passes, which would otherwise stall a check for tens of ms.
        gc.collect()
        gc.freeze()
        await state.events.start()
        # Entries an import deferred and a stopped process did not chain: chained first.
        await asyncio.to_thread(chain_deferred_entries, state.database)
        await asyncio.to_thread(state.imports.start)
        tasks = [
            asyncio.create_task(_escalate(state), name="policenet-escalation"),
            asyncio.create_task(_checkpoints(state, key), name="policenet-checkpoints"),
            asyncio.create_task(_retention(state), name="policenet-retention"),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await state.events.stop()
            # An import under way is one transaction: stopping waits for it (its job is
            # accounted for at the next start if the process is killed instead).
            await asyncio.to_thread(state.imports.stop)
            # The head of the chain, signed as the hub stops.
            await asyncio.to_thread(
                sign_due,
                state.database,
                key,
                settings.audit_checkpoint_every,
                head=True,
                publish=settings.audit_publish,
            )
            # A hub that stops leaves no lazy commit waiting for the disk.
            await asyncio.to_thread(state.database.sync)

    app = FastAPIOffline(
        title="policenet",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=errors.ERROR_RESPONSES,
    )
    app.state.hub = state
    errors.install(app)

    async def lockout(address: str, token: str) -> None:
        await run_in_threadpool(
            perform,
            database,
            note_lockout,
            address,
            settings.auth_failures,
            FAILURE_WINDOW_S,
            settings.auth_shut_seconds,
            token,
        )

    app.add_middleware(
        Guard,
        max_body=settings.max_body_mb * 1024 * 1024,
        max_import=settings.max_import_mb * 1024 * 1024,
        rates=rates,
        on_lockout=lockout,
    )
    for module in (
        hub,
        members,
        principals,
        checks,
        hits,
        events,
        messages,
        notices,
        diffusions,
        imports,
        listing,
        dna,
        fingerprints,
        documents,
        records,
        audit,
        data_protection,
        public,
    ):
        app.include_router(module.router)
    return app
