"""Migrations create the schema the code expects, on both databases, and run again safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from policenet.actions.hub import initialise
from policenet.store import migrate
from policenet.store.db import Database
from policenet.store.tables import Base


def test_migrated_schema_matches_the_tables(database: Database) -> None:
    assert migrate.current_revision(database) == migrate.head_revision()
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_init_runs_again_without_change(database: Database) -> None:
    first = initialise(database, admin_name="GS admin", ttl_days=30)
    again = initialise(database, admin_name="GS admin", ttl_days=30)
    assert first.first_admin is not None
    assert first.registry_rows_added == 196 * 2 + 14
    assert again.first_admin is None
    assert again.registry_rows_added == 0
    assert again.revision == migrate.head_revision()
