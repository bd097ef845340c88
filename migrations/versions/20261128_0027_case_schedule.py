"""case schedule: the sweep's next look at each case, out of `cases`

Revision ID: 0027_case_schedule
Revises: 0026_report_open
Create Date: 2026-11-28 20:30:00

`cases.next_action_at` moves to its own narrow table, `case_schedule`, with a row only for
the cases the sweep will look at. Rescheduling a case after a reminder changed an indexed
column of `cases`, so PostgreSQL wrote a new entry into each of its twenty indexes: 3.5 GB
at 10,000,000 cases, most of it outside `shared_buffers`, and the sweep's cost per step grew
with the number of finished cases (docs/benchmarks.md, "National scale"). Now the sweep
writes `cases` only when a step changes the level or the long-pending flag.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0027_case_schedule"
down_revision: str | Sequence[str] | None = "0026_report_open"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_schedule",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("next_action_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_schedule_case_id_cases"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_schedule")),
    )
    op.execute(
        "INSERT INTO case_schedule (case_id, next_action_at) "
        "SELECT id, next_action_at FROM cases WHERE next_action_at IS NOT NULL"
    )
    op.create_index("ix_case_schedule_due", "case_schedule", ["next_action_at", "case_id"])
    op.drop_index("ix_cases_next_action_at", table_name="cases")
    # Native on both (SQLite since 3.35): no batch copy of `cases`, which would drop the
    # report triggers of migrations 0025 and 0026 with the old table.
    op.execute("ALTER TABLE cases DROP COLUMN next_action_at")


def downgrade() -> None:
    op.add_column(
        "cases",
        sa.Column("next_action_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE cases SET next_action_at = (SELECT s.next_action_at FROM case_schedule s "
        "WHERE s.case_id = cases.id)"
    )
    op.create_index("ix_cases_next_action_at", "cases", ["next_action_at"])
    op.drop_table("case_schedule")
