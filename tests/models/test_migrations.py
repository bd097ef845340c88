"""Migrations build the schema from empty, and the models match it."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models


def test_migrated_schema_has_every_table(engine):
    names = set(sa.inspect(engine).get_table_names())
    assert set(models.metadata.tables) <= names
    assert "alembic_version" in names


def test_autogenerate_finds_no_difference(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, models.metadata)
    assert diff == []


def test_case_table_has_sweep_index(engine):
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("cases")}
    assert "ix_cases_next_action_at" in indexes
