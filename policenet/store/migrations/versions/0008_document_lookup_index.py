"""one index for a travel document's uniqueness and its lookup

The unique index of active documents now leads with the issuing country and the comparison key
(O read as 0), so the check's lookup uses it and the separate lookup index goes: a bulk import
writes three B-trees a row instead of four. What is unique does not change, since the key is a
function of the number.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_travel_documents_lookup")
        batch_op.drop_index(
            "uq_travel_documents_active",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.create_index(
            "uq_travel_documents_active",
            ["issuing_country", "number_key", "document_type", "number"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_travel_documents_active",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.create_index(
            "uq_travel_documents_active",
            ["issuing_country", "document_type", "number"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.create_index(
            "ix_travel_documents_lookup", ["issuing_country", "number_key"], unique=False
        )
