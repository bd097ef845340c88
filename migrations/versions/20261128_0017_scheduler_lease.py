"""scheduler lease: one server process of several runs the embedded schedule

Revision ID: 0017_scheduler_lease
Revises: 0015_adoption
Create Date: 2026-11-28 12:00:00

`dondoc serve --workers N` starts N server processes; the embedded scheduler runs in the one
that holds this row's lease, and records each sweep it claims (issue 18).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0017_scheduler_lease"
down_revision: str | Sequence[str] | None = "0015_adoption"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("swept_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("swept_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("scheduler_lease")
