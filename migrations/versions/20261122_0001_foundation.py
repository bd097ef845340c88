"""foundation

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-22 21:46:39.053578
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base
from sqlalchemy.dialects import postgresql

revision: str = '0001_foundation'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('remote_area', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('head_user_id', sa.Integer(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('dissolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['agencies.id'], name=op.f('fk_agencies_parent_id_agencies')),
    sa.ForeignKeyConstraint(['successor_id'], ['agencies.id'], name=op.f('fk_agencies_successor_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies'))
    )
    op.create_index(op.f('ix_agencies_parent_id'), 'agencies', ['parent_id'], unique=False)
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_table('code_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_counters')),
    sa.UniqueConstraint('prefix', 'year', name=op.f('uq_code_counters_prefix_year'))
    )
    op.create_table('users',
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_users_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_index(op.f('ix_users_agency_id'), 'users', ['agency_id'], unique=False)
    # agencies.head_user_id and users.agency_id point at each other: close the cycle here.
    with op.batch_alter_table('agencies') as batch:
        batch.create_foreign_key(
            op.f('fk_agencies_head_user_id_users'), 'users', ['head_user_id'], ['id']
        )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('citizen_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('citizen_phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('citizen_email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('citizen_address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('citizen_id_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('phone_digits', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('procedure', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('complexity', sa.String(length=24), nullable=False),
    sa.Column('remote_area', sa.Boolean(), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('clock_started_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('policy_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('extensions_used', sa.Integer(), nullable=False),
    sa.Column('date_reset_used', sa.Boolean(), nullable=False),
    sa.Column('transfer_count', sa.Integer(), nullable=False),
    sa.Column('ping_pong', sa.Boolean(), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('long_pending', sa.Boolean(), nullable=False),
    sa.Column('next_action_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('idempotency_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_cases_agency_id_agencies')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_cases_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('code', name=op.f('uq_cases_code')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_cases_idempotency_key'))
    )
    op.create_index('ix_cases_agency_status', 'cases', ['agency_id', 'status'], unique=False)
    op.create_index(op.f('ix_cases_assignee_id'), 'cases', ['assignee_id'], unique=False)
    op.create_index(op.f('ix_cases_citizen_id_number'), 'cases', ['citizen_id_number'], unique=False)
    op.create_index('ix_cases_citizen_phone', 'cases', ['citizen_phone'], unique=False)
    op.create_index(op.f('ix_cases_due_at'), 'cases', ['due_at'], unique=False)
    op.create_index(op.f('ix_cases_kind'), 'cases', ['kind'], unique=False)
    op.create_index(op.f('ix_cases_next_action_at'), 'cases', ['next_action_at'], unique=False)
    op.create_index(op.f('ix_cases_received_at'), 'cases', ['received_at'], unique=False)
    op.create_index(op.f('ix_cases_resolved_at'), 'cases', ['resolved_at'], unique=False)
    op.create_index(op.f('ix_cases_status'), 'cases', ['status'], unique=False)
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_events_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    op.create_index(op.f('ix_case_events_action'), 'case_events', ['action'], unique=False)
    op.create_index(op.f('ix_case_events_case_id'), 'case_events', ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agencies') as batch:
        batch.drop_constraint(op.f('fk_agencies_head_user_id_users'), type_='foreignkey')
    op.drop_index(op.f('ix_case_events_case_id'), table_name='case_events')
    op.drop_index(op.f('ix_case_events_action'), table_name='case_events')
    op.drop_table('case_events')
    op.drop_index(op.f('ix_cases_status'), table_name='cases')
    op.drop_index(op.f('ix_cases_resolved_at'), table_name='cases')
    op.drop_index(op.f('ix_cases_received_at'), table_name='cases')
    op.drop_index(op.f('ix_cases_next_action_at'), table_name='cases')
    op.drop_index(op.f('ix_cases_kind'), table_name='cases')
    op.drop_index(op.f('ix_cases_due_at'), table_name='cases')
    op.drop_index('ix_cases_citizen_phone', table_name='cases')
    op.drop_index(op.f('ix_cases_citizen_id_number'), table_name='cases')
    op.drop_index(op.f('ix_cases_assignee_id'), table_name='cases')
    op.drop_index('ix_cases_agency_status', table_name='cases')
    op.drop_table('cases')
    op.drop_index(op.f('ix_users_agency_id'), table_name='users')
    op.drop_table('users')
    op.drop_table('code_counters')
    op.drop_table('calendar_days')
    op.drop_index(op.f('ix_agencies_parent_id'), table_name='agencies')
    op.drop_table('agencies')
