"""probing limits lifted early by a data protection officer

A limit is a suspicion, not a finding: the officer who looked into it and found honest work
(a border post checking one traveller often) lifts it, with a reason, and the searches before
the lift no longer count towards the next one.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("probing_limits") as batch:
        batch.add_column(sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lifted_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("lift_reason", sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("probing_limits") as batch:
        batch.drop_column("lift_reason")
        batch.drop_column("lifted_by")
        batch.drop_column("lifted_at")
