"""an owner watches its record

An owner asks to be told of every query on one of its records: an event each time another
bureau reads it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_watches",
        sa.Column("database", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["principals.id"]),
        sa.PrimaryKeyConstraint("database", "record_id"),
    )


def downgrade() -> None:
    op.drop_table("record_watches")
