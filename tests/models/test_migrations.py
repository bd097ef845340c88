"""Migrations build the schema from empty, and the models match it."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session

import models
from migrations import upgrade
from models.db import engine_for
from tests.conftest import empty_database
from tests.factories import make_agency


def test_migrated_schema_has_every_table(engine):
    names = set(sa.inspect(engine).get_table_names())
    assert set(models.metadata.tables) <= names
    assert "alembic_version" in names


def test_autogenerate_finds_no_difference(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, models.metadata)
    assert diff == []


def test_the_sweeps_schedule_is_its_own_indexed_table(engine):
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("case_schedule")}
    assert "ix_case_schedule_due" in indexes
    assert "next_action_at" not in {c["name"] for c in sa.inspect(engine).get_columns("cases")}


def _insert_case(conn, *, code: str, agency_id: int, at: datetime, next_at=None) -> None:
    """A case row by hand, as of any revision (`next_at`: the column before 0027)."""
    columns = {
        "code": code, "kind": "complaint", "status": "accepted", "title": "Đơn",
        "description": "", "channel": "hotline", "citizen_name": "Nguyễn Văn A",
        "agency_id": agency_id, "instance": 1, "filed_after_window": False,
        "completion_requests": 0, "complexity": "normal", "remote_area": False,
        "received_at": at, "policy_version": "", "clock_event": "receipt", "paused_units": 0,
        "extensions_used": 0, "date_reset_used": False, "transfer_count": 0, "ping_pong": False,
        "escalation_level": 0, "long_pending": False, "version": 1, "updated_at": at,
    }  # fmt: skip
    if next_at is not None:
        columns["next_action_at"] = next_at
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    conn.execute(sa.text(f"INSERT INTO cases ({names}) VALUES ({values})"), columns)


def test_the_schedule_moves_out_of_cases_with_the_report_triggers_kept(tmp_path):
    """Migration 0027 on a database with cases: each scheduled case keeps its time, and the
    month rollups' triggers on `cases` survive the dropped column (on SQLite a table copy
    would have dropped them)."""
    at = datetime(2026, 3, 5, 1, tzinfo=UTC)
    with empty_database(tmp_path) as url:
        upgrade(url, "0026_report_open")
        engine = engine_for(url)
        try:
            with Session(engine) as session:
                agency_id = make_agency(session, "UBND phường Mới").id
            with engine.begin() as conn:
                _insert_case(conn, code="A-1", agency_id=agency_id, at=at, next_at=at)
                _insert_case(conn, code="A-2", agency_id=agency_id, at=at)
            upgrade(url)
            with Session(engine) as session:
                scheduled = session.execute(
                    sa.select(models.Case.code, models.CaseSchedule.next_action_at).join(
                        models.CaseSchedule, models.CaseSchedule.case_id == models.Case.id
                    )
                ).all()
                assert [tuple(row) for row in scheduled] == [("A-1", at)]
            with engine.begin() as conn:
                _insert_case(conn, code="A-3", agency_id=agency_id, at=at)
            with Session(engine) as session:  # the trigger of migration 0025 counted it
                month = session.scalars(sa.select(models.ReportMonth)).one()
                assert (month.agency_id, month.received) == (agency_id, 3)
        finally:
            engine.dispose()
