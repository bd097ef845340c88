"""report speed: the agency on every event, index-only ranges for the summary's figures

Revision ID: 0009_report_speed
Revises: (see down_revision)
Create Date: 2026-11-23 05:00:00

Events written without an agency get their case's agency (the agency that holds the case
at this migration, which is what the reports counted them under until now), so that the
summary filters case_events by agency without joining every event to its case. The
indexes serve the summary's period figures (docs/benchmarks.md, "Reports"); two
single-column indexes are dropped because a new composite one leads with the same column.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_report_speed"
down_revision: str | Sequence[str] | None = "0008_bench_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE case_events SET agency_id = "
        "(SELECT cases.agency_id FROM cases WHERE cases.id = case_events.case_id) "
        "WHERE agency_id IS NULL"
    )
    op.create_index(
        "ix_case_events_agency_action_at",
        "case_events",
        ["agency_id", "action", "at"],
        unique=False,
    )
    op.drop_index("ix_case_events_action", table_name="case_events")  # ix_case_events_action_at
    op.create_index("ix_cases_agency_received", "cases", ["agency_id", "received_at"], unique=False)
    op.create_index(
        "ix_cases_agency_resolved",
        "cases",
        ["agency_id", "resolved_at", "resolved_due_at"],
        unique=False,
    )
    op.create_index(
        "ix_cases_resolved_on_time", "cases", ["resolved_at", "resolved_due_at"], unique=False
    )
    op.drop_index("ix_cases_resolved_at", table_name="cases")  # ix_cases_resolved_on_time


def downgrade() -> None:
    # The agencies written on older events stay: they are what the reports counted anyway.
    op.create_index("ix_cases_resolved_at", "cases", ["resolved_at"], unique=False)
    op.drop_index("ix_cases_resolved_on_time", table_name="cases")
    op.drop_index("ix_cases_agency_resolved", table_name="cases")
    op.drop_index("ix_cases_agency_received", table_name="cases")
    op.create_index("ix_case_events_action", "case_events", ["action"], unique=False)
    op.drop_index("ix_case_events_agency_action_at", table_name="case_events")
