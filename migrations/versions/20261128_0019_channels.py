"""API keys for partner systems (Open311); the citizen's rating; SMS notifications

Revision ID: 0019_channels
Revises: 0018_faults
Create Date: 2026-11-28 12:00:00

A key is stored as its sha256 only, scoped to one agency, registered by an account of that
agency that cannot sign in, and revocable (`revoked_at`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0019_channels"
down_revision: str | Sequence[str] | None = "0018_faults"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_api_keys_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_index(op.f("ix_api_keys_agency_id"), "api_keys", ["agency_id"], unique=False)
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=8), server_default="email", nullable=False)
        )
    op.create_table(
        "case_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("access", sa.Integer(), nullable=True),
        sa.Column("procedure", sa.Integer(), nullable=True),
        sa.Column("officials", sa.Integer(), nullable=True),
        sa.Column("result", sa.Integer(), nullable=True),
        sa.Column("timeliness", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_feedback_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_feedback_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_feedback")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_feedback_case_id")),
    )
    op.create_index(
        op.f("ix_case_feedback_agency_id"), "case_feedback", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_feedback_created_at"), "case_feedback", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("case_feedback")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("channel")
    op.drop_index("ix_api_keys_agency_id", table_name="api_keys")
    op.drop_table("api_keys")
