"""bench indexes: open-case figures and events by action and time

Revision ID: 0008_bench_indexes
Revises: (see down_revision)
Create Date: 2026-11-22 22:45:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008_bench_indexes'
down_revision: str | Sequence[str] | None = '0006_inspections'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_cases_open_figures',
        'cases',
        ['status', 'agency_id', 'due_at', 'received_at', 'paused_at', 'escalation_level',
         'ping_pong'],
        unique=False,
    )
    op.create_index('ix_case_events_action_at', 'case_events', ['action', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_events_action_at', table_name='case_events')
    op.drop_index('ix_cases_open_figures', table_name='cases')
