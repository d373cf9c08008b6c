"""Migrations create the schema the code expects, on both databases, and run again safely."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from policenet.actions.hub import initialise
from policenet.store import migrate
from policenet.store.db import Database
from policenet.store.tables import Base

RECORD_COLUMNS = (
    "id",
    "database",
    "owner_bureau_id",
    "owner_country",
    "disclosure",
    "visibility",
    "review_date",
    "entered_at",
    "updated_at",
)


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


def test_marks_recorded_before_their_key_existed_are_given_it(tmp_path: Path) -> None:
    """Migration 0007 keys the unsolved marks already stored, so that the reverse search of
    the next ten-print still finds them; a solved mark and a ten-print get no key."""
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(database, "0006")
    records = sa.table(
        "records",
        *(sa.column(c) for c in RECORD_COLUMNS),
        sa.column("visibility_countries", sa.JSON),
        sa.column("data", sa.JSON),
    )
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO bureaus (id, kind, name, country) VALUES ('FR', 'ncb', 'NCB', 'FR')"
            )
        )
        for record_id, data in (
            (1, {"kind": "latent", "fingers": []}),
            (2, {"kind": "latent", "solved": True, "fingers": []}),
            (3, {"kind": "tenprint", "fingers": []}),
        ):
            connection.execute(
                records.insert().values(
                    id=record_id,
                    database="fingerprints",
                    owner_bureau_id="FR",
                    owner_country="FR",
                    disclosure="full",
                    visibility="all",
                    visibility_countries=[],
                    review_date=date(2030, 1, 1),
                    data=data,
                    entered_at=datetime(2026, 1, 1, tzinfo=UTC),
                    updated_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
    migrate.upgrade(database)
    with database.engine.connect() as connection:
        keys = connection.execute(sa.text("SELECT record_id, kind, key FROM record_keys")).all()
    assert [tuple(k) for k in keys] == [(1, "fingerprint", "open_mark")]
    database.engine.dispose()
