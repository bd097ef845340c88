"""escalation steps

Revision ID: 0005_escalation
Revises: (see down_revision)
Create Date: 2026-11-22 22:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = '0005_escalation'
down_revision: str | Sequence[str] | None = '0004_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('escalation_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('deadline_key', sa.String(length=40), nullable=False),
    sa.Column('step', sa.String(length=48), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('scheduled_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('grace_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_escalation_steps_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_escalation_steps_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_steps')),
    sa.UniqueConstraint('case_id', 'deadline_key', 'step', name=op.f('uq_escalation_steps_case_id_deadline_key_step'))
    )


def downgrade() -> None:
    op.drop_table('escalation_steps')
