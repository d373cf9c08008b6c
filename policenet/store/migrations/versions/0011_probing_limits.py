"""probing limits

A principal whose searches hit one hit_only record of another bureau too often is limited;
the hits are counted per principal and record.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "probing_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("owner_bureau_id", sa.String(length=20), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_probing_limits_principal_id", "probing_limits", ["principal_id"])
    op.create_index("ix_hits_checker_record", "hits", ["checked_by", "record_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_hits_checker_record", table_name="hits")
    op.drop_index("ix_probing_limits_principal_id", table_name="probing_limits")
    op.drop_table("probing_limits")
