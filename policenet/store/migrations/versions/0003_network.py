"""the secure network: events, hit follow-up, messages, keys, working groups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_mailbox_id", ["mailbox", "id"], unique=False)

    op.create_table(
        "bureau_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("encryption_key", sa.String(length=64), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_bureau_keys_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["principals.id"],
            name=op.f("fk_bureau_keys_registered_by_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_bureau_keys_fingerprint")),
    )
    with op.batch_alter_table("bureau_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bureau_keys_bureau_id"), ["bureau_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("thread", sa.String(length=40), nullable=False),
        sa.Column("hit_reference", sa.String(length=40), nullable=True),
        sa.Column("in_reply_to", sa.String(length=40), nullable=True),
        sa.Column("sender_bureau_id", sa.String(length=20), nullable=False),
        sa.Column("sender_principal_id", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("seal", sa.JSON(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_bureau_id"], ["bureaus.id"], name=op.f("fk_messages_sender_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["sender_principal_id"],
            ["principals.id"],
            name=op.f("fk_messages_sender_principal_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("reference", name=op.f("uq_messages_reference")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_hit_reference"), ["hit_reference"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_messages_sender_bureau_id"), ["sender_bureau_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_messages_thread"), ["thread"], unique=False)

    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("crime_area", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_working_groups_created_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_working_groups_name")),
    )
    op.create_table(
        "message_attachments",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_attachments_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", "position", name=op.f("pk_message_attachments")),
    )
    op.create_table(
        "message_recipients",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.String(length=20), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_message_recipients_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_recipients_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["read_by"], ["principals.id"], name=op.f("fk_message_recipients_read_by_principals")
        ),
        sa.PrimaryKeyConstraint("message_id", "bureau_id", name=op.f("pk_message_recipients")),
    )
    with op.batch_alter_table("message_recipients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_recipients_bureau", ["bureau_id", "message_id"], unique=False
        )

    op.create_table(
        "working_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_working_group_members_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_working_group_members_group_id_working_groups"),
        ),
        sa.PrimaryKeyConstraint("group_id", "bureau_id", name=op.f("pk_working_group_members")),
    )
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checker_agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="open", nullable=False)
        )
        batch_op.add_column(
            sa.Column("urgency", sa.String(length=20), server_default="routine", nullable=False)
        )
        batch_op.add_column(sa.Column("urgency_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_hits_open_due", ["status", "due_at"], unique=False)

    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clearance", sa.String(length=20), nullable=True))
    # Hits made before this revision keep no deadline (due_at NULL): the rule did not exist.


def downgrade() -> None:

    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.drop_column("clearance")

    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_index("ix_hits_open_due")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("due_at")
        batch_op.drop_column("urgency_reason")
        batch_op.drop_column("urgency")
        batch_op.drop_column("status")
        batch_op.drop_column("checker_agency_id")

    op.drop_table("working_group_members")
    with op.batch_alter_table("message_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_message_recipients_bureau")

    op.drop_table("message_recipients")
    op.drop_table("message_attachments")
    op.drop_table("working_groups")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_thread"))
        batch_op.drop_index(batch_op.f("ix_messages_sender_bureau_id"))
        batch_op.drop_index(batch_op.f("ix_messages_hit_reference"))

    op.drop_table("messages")
    with op.batch_alter_table("bureau_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bureau_keys_bureau_id"))

    op.drop_table("bureau_keys")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_mailbox_id")

    op.drop_table("events")
