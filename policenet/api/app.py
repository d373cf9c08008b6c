"""The ASGI application of a hub."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from policenet import __version__
from policenet.api import errors
from policenet.api.deps import Hub
from policenet.api.routers import audit, checks, documents, hub, members, principals, records
from policenet.screening.service import Screening
from policenet.settings import Settings, get_settings
from policenet.store.db import Database

DESCRIPTION = """
The hub of policenet: member bureaus, their principals, the police databases (persons,
travel documents, vehicles, works of art, firearms, vessels), the one check across all of them,
hits and the audit log. Authenticate with `Authorization: Bearer <token>`.
Every error is answered as `{"error": {"code": ..., "message": ...}}`.
"""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """An app over the given database (or the one the settings name)."""
    settings = settings or get_settings()
    database = database or Database(settings.resolved_database_url)
    # The API reference (/docs, /redoc) is served with its assets: border posts are often offline.
    state = Hub(settings=settings, database=database, screening=Screening())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # File every record before the first check, not during it.
        with state.database.reading() as session:
            state.screening.refresh(session)
        # The indexes are millions of long-lived objects: keep them out of the garbage
        # collector's full passes, which would otherwise stall a check for tens of ms.
        gc.collect()
        gc.freeze()
        yield

    app = FastAPIOffline(
        title="policenet", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.hub = state
    errors.install(app)
    for module in (hub, members, principals, checks, documents, records, audit):
        app.include_router(module.router)
    return app
