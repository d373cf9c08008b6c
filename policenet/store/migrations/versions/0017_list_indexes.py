"""a bureau's records in the order of their ids

A list of one bureau's records pages through them newest first: an index on the owner and
the id, for travel documents and for the records of every other database (which replaces the
index on the owner alone).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_travel_documents_owner_bureau_id_id", "travel_documents", ["owner_bureau_id", "id"]
    )
    op.create_index(
        "ix_records_database_owner_bureau_id_id", "records", ["database", "owner_bureau_id", "id"]
    )
    op.drop_index("ix_records_database_owner", table_name="records")


def downgrade() -> None:
    op.create_index("ix_records_database_owner", "records", ["database", "owner_bureau_id"])
    op.drop_index("ix_records_database_owner_bureau_id_id", table_name="records")
    op.drop_index("ix_travel_documents_owner_bureau_id_id", table_name="travel_documents")
