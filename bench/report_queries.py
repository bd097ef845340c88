"""The summary report on a large table: our figures against the table's plain scan.

Fills a fresh database with N generated cases (default 1,000,000; inserted with Core
executemany, a spread of states and ages over ten years, 50 agencies in a three-level tree)
and times, each the best of --repeat runs:
  - "one full scan": `SELECT sum(transfer_count) FROM cases`, the floor any figure that
    reads every case pays (a bare count(*) would only read a small index);
  - "summary (all agencies)": workflows.reports.summary.summary for one year, every agency;
  - "summary (one subtree)": the same for a district subtree (about a fifth of the cases);
  - "dashboard extras": agencies ranked by overdue, soon-due count, bounced cases.
Ratios are against the full scan of the same run.

    python bench/reports.py [--cases 1000000] [--database-url URL] [--repeat 3] [--no-fill]
"""

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from migrations import upgrade  # noqa: E402
from models import Agency, Case  # noqa: E402
from models.db import make_engine  # noqa: E402
from workflows.org import agencies  # noqa: E402
from workflows.reports import summary as reports

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
STATUSES = ["received", "accepted", "on_hold", "resolved", "closed", "declined", "withdrawn"]


def fill(engine, n: int) -> list[int]:
    """50 agencies (1 province, 7 districts, 42 communes) and n cases; the district ids."""
    with Session(engine) as session:
        province = Agency(name="Tỉnh")
        session.add(province)
        session.flush()
        districts = [Agency(name=f"Huyện {i}", parent_id=province.id) for i in range(7)]
        session.add_all(districts)
        session.flush()
        communes = [
            Agency(name=f"Xã {d.id}-{j}", parent_id=d.id) for d in districts for j in range(6)
        ]
        session.add_all(communes)
        session.commit()
        ids = [province.id] + [d.id for d in districts] + [c.id for c in communes]
        district_ids = [d.id for d in districts]
    rng = random.Random(1)
    table = Case.__table__
    batch = []
    with engine.begin() as conn:
        for i in range(n):
            received = NOW - timedelta(days=rng.uniform(0, 3650))
            status = rng.choice(STATUSES)
            due = received + timedelta(days=rng.randint(5, 120))
            resolved = status in ("resolved", "closed")
            resolved_at = min(NOW, received + timedelta(days=rng.uniform(0, 200)))
            batch.append(
                {
                    "code": f"B-{i:08d}",
                    "kind": "complaint",
                    "status": status,
                    "title": "x",
                    "description": "",
                    "channel": "in_person",
                    "citizen_name": "x",
                    "agency_id": rng.choice(ids),
                    "received_at": received,
                    "due_at": due,
                    "resolved_at": resolved_at if resolved else None,
                    "resolved_due_at": due if resolved else None,
                    "transfer_count": rng.choice((0, 0, 0, 1, 2)),
                    "ping_pong": rng.random() < 0.02,
                    "escalation_level": rng.choice((0, 0, 0, 1)),
                    "updated_at": NOW,
                }
            )
            if len(batch) == 20_000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as autovacuum would gather
    return district_ids


def existing_districts(engine) -> list[int]:
    with Session(engine) as session:
        roots = select(Agency.id).where(Agency.parent_id.is_(None))
        return list(session.scalars(select(Agency.id).where(Agency.parent_id.in_(roots))))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-fill", action="store_true", help="time a database filled before")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='dondoc-bench-')}/b.db"
    engine = make_engine(url)
    if args.no_fill:
        district_ids = existing_districts(engine)
    else:
        upgrade(url)
        start = time.perf_counter()
        district_ids = fill(engine, args.cases)
        took = time.perf_counter() - start
        print(f"filled {args.cases:,} cases in {took:.1f} s ({engine.dialect.name})")
    with Session(engine) as session:
        subtree = agencies.subtree_ids(session=session, agency_id=district_ids[0])
        period = {"period_from": date(2025, 3, 2), "period_to": date(2026, 3, 1), "now": NOW}
        timings = {
            "one full scan": best(
                lambda: session.scalar(select(func.sum(Case.transfer_count))), args.repeat
            ),
            "summary (all agencies)": best(
                lambda: reports.summary(session=session, agency_ids=None, agency_id=None, **period),
                args.repeat,
            ),
            "summary (one subtree)": best(
                lambda: reports.summary(
                    session=session, agency_ids=subtree, agency_id=district_ids[0], **period
                ),
                args.repeat,
            ),
            "dashboard extras": best(
                lambda: (
                    reports.agencies_by_overdue(session=session, agency_ids=None, now=NOW),
                    reports.soon_due_count(session=session, agency_ids=None, now=NOW),
                    reports.ping_pong_cases(session=session, agency_ids=None),
                ),
                args.repeat,
            ),
        }
    with Session(engine) as session:
        cases = session.scalar(select(func.count()).select_from(Case))
    print(f"{cases:,} cases, {engine.dialect.name}")
    baseline = timings["one full scan"]
    for name, seconds in timings.items():
        print(f"{name:<26} {seconds * 1000:9.1f} ms   ×{seconds / baseline:5.1f} of a full scan")
    out = Path(__file__).parent / "results" / f"report-queries-{engine.dialect.name}.json"
    out.write_text(
        json.dumps({"cases": cases, "dialect": engine.dialect.name, "seconds": timings}, indent=2)
    )


if __name__ == "__main__":
    main()
