"""lifecycle: clock start event, paused time and the reset return date of a case

Revision ID: 0003_lifecycle
Revises: 0002_outbox
Create Date: 2026-11-22 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0003_lifecycle"
down_revision: str | Sequence[str] | None = "0002_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column(
                "clock_event",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="receipt",
            )
        )
        batch.add_column(
            sa.Column("paused_units", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("reset_due_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("clock_event", server_default=None)
        batch.alter_column("paused_units", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reset_due_at")
        batch.drop_column("paused_units")
        batch.drop_column("clock_event")
