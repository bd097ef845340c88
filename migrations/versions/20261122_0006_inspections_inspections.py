"""inspections

Revision ID: 0006_inspections
Revises: (see down_revision)
Create Date: 2026-11-22 22:00:52.629024
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base


revision: str = '0006_inspections'
down_revision: str | Sequence[str] | None = '0005_escalation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('include_subtree', sa.Boolean(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('meeting_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_inspections_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspections_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    op.create_index(op.f('ix_inspections_agency_id'), 'inspections', ['agency_id'], unique=False)
    op.create_index('ix_inspections_kind_meeting', 'inspections', ['kind', 'meeting_at'], unique=False)
    op.create_index(op.f('ix_inspections_meeting_at'), 'inspections', ['meeting_at'], unique=False)
    op.create_table('inspection_conclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inspection_conclusions_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspection_conclusions_created_by_id_users')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_conclusions_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], name=op.f('fk_inspection_conclusions_responsible_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_conclusions')),
    sa.UniqueConstraint('inspection_id', 'case_id', name=op.f('uq_inspection_conclusions_inspection_id_case_id'))
    )
    op.create_index(op.f('ix_inspection_conclusions_case_id'), 'inspection_conclusions', ['case_id'], unique=False)
    op.create_index(op.f('ix_inspection_conclusions_inspection_id'), 'inspection_conclusions', ['inspection_id'], unique=False)
    op.create_table('inspection_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('target_agency_id', sa.Integer(), nullable=True),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(target_agency_id IS NULL) <> (target_user_id IS NULL)', name=op.f('ck_inspection_measures_one_target')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspection_measures_created_by_id_users')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_measures_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['target_agency_id'], ['agencies.id'], name=op.f('fk_inspection_measures_target_agency_id_agencies')),
    sa.ForeignKeyConstraint(['target_user_id'], ['users.id'], name=op.f('fk_inspection_measures_target_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_measures'))
    )
    op.create_index(op.f('ix_inspection_measures_inspection_id'), 'inspection_measures', ['inspection_id'], unique=False)
    op.create_index(op.f('ix_inspection_measures_measure'), 'inspection_measures', ['measure'], unique=False)
    op.create_index(op.f('ix_inspection_measures_target_agency_id'), 'inspection_measures', ['target_agency_id'], unique=False)
    op.create_index(op.f('ix_inspection_measures_target_user_id'), 'inspection_measures', ['target_user_id'], unique=False)
    op.create_table('inspection_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_members_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inspection_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_members')),
    sa.UniqueConstraint('inspection_id', 'user_id', name=op.f('uq_inspection_members_inspection_id_user_id'))
    )
    op.create_index(op.f('ix_inspection_members_inspection_id'), 'inspection_members', ['inspection_id'], unique=False)
    op.create_index(op.f('ix_inspection_members_user_id'), 'inspection_members', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inspection_members_user_id'), table_name='inspection_members')
    op.drop_index(op.f('ix_inspection_members_inspection_id'), table_name='inspection_members')
    op.drop_table('inspection_members')
    op.drop_index(op.f('ix_inspection_measures_target_user_id'), table_name='inspection_measures')
    op.drop_index(op.f('ix_inspection_measures_target_agency_id'), table_name='inspection_measures')
    op.drop_index(op.f('ix_inspection_measures_measure'), table_name='inspection_measures')
    op.drop_index(op.f('ix_inspection_measures_inspection_id'), table_name='inspection_measures')
    op.drop_table('inspection_measures')
    op.drop_index(op.f('ix_inspection_conclusions_inspection_id'), table_name='inspection_conclusions')
    op.drop_index(op.f('ix_inspection_conclusions_case_id'), table_name='inspection_conclusions')
    op.drop_table('inspection_conclusions')
    op.drop_index(op.f('ix_inspections_meeting_at'), table_name='inspections')
    op.drop_index('ix_inspections_kind_meeting', table_name='inspections')
    op.drop_index(op.f('ix_inspections_agency_id'), table_name='inspections')
    op.drop_table('inspections')
