"""Escalation sweep cost: 10,000 due cases among 100,000 and 1,000,000 open ones.

    /work/main/.venv/bin/python -m bench.escalation [--sizes 100000 1000000] [--due 10000]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

For each size: a fresh database (SQLite file, or a PostgreSQL schema), the open cases
bulk-loaded, then the same due set swept twice, once by calling the domain functions
directly and once through the Prefect flow (ephemeral API, warmed up first); the state is
reset in between. Prints the time per due step, the ratio between the sizes (the sweep reads
only the due cases through the `next_action_at` index: goal under 1.3) and the Prefect
overhead; writes bench/results/escalation.json.
"""

import argparse
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from dondoc.settings import get_settings  # noqa: E402
from migrations import upgrade  # noqa: E402
from models import Agency, Case, User  # noqa: E402
from models.db import engine_for  # noqa: E402
from workflows import escalation  # noqa: E402
from workflows.ladder import load_policy  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "escalation.json"
TZ = load_policy().tz
DUE = datetime(2026, 3, 10, 17, tzinfo=TZ).astimezone(UTC)
AS_OF = datetime(2026, 3, 5, 9, tzinfo=TZ).astimezone(UTC)  # the reminders of DUE are due
LATER = datetime(2027, 6, 30, 17, tzinfo=TZ).astimezone(UTC)  # nothing due for a year
CHUNK = 20_000


def fresh_database(base: str | None, label: str) -> tuple[str, callable]:
    if not base:
        path = Path(tempfile.mkdtemp(prefix="dondoc-bench-")) / f"{label}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")

    def drop():
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def load(engine: sa.Engine, size: int, due: int) -> None:
    """An agency tree (1 province, 10 districts, 100 wards, all with heads and officers) and
    `size` open cases of which `due` have their reminder due at AS_OF."""
    with engine.begin() as conn:
        conn.execute(sa.insert(Agency), [{"id": 1, "name": "Tỉnh", "remote_area": False}])
        agencies = [
            {"id": 1 + d, "name": f"Huyện {d}", "parent_id": 1, "remote_area": False}
            for d in range(1, 11)
        ] + [
            {"id": 100 + w, "name": f"Xã {w}", "parent_id": 2 + w % 10, "remote_area": False}
            for w in range(100)
        ]
        conn.execute(sa.insert(Agency), agencies)
        ids = [1] + [a["id"] for a in agencies]
        users = [
            dict(id=n + 1, username=f"u{n}", full_name=f"Người {n}", email=f"u{n}@x.gov.vn",
                 role=role, agency_id=agency_id, password_hash="-", is_active=True,
                 created_at=AS_OF)
            for n, (agency_id, role) in enumerate(
                [(a, "head") for a in ids] + [(a, "officer") for a in ids]
            )
        ]  # fmt: skip
        conn.execute(sa.insert(User), users)
        for i, agency_id in enumerate(ids):
            conn.execute(sa.update(Agency).where(Agency.id == agency_id), {"head_user_id": i + 1})
    officer_of = {agency_id: len(ids) + i + 1 for i, agency_id in enumerate(ids)}
    wards = list(range(100, 200))
    reminder_at = load_policy().step_at(load_policy().ladder("complaint").steps[0], DUE)
    later_at = load_policy().step_at(load_policy().ladder("complaint").steps[0], LATER)
    columns = dict(
        kind="complaint", status="accepted", title="Đơn thư", description="", channel="hotline",
        citizen_name="Nguyễn Văn A", complexity="normal", remote_area=False,
        received_at=AS_OF - timedelta(days=40), policy_version="", extensions_used=0,
        date_reset_used=False, transfer_count=0, ping_pong=False, escalation_level=0,
        long_pending=False, version=1, updated_at=AS_OF,
    )  # fmt: skip
    for start in range(0, size, CHUNK):
        rows = []
        for n in range(start, min(size, start + CHUNK)):
            ward = wards[n % len(wards)]
            is_due = n % (size // due) == 0 and n // (size // due) < due
            rows.append(
                {**columns, "code": f"B{n:08d}", "agency_id": ward, "assignee_id": officer_of[ward],
                 "due_at": DUE if is_due else LATER,
                 "next_action_at": reminder_at if is_due else later_at}
            )  # fmt: skip
        with engine.begin() as conn:
            conn.execute(sa.insert(Case), rows)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def reset(engine: sa.Engine) -> None:
    """Undo a sweep: the same due set again."""
    reminder_at = load_policy().step_at(load_policy().ladder("complaint").steps[0], DUE)
    with engine.begin() as conn:
        for table in ("notifications", "case_events", "escalation_steps"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.execute(sa.update(Case).where(Case.due_at == DUE).values(next_action_at=reminder_at))


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_size(base: str | None, size: int, due: int) -> dict:
    url, drop = fresh_database(base, f"s{size}")
    try:
        upgrade(url)
        os.environ["DONDOC_DATABASE_URL"] = url
        get_settings.cache_clear()
        engine = engine_for(url)
        load_s, _ = timed(lambda: load(engine, size, due))
        from workflows.escalation_sweep import escalation_sweep

        escalation_sweep(as_of=AS_OF - timedelta(days=365))  # warm up the engine: nothing due
        with engine.connect() as conn:  # the index range scan alone, before any sweep
            select_s, due_ids = timed(
                lambda: conn.execute(sa.select(Case.id).where(Case.next_action_at <= AS_OF)).all()
            )
        assert len(due_ids) == due
        direct_s, direct = timed(lambda: escalation.sweep(engine=engine, as_of=AS_OF))
        reset(engine)
        flow_s, flow = timed(lambda: escalation_sweep(as_of=AS_OF))
        assert direct.steps == flow["steps"] == due, (direct, flow)
        engine.dispose()
        return {
            "open_cases": size,
            "due_steps": due,
            "load_seconds": round(load_s, 2),
            "select_due_seconds": round(select_s, 4),
            "direct_seconds": round(direct_s, 3),
            "prefect_seconds": round(flow_s, 3),
            "direct_ms_per_step": round(direct_s * 1000 / due, 4),
            "prefect_ms_per_step": round(flow_s * 1000 / due, 4),
            "prefect_overhead_ms_per_step": round((flow_s - direct_s) * 1000 / due, 4),
        }
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-bench-prefect-"))
    os.environ.setdefault("DONDOC_VAR_DIR", tempfile.mkdtemp(prefix="dondoc-bench-var-"))
    database = "postgresql" if args.database_url else "sqlite"
    runs = []
    for size in args.sizes:
        row = run_size(args.database_url or None, size, args.due)
        runs.append(row)
        print(
            f"{database:10s} open={size:>9,} due={args.due:,}  load {row['load_seconds']:7.1f}s  "
            f"direct {row['direct_seconds']:6.2f}s ({row['direct_ms_per_step']:.3f} ms/step)  "
            f"prefect {row['prefect_seconds']:6.2f}s ({row['prefect_ms_per_step']:.3f} ms/step)",
            flush=True,
        )
    summary = {"database": database, "runs": runs, "at": datetime.now(UTC).isoformat()}
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        summary["ratio_direct"] = round(large["direct_seconds"] / small["direct_seconds"], 3)
        summary["ratio_prefect"] = round(large["prefect_seconds"] / small["prefect_seconds"], 3)
        print(
            f"ratio {large['open_cases']:,}/{small['open_cases']:,} open: direct "
            f"{summary['ratio_direct']}, prefect {summary['ratio_prefect']} (goal < 1.3)"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[database] = summary
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
