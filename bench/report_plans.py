"""The plan and time of every statement the summary report and the dashboard issue.

    python -m bench.report_plans --database-url URL [--viewer admin|province|commune]
                                 [--from 2026-01-01] [--to 2026-11-22] [--analyze]

Runs the report functions of `workflows/reports/summary.py` as the dashboard does, over a database
made by `bench.generate`, captures each SQL statement with its parameters, and prints
`EXPLAIN (ANALYZE, BUFFERS)` (PostgreSQL; plain EXPLAIN without --analyze) or
`EXPLAIN QUERY PLAN` (SQLite), and the time of one plain run of the statement.
"""

import argparse
import sys
import time
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from core.clock import local_date
from models.db import make_engine
from workflows.org import agencies
from workflows.reports import summary as reports


def viewer_scope(session: Session, viewer: str) -> tuple[int | None, list[int] | None]:
    if viewer == "admin":
        return None, None
    if viewer == "province":
        sql = "SELECT id FROM agencies WHERE parent_id IS NULL ORDER BY id LIMIT 1"
    else:
        sql = "SELECT id FROM agencies WHERE name LIKE 'UBND x%' ORDER BY id LIMIT 1"
    agency_id = session.execute(sa.text(sql)).scalar_one()
    return agency_id, agencies.subtree_ids(session=session, agency_id=agency_id)


def captured(engine, fn) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return statements


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_plans")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--viewer", choices=["admin", "province", "commune"], default="admin")
    parser.add_argument("--from", dest="period_from", type=date.fromisoformat)
    parser.add_argument("--to", dest="period_to", type=date.fromisoformat)
    parser.add_argument("--analyze", action="store_true", help="run the statements (PostgreSQL)")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    today = local_date(now)
    period_to = args.period_to or today
    period_from = args.period_from or date(period_to.year, 1, 1)
    engine = make_engine(args.database_url)
    postgres = engine.dialect.name == "postgresql"
    with Session(engine) as session:
        agency_id, scope = viewer_scope(session, args.viewer)
        common = {"session": session, "agency_ids": scope, "now": now}

        def dashboard():
            reports.summary(
                **common, agency_id=agency_id, period_from=period_from, period_to=period_to
            )
            reports.soon_due_count(**common)
            reports.agencies_by_overdue(**common)
            reports.ping_pong_cases(session=session, agency_ids=scope)

        statements = captured(engine, dashboard)
        raw = session.connection().connection.driver_connection
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # BEGIN IMMEDIATE (the SQLite engine's transactions)
            print("=" * 100)
            print(statement.strip())
            cursor = raw.cursor()
            if postgres:
                options = "ANALYZE, BUFFERS" if args.analyze else "COSTS"
                cursor.execute(f"EXPLAIN ({options}) {statement}", parameters)
                print("\n".join(row[0] for row in cursor.fetchall()))
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                print("\n".join(f"  {row[-1]}" for row in cursor.fetchall()))
            # EXPLAIN ANALYZE times every row (several times slower): time a plain run too.
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            print(f"  run: {(time.perf_counter() - started) * 1000:.1f} ms")
            cursor.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
