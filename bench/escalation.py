"""Escalation sweep cost: 10,000 due steps among 100,000 and 1,000,000 open cases.

    /work/main/.venv/bin/python -m bench.escalation [--sizes 100000 1000000] [--due 10000]
        [--repeats 3] [--batch-size 1000]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

For each size: a fresh database (SQLite file, or a PostgreSQL schema), the open cases
bulk-loaded, then the same due set swept `--repeats` times each way: by calling the domain
functions directly (workflows.escalation.sweep.sweep) and through the Prefect flow (ephemeral API,
warmed up first); the state is reset (and on PostgreSQL vacuumed) before every sweep. A due
step here is a reminder: one escalation_steps row, one case event, one outbox row carrying
the email's template and context; the email itself is rendered at delivery, so the emails of
the last sweep are then rendered once each (notifications.render, no sending) and timed
apart. Also timed: a flow run with nothing due (Prefect's fixed cost per run).

Prints the median and best time per due step, the sweeping process's CPU time, the ratio
between the sizes (the sweep reads only the due cases through the schedule's index: goal
under 1.3) and the Prefect overhead; records the load average (the machine is shared);
writes bench/results/escalation.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from bench.common import PG_BASE, scratch_database  # noqa: E402
from core.settings import get_settings  # noqa: E402
from migrations import upgrade  # noqa: E402
from models import Agency, Case, CaseSchedule, User  # noqa: E402
from models.db import engine_for  # noqa: E402
from workflows.escalation import sweep as escalation  # noqa: E402
from workflows.escalation.ladder import load_policy  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "escalation.json"
TZ = load_policy().tz
DUE = datetime(2026, 3, 10, 17, tzinfo=TZ).astimezone(UTC)
AS_OF = datetime(2026, 3, 5, 9, tzinfo=TZ).astimezone(UTC)  # the reminders of DUE are due
LATER = datetime(2027, 6, 30, 17, tzinfo=TZ).astimezone(UTC)  # nothing due for a year
CHUNK = 20_000


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
                 "due_at": DUE if is_due else LATER}
            )  # fmt: skip
        with engine.begin() as conn:
            ids = conn.execute(sa.insert(Case).returning(Case.id, Case.due_at), rows).all()
            conn.execute(
                sa.insert(CaseSchedule),
                [{"case_id": case_id, "next_action_at": reminder_at if due_at == DUE else later_at}
                 for case_id, due_at in ids],
            )  # fmt: skip
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def reset(engine: sa.Engine) -> None:
    """Undo a sweep: the same due set again."""
    reminder_at = load_policy().step_at(load_policy().ladder("complaint").steps[0], DUE)
    with engine.begin() as conn:
        for table in ("notifications", "case_events", "escalation_steps"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        due = sa.select(Case.id).where(Case.due_at == DUE).scalar_subquery()
        conn.execute(
            sa.update(CaseSchedule)
            .where(CaseSchedule.case_id.in_(due))
            .values(next_action_at=reminder_at)
        )
    if engine.dialect.name == "postgresql":  # every repeat starts without the dead rows
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(
                "VACUUM ANALYZE cases, case_schedule, notifications, case_events, escalation_steps"
            )


def timed(fn) -> tuple[float, float, object]:
    """Wall seconds, this process's CPU seconds, the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def render_outbox(engine: sa.Engine) -> tuple[int, float]:
    """Render every queued email as delivery does (no sending): how many, wall seconds."""
    from models import Notification
    from notifications.render import render

    columns = (Notification.template, Notification.context, Notification.recipient_name,
               Notification.language)  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*columns)).all()
    start = time.perf_counter()
    for template, context, name, language in rows:
        render(template=template, context=context, recipient_name=name, language=language)
    return len(rows), time.perf_counter() - start


# A sweep in a process of its own (the flow, as a worker or `dondoc sweep` runs it); it prints
# its peak resident set size (VmHWM) once the sweep is done.
_SWEEP_PROCESS = (
    "import sys; from datetime import datetime; from pathlib import Path;"
    "from workflows.flows.escalation_sweep import escalation_sweep;"
    "result = escalation_sweep(as_of=datetime.fromisoformat(sys.argv[1]));"
    "status = Path('/proc/self/status').read_text().splitlines();"
    "hwm = next(line for line in status if line.startswith('VmHWM'));"
    "print(result['steps'], int(hwm.split()[1]) // 1024)"
)


def sweep_peak_rss_mb(url: str, due: int) -> float:
    """Peak RSS, in MiB, of a process that imports the app and runs one sweep of `due` steps."""
    env = {**os.environ, "DONDOC_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", _SWEEP_PROCESS, AS_OF.isoformat()],
        cwd=Path(__file__).parent.parent, env=env, capture_output=True, text=True, timeout=600,
        check=True,
    )  # fmt: skip
    steps, rss = done.stdout.split()[-2:]
    assert int(steps) == due, done.stdout
    return float(rss)


def _ms(seconds: float, due: int) -> float:
    return round(seconds * 1000 / due, 4)


def run_size(base: str | None, size: int, due: int, repeats: int, batch_size: int) -> dict:
    with scratch_database("postgresql" if base else "sqlite", base or PG_BASE) as url:
        upgrade(url)
        os.environ["DONDOC_DATABASE_URL"] = url
        get_settings.cache_clear()
        engine = engine_for(url)
        load_s, _, _ = timed(lambda: load(engine, size, due))
        from workflows.flows.escalation_sweep import escalation_sweep

        idle = AS_OF - timedelta(days=365)  # nothing due
        escalation_sweep(as_of=idle)  # warm up the engine and the ephemeral API
        empty = [timed(lambda: escalation_sweep(as_of=idle))[0] for _ in range(3)]
        with engine.connect() as conn:  # the index range scan alone, before any sweep
            select_s, _, due_ids = timed(
                lambda: conn.execute(
                    sa.select(CaseSchedule.case_id).where(CaseSchedule.next_action_at <= AS_OF)
                ).all()
            )
        assert len(due_ids) == due
        direct, flow = [], []
        for _ in range(repeats):
            reset(engine)
            wall, cpu, result = timed(
                lambda: escalation.sweep(engine=engine, as_of=AS_OF, batch_size=batch_size)
            )
            assert result.steps == due, result
            direct.append((wall, cpu))
            reset(engine)
            wall, cpu, result = timed(lambda: escalation_sweep(as_of=AS_OF, batch_size=batch_size))
            assert result["steps"] == result["notifications"] == due, result
            flow.append((wall, cpu))
        emails, render_s = render_outbox(engine)
        reset(engine)
        sweep_rss = sweep_peak_rss_mb(url, due)
        engine.dispose()
        d_wall = statistics.median(w for w, _ in direct)
        f_wall = statistics.median(w for w, _ in flow)
        return {
            "open_cases": size,
            "due_steps": due,
            "batch_size": batch_size,
            "repeats": repeats,
            "load_seconds": round(load_s, 2),
            "select_due_seconds": round(select_s, 4),
            "direct_seconds": round(d_wall, 3),
            "prefect_seconds": round(f_wall, 3),
            "direct_ms_per_step": _ms(d_wall, due),
            "direct_best_ms_per_step": _ms(min(w for w, _ in direct), due),
            "direct_cpu_ms_per_step": _ms(statistics.median(c for _, c in direct), due),
            "prefect_ms_per_step": _ms(f_wall, due),
            "prefect_best_ms_per_step": _ms(min(w for w, _ in flow), due),
            "prefect_cpu_ms_per_step": _ms(statistics.median(c for _, c in flow), due),
            "prefect_overhead_ms_per_step": _ms(f_wall - d_wall, due),
            "prefect_empty_run_seconds": round(statistics.median(empty), 3),
            "render_ms_per_email": _ms(render_s, emails),
            "sweep_process_peak_rss_mb": sweep_rss,
            "direct_walls": [round(w, 3) for w, _ in direct],
            "prefect_walls": [round(w, 3) for w, _ in flow],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, help="default: the flow's own")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-bench-prefect-"))
    os.environ.setdefault("DONDOC_VAR_DIR", tempfile.mkdtemp(prefix="dondoc-bench-var-"))
    from workflows.flows.escalation_sweep import BATCH_SIZE  # after PREFECT_HOME is set

    args.batch_size = args.batch_size or BATCH_SIZE
    database = "postgresql" if args.database_url else "sqlite"
    runs, loads = [], [os.getloadavg()]
    for size in args.sizes:
        row = run_size(args.database_url or None, size, args.due, args.repeats, args.batch_size)
        loads.append(os.getloadavg())
        row["load_average_after"] = [round(x, 2) for x in loads[-1]]
        runs.append(row)
        print(
            f"{database} open={size:,} due={args.due:,} batch={args.batch_size} "
            f"(load {row['load_seconds']:.1f}s), ms per step, median (best, cpu): "
            f"direct {row['direct_ms_per_step']:.3f} ({row['direct_best_ms_per_step']:.3f}, "
            f"{row['direct_cpu_ms_per_step']:.3f}); prefect {row['prefect_ms_per_step']:.3f} "
            f"({row['prefect_best_ms_per_step']:.3f}, {row['prefect_cpu_ms_per_step']:.3f}); "
            f"empty flow run {row['prefect_empty_run_seconds']:.2f}s; "
            f"render {row['render_ms_per_email']:.3f} ms/email; "
            f"sweep process peak RSS {row['sweep_process_peak_rss_mb']:.0f} MiB; "
            f"load average {loads[-1][0]:.1f}",
            flush=True,
        )
    summary = {
        "database": database,
        "runs": runs,
        "at": datetime.now(UTC).isoformat(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in loads[0]],
    }
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        for way in ("direct", "prefect"):
            summary[f"ratio_{way}"] = round(large[f"{way}_seconds"] / small[f"{way}_seconds"], 3)
            summary[f"ratio_{way}_best"] = round(
                large[f"{way}_best_ms_per_step"] / small[f"{way}_best_ms_per_step"], 3
            )
        print(
            f"ratio {large['open_cases']:,}/{small['open_cases']:,} open (medians): direct "
            f"{summary['ratio_direct']}, prefect {summary['ratio_prefect']} (goal < 1.3); "
            f"best: {summary['ratio_direct_best']}, {summary['ratio_prefect_best']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[database] = summary
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
