"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_principal_id"), ["principal_id"], unique=False
        )

    op.create_table(
        "hub_meta",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hub_meta")),
    )
    op.create_table(
        "members",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_members")),
        sa.UniqueConstraint("alpha3", name=op.f("uq_members_alpha3")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("rights", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["country"], ["members.code"], name=op.f("fk_agencies_country_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_country"), ["country"], unique=False)

    op.create_table(
        "bureaus",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("member_code", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_bureaus_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureaus")),
        sa.UniqueConstraint("member_code", name=op.f("uq_bureaus_member_code")),
    )
    op.create_table(
        "principals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("bureau_id", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_principals_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_principals_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_principals_created_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
    )
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_principals_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_principals_bureau_id"), ["bureau_id"], unique=False)

    op.create_table(
        "membership_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["members.code"],
            name=op.f("fk_membership_decisions_member_code_members"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["principals.id"],
            name=op.f("fk_membership_decisions_recorded_by_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_decisions")),
    )
    with op.batch_alter_table("membership_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_decisions_member_code"), ["member_code"], unique=False
        )

    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_tokens_principal_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["principals.id"], name=op.f("fk_tokens_revoked_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tokens_token_hash")),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tokens_principal_id"), ["principal_id"], unique=False)

    op.create_table(
        "travel_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_bureau_id", sa.String(length=20), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("issuing_country", sa.String(length=2), nullable=False),
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("number_key", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=True),
        sa.Column("holder_birth_date", sa.Date(), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("visibility_countries", sa.JSON(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_bureau_id"],
            ["bureaus.id"],
            name=op.f("fk_travel_documents_owner_bureau_id_bureaus"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["principals.id"],
            name=op.f("fk_travel_documents_reported_by_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_documents")),
    )
    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_travel_documents_lookup", ["issuing_country", "number_key"], unique=False
        )
        batch_op.create_index(
            "uq_travel_documents_active",
            ["issuing_country", "document_type", "number"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
    # The audit chain starts from a head row that every writer locks in turn.
    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("id", sa.Integer()),
            sa.column("seq", sa.Integer()),
            sa.column("hash", sa.String()),
        ),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )


def downgrade() -> None:

    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_travel_documents_active",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.drop_index("ix_travel_documents_lookup")

    op.drop_table("travel_documents")
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tokens_principal_id"))

    op.drop_table("tokens")
    with op.batch_alter_table("membership_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_decisions_member_code"))

    op.drop_table("membership_decisions")
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principals_bureau_id"))
        batch_op.drop_index(batch_op.f("ix_principals_agency_id"))

    op.drop_table("principals")
    op.drop_table("bureaus")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_country"))

    op.drop_table("agencies")
    op.drop_table("members")
    op.drop_table("hub_meta")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_principal_id"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")
