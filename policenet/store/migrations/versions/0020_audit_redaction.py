"""an erasure reaches the audit log: entries hash a digest of their detail, and say which
records they name

From this revision on an entry's hash covers the SHA-256 of its detail (``detail_digest``),
not the detail itself, so that an erasure can blank what a check asked of an erased person and
the chain still verifies; ``audit_mentions`` lists the records each check's hits named, to
find those entries; the subject index finds the entries about a record. Events are found by
their subject too (a hit's alerts), to blank them when the record is erased.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.add_column(sa.Column("detail_digest", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
    op.create_table(
        "audit_mentions",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "seq", name=op.f("pk_audit_mentions")),
    )
    op.create_index("ix_events_subject", "events", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_events_subject", table_name="events")
    op.drop_table("audit_mentions")
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    with op.batch_alter_table("audit_log") as table:
        table.drop_column("detail_digest")
