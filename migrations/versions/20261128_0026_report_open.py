"""report open: the country's open cases per month, for the national figures as of now

Revision ID: 0026_report_open
Revises: 0025_report_months
Create Date: 2026-11-28 18:00:00

The summary's figures as of now (open, overdue, backlog by age, bounced, escalated) counted
every open case's index entry: for the whole country at 10,000,000 cases, about 670,000
entries and 0.5–1.5 s. `report_open_months` keeps, per shard and local month, the open cases
by the month they were received (with how many of them bounced or escalated) and the running
cases by the month they fall due. The national summary sums those few thousand rows and
counts from two partial indexes only the days between a boundary (now, or now less 1, 3, 12
or 36 months) and the nearer end of its month (workflows/reports/open_rollup.py). Reports
of a part of the country keep counting their own cases' entries, which is fast enough.

Shards (the agency id modulo 16): one row per month for the whole country would make every
intake in the country wait for the one before it to commit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_report_open"
down_revision: str | Sequence[str] | None = "0025_report_months"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZONE = "Asia/Ho_Chi_Minh"
HOURS_EAST = 7
SHARDS = 16
OPEN = "('received', 'accepted', 'on_hold')"  # models.OPEN_STATUSES
RUNNING = "('received', 'accepted')"  # workflows.deadlines.overdue.RUNNING
FIGURES = ("open", "ping_pong", "escalated", "running_due")
COLUMNS = ("agency_id", "status", "received_at", "due_at", "ping_pong", "escalation_level")


def _month(column: str, postgres: bool) -> str:
    if postgres:
        return f"date_trunc('month', {column} AT TIME ZONE '{ZONE}')::date"
    return f"strftime('%Y-%m-01', {column}, '+{HOURS_EAST} hours')"


def _deltas(rows: str, sign: int, postgres: bool) -> str:
    """What the cases `rows` (a FROM item) add, times `sign`."""
    return (
        f"SELECT agency_id % {SHARDS} AS shard, {_month('received_at', postgres)} AS month, "
        f"{sign} AS open, CASE WHEN ping_pong THEN {sign} ELSE 0 END AS ping_pong, "
        f"CASE WHEN escalation_level >= 1 THEN {sign} ELSE 0 END AS escalated, "
        f"0 AS running_due FROM {rows} WHERE status IN {OPEN} "
        f"UNION ALL SELECT agency_id % {SHARDS}, {_month('due_at', postgres)}, 0, 0, 0, {sign} "
        f"FROM {rows} WHERE status IN {RUNNING} AND due_at IS NOT NULL"
    )


def _upsert(deltas: str) -> str:
    sums = ", ".join(f"sum({f})" for f in FIGURES)
    add = ", ".join(f"{f} = report_open_months.{f} + excluded.{f}" for f in FIGURES)
    return (
        f"INSERT INTO report_open_months (shard, month, {', '.join(FIGURES)}) "
        f"SELECT shard, month, {sums} FROM ({deltas}) AS d WHERE true "
        "GROUP BY shard, month ORDER BY shard, month "
        f"ON CONFLICT (shard, month) DO UPDATE SET {add}"
    )


def _row(record: str, postgres: bool) -> str:
    if postgres:
        values = ", ".join(f"{record}.{c}" for c in COLUMNS)
        return f"(VALUES ({values})) AS r({', '.join(COLUMNS)})"
    return f"(SELECT {', '.join(f'{record}.{c} AS {c}' for c in COLUMNS)}) AS r"


def _changed(postgres: bool) -> str:
    differ = "IS DISTINCT FROM" if postgres else "IS NOT"
    moved = [f"OLD.{c} {differ} NEW.{c}" for c in COLUMNS if c != "escalation_level"]
    return " OR ".join([*moved, "(OLD.escalation_level >= 1) <> (NEW.escalation_level >= 1)"])


def _update(postgres: bool) -> str:
    return _upsert(
        f"{_deltas(_row('OLD', postgres), -1, postgres)} "
        f"UNION ALL {_deltas(_row('NEW', postgres), 1, postgres)}"
    )


def upgrade() -> None:
    op.create_table(
        "report_open_months",
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(f, sa.Integer(), nullable=False) for f in FIGURES),
        sa.PrimaryKeyConstraint("shard", "month", name=op.f("pk_report_open_months")),
    )
    # The days next to a boundary: open cases by receipt, running cases by due date.
    op.create_index(
        "ix_cases_open_received",
        "cases",
        ["received_at"],
        postgresql_where=sa.text(f"status IN {OPEN}"),
        sqlite_where=sa.text(f"status IN {OPEN}"),
    )
    op.create_index(
        "ix_cases_running_due",
        "cases",
        ["due_at"],
        postgresql_where=sa.text(f"status IN {RUNNING} AND due_at IS NOT NULL"),
        sqlite_where=sa.text(f"status IN {RUNNING} AND due_at IS NOT NULL"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(_upsert(_deltas("cases", 1, postgres)))
    columns = ", ".join(COLUMNS)
    if postgres:
        op.execute(
            "CREATE FUNCTION report_open_months() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' THEN {_upsert(_deltas('new_rows', 1, True))}; "
            f"ELSIF TG_OP = 'DELETE' THEN {_upsert(_deltas('old_rows', -1, True))}; "
            f"ELSIF TG_OP = 'UPDATE' THEN {_update(True)}; "
            "ELSIF TG_OP = 'TRUNCATE' THEN DELETE FROM report_open_months; "
            "END IF; RETURN NULL; END $$"
        )
        function = "EXECUTE FUNCTION report_open_months()"
        op.execute(
            "CREATE TRIGGER cases_report_open_insert AFTER INSERT ON cases "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {function}"
        )
        op.execute(
            "CREATE TRIGGER cases_report_open_delete AFTER DELETE ON cases "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT {function}"
        )
        op.execute(
            f"CREATE TRIGGER cases_report_open_update AFTER UPDATE OF {columns} ON cases "
            f"FOR EACH ROW WHEN ({_changed(True)}) {function}"
        )
        op.execute(
            "CREATE TRIGGER cases_report_open_truncate AFTER TRUNCATE ON cases "
            f"FOR EACH STATEMENT {function}"
        )
        return
    triggers = {
        "insert": ("AFTER INSERT", "", _upsert(_deltas(_row("NEW", False), 1, False))),
        "delete": ("AFTER DELETE", "", _upsert(_deltas(_row("OLD", False), -1, False))),
        "update": (f"AFTER UPDATE OF {columns}", f" WHEN {_changed(False)}", _update(False)),
    }
    for event, (timing, when, body) in triggers.items():
        op.execute(
            f"CREATE TRIGGER cases_report_open_{event} {timing} ON cases "
            f"FOR EACH ROW{when} BEGIN {body}; END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    events = (
        ("insert", "delete", "update", "truncate") if postgres else ("insert", "delete", "update")
    )
    for event in events:
        op.execute(f"DROP TRIGGER cases_report_open_{event}" + (" ON cases" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION report_open_months()")
    op.drop_index("ix_cases_running_due", table_name="cases")
    op.drop_index("ix_cases_open_received", table_name="cases")
    op.drop_table("report_open_months")
