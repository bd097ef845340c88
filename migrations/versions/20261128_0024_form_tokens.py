"""The intake form's one-time tokens

Revision ID: 0024_form_tokens
Revises: 0021_reference_generation
Create Date: 2026-11-28 14:30:00

Each intake form carries a token; its first submission claims it in the transaction that
registers the case, so going Back and submitting again opens the first case's receipt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0024_form_tokens"
down_revision: str | Sequence[str] | None = "0021_reference_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_form_tokens_case_id_cases")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_form_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_tokens")),
    )


def downgrade() -> None:
    op.drop_table("form_tokens")
