"""report months: each agency's period figures per local month, kept by triggers

Revision ID: 0025_report_months
Revises: 0024_form_tokens
Create Date: 2026-11-28 17:20:00

The summary report counted received, resolved, on-time, transfer and escalation figures from
the indexes of `cases` and `case_events`: at 10,000,000 cases a national year read millions of
index entries (2.2 s). `report_months` holds those figures per agency and local month; the
report reads whole months from it and counts only the days of a partial month
(workflows/reports/rollup.py).

Triggers keep it, in the transaction of every write to `cases` and `case_events`, whoever
writes: on PostgreSQL statement-level triggers with transition tables for inserts and deletes
(one grouped upsert per statement, so the sweep's COPY of 1,000 events is one statement more,
not 1,000) and a row-level trigger for the updates that move a figure (agency, received,
resolved, due); on SQLite row-level triggers. The upgrade fills the table from the rows
already there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_report_months"
down_revision: str | Sequence[str] | None = "0024_form_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZONE = "Asia/Ho_Chi_Minh"  # core.clock.LOCAL_TZ: local months, as the reports count days
HOURS_EAST = 7  # the zone's offset for SQLite, which has no zone database (no DST since 1975)
FIGURES = ("received", "resolved", "resolved_on_time", "transfers", "escalations")
# The columns whose change moves a figure.
CASE_COLUMNS = ("agency_id", "received_at", "resolved_at", "resolved_due_at")
EVENT_COLUMNS = ("case_id", "agency_id", "action", "at")


def _month(column: str, postgres: bool) -> str:
    if postgres:
        return f"date_trunc('month', {column} AT TIME ZONE '{ZONE}')::date"
    return f"strftime('%Y-%m-01', {column}, '+{HOURS_EAST} hours')"


def _case_deltas(rows: str, sign: int, postgres: bool) -> str:
    """The figures `rows` of cases (a FROM item: agency_id, received_at, resolved_at,
    resolved_due_at) add, times `sign`."""
    on_time = "resolved_due_at IS NOT NULL AND resolved_at <= resolved_due_at"
    return (
        f"SELECT agency_id, {_month('received_at', postgres)} AS month, {sign} AS received, "
        "0 AS resolved, 0 AS resolved_on_time, 0 AS transfers, 0 AS escalations "
        f"FROM {rows} "
        f"UNION ALL SELECT agency_id, {_month('resolved_at', postgres)}, 0, {sign}, "
        f"CASE WHEN {on_time} THEN {sign} ELSE 0 END, 0, 0 "
        f"FROM {rows} WHERE resolved_at IS NOT NULL"
    )


def _event_deltas(rows: str, sign: int, postgres: bool) -> str:
    """The figures `rows` of events (a FROM item aliased e) add, times `sign`: an event
    without an agency (none of ours; SQL by hand) counts for its case's agency."""
    escalation = "substr(e.action, 1, 7) = 'escalat'"
    return (
        f"SELECT coalesce(e.agency_id, c.agency_id) AS agency_id, {_month('e.at', postgres)} AS month, "
        "0 AS received, 0 AS resolved, 0 AS resolved_on_time, "
        f"CASE WHEN e.action = 'transfer' THEN {sign} ELSE 0 END AS transfers, "
        f"CASE WHEN {escalation} THEN {sign} ELSE 0 END AS escalations "
        f"FROM {rows} LEFT JOIN cases c ON e.agency_id IS NULL AND c.id = e.case_id "
        f"WHERE e.action = 'transfer' OR {escalation}"
    )


def _moved_events(old: str, new: str, postgres: bool) -> str:
    """When a case moves from agency `old` to `new`, its events without an agency of their own
    (SQL by hand) move with it: the summary counts them for the case's agency."""
    escalation = "substr(e.action, 1, 7) = 'escalat'"
    return " UNION ALL ".join(
        f"SELECT {record}.agency_id, {_month('e.at', postgres)}, 0, 0, 0, "
        f"CASE WHEN e.action = 'transfer' THEN {sign} ELSE 0 END, "
        f"CASE WHEN {escalation} THEN {sign} ELSE 0 END "
        f"FROM case_events e WHERE e.case_id = {record}.id AND e.agency_id IS NULL "
        f"AND {record}.agency_id {'IS DISTINCT FROM' if postgres else 'IS NOT'} {other}.agency_id "
        f"AND (e.action = 'transfer' OR {escalation})"
        for record, other, sign in ((old, new, -1), (new, old, 1))
    )


def _counted_event(record: str) -> str:
    return f"({record}.action = 'transfer' OR substr({record}.action, 1, 7) = 'escalat')"


def _upsert(deltas: str) -> str:
    """Add the summed `deltas` to report_months, in key order (two writers lock rows in the
    same order)."""
    sums = ", ".join(f"sum({f})" for f in FIGURES)
    add = ", ".join(f"{f} = report_months.{f} + excluded.{f}" for f in FIGURES)
    return (
        f"INSERT INTO report_months (agency_id, month, {', '.join(FIGURES)}) "
        f"SELECT agency_id, month, {sums} FROM ({deltas}) AS d WHERE agency_id IS NOT NULL "
        "GROUP BY agency_id, month ORDER BY agency_id, month "
        f"ON CONFLICT (agency_id, month) DO UPDATE SET {add}"
    )


def _row(record: str, columns: tuple[str, ...], alias: str, postgres: bool) -> str:
    """A FROM item of one row: a trigger's OLD or NEW record."""
    values = ", ".join(f"{record}.{c}" for c in columns)
    if postgres:
        return f"(VALUES ({values})) AS {alias}({', '.join(columns)})"
    return f"(SELECT {', '.join(f'{record}.{c} AS {c}' for c in columns)}) AS {alias}"


def _changed(columns: tuple[str, ...], postgres: bool) -> str:
    differ = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in columns)


TABLES = {
    # table: (its deltas, the columns that move a figure)
    "cases": (_case_deltas, CASE_COLUMNS),
    "case_events": (_event_deltas, EVENT_COLUMNS),
}


def _create_postgres() -> None:
    for table, (deltas, columns) in TABLES.items():

        def rows(record: str) -> str:
            return _row(record, columns, "e", postgres=True)

        update = f"{deltas(rows('OLD'), -1, True)} UNION ALL {deltas(rows('NEW'), 1, True)}"
        if table == "cases":
            update += f" UNION ALL {_moved_events('OLD', 'NEW', True)}"
        changed = _upsert(update)
        op.execute(
            f"CREATE FUNCTION report_months_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            f"IF TG_OP = 'INSERT' THEN {_upsert(deltas('new_rows e', 1, True))}; "
            f"ELSIF TG_OP = 'DELETE' THEN {_upsert(deltas('old_rows e', -1, True))}; "
            f"ELSIF TG_OP = 'UPDATE' THEN {changed}; "
            "ELSIF TG_OP = 'TRUNCATE' THEN "
            + (
                "DELETE FROM report_months; "
                if table == "cases"
                else "UPDATE report_months SET transfers = 0, escalations = 0; "
            )
            + "END IF; RETURN NULL; END $$"
        )
        function = f"EXECUTE FUNCTION report_months_{table}()"
        op.execute(
            f"CREATE TRIGGER {table}_report_months_insert AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {function}"
        )
        op.execute(
            f"CREATE TRIGGER {table}_report_months_delete AFTER DELETE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT {function}"
        )
        op.execute(
            f"CREATE TRIGGER {table}_report_months_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW WHEN ({_changed(columns, True)}) {function}"
        )
        op.execute(
            f"CREATE TRIGGER {table}_report_months_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT {function}"
        )


def _create_sqlite() -> None:
    for table, (deltas, columns) in TABLES.items():

        def rows(record: str) -> str:
            return _row(record, columns, "e", postgres=False)

        bodies = {
            "insert": ("AFTER INSERT", deltas(rows("NEW"), 1, False)),
            "delete": ("AFTER DELETE", deltas(rows("OLD"), -1, False)),
            "update": (
                f"AFTER UPDATE OF {', '.join(columns)}",
                f"{deltas(rows('OLD'), -1, False)} UNION ALL {deltas(rows('NEW'), 1, False)}"
                + (f" UNION ALL {_moved_events('OLD', 'NEW', False)}" if table == "cases" else ""),
            ),
        }
        for event, (timing, body) in bodies.items():
            when = f" WHEN {_changed(columns, False)}" if event == "update" else ""
            if table == "case_events" and event != "update":
                # Most events count for nothing (receive, accept, reminder…): no upsert.
                record = "NEW" if event == "insert" else "OLD"
                when = f" WHEN {_counted_event(record)}"
            op.execute(
                f"CREATE TRIGGER {table}_report_months_{event} {timing} ON {table} "
                f"FOR EACH ROW{when} BEGIN {_upsert(body)}; END"
            )


def upgrade() -> None:
    op.create_table(
        "report_months",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(f, sa.Integer(), nullable=False) for f in FIGURES),
        sa.PrimaryKeyConstraint("agency_id", "month", name=op.f("pk_report_months")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        _upsert(
            f"{_case_deltas('cases', 1, postgres)} "
            f"UNION ALL {_event_deltas('case_events e', 1, postgres)}"
        )
    )
    if postgres:
        _create_postgres()
    else:
        _create_sqlite()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgres:
            for event in ("insert", "delete", "update", "truncate"):
                op.execute(f"DROP TRIGGER {table}_report_months_{event} ON {table}")
            op.execute(f"DROP FUNCTION report_months_{table}()")
        else:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_report_months_{event}")
    op.drop_table("report_months")
