"""how far a check journal is chained in the audit log

On SQLite, a check that found nothing while an import held the write lock commits its audit
entry to a journal file of its own; the hub chains the journal's entries into the audit log
later, and keeps here, in the same transaction, the last one it chained.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_journal_marks",
        sa.Column("generation", sa.String(length=32), nullable=False),
        sa.Column("upto", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("generation", name=op.f("pk_audit_journal_marks")),
    )


def downgrade() -> None:
    op.drop_table("audit_journal_marks")
