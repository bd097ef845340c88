"""job runs: when the sweep and the delivery last finished, for /readyz

Revision ID: 0018_faults
Revises: 0017_scheduler_lease
Create Date: 2026-11-28 11:30:00

One row per scheduled job, replaced by each successful run: the health check says when the
scheduler last swept without reading the escalation history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0018_faults"
down_revision: str | Sequence[str] | None = "0017_scheduler_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("job"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
