"""retention: reminders and erasure

The daily retention job reminds owners 90 days before a record's review date and erases the
content of records past it that were not renewed, keeping the fact that they existed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("records", "travel_documents")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True)))
            batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("erased_at")
            batch_op.drop_column("reminded_at")
