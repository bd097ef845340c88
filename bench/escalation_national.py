"""Escalation sweep on a generated database (bench.generate): the 10M/100k ratio (issue 18).

    python -m bench.escalation_national --database-url URL [URL ...] [--due 2000]
        [--repeats 5] [--rounds 2] [--explain] [--restore FILE]

bench.escalation builds its own database of open complaints, which at 10,000,000 cases would
take most of an hour; this works on databases `bench.generate` wrote (34 provinces, ten years)
and leaves them as it found them. In each database it picks `--due` running cases (received
or accepted complaints, denunciations and petitions: the ladders that open with a reminder
three working days before the due date, no step applied yet), drawn by a hash of the id so
that they spread over the whole table, and moves their deadline to DUE so that exactly their
reminder is due at AS_OF, before anything the generator scheduled (checked). Their original
deadline and schedule are saved to a file first (`--restore FILE` puts them back after a
crash) and put back at the end, with the rows the sweeps wrote deleted.

The due set is then swept `--repeats` times each way, directly
(workflows.escalation.sweep.sweep) and through the Prefect flow in this process (ephemeral
API warmed up first, heartbeats off as workflows.flows.edge.in_process_runs sets them); before
every sweep the rows of the previous one are deleted, the reminders made due again and, on
PostgreSQL, the four tables vacuumed. With several databases and `--rounds N` the databases
take turns N times (the machine is shared: the load drifts). Prints ms per due step (median
and best over all repeats), the ratio of the last database to the first (goal under 1.3), and
the load average of each turn; `--explain` adds EXPLAIN (ANALYZE, BUFFERS) of a batch's claim
and UPDATE and the sizes of the indexes of `cases`. Writes bench/results/escalation-national.json.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from core.settings import get_settings  # noqa: E402
from models.db import engine_for, session_scope  # noqa: E402
from workflows.deadlines.overdue import RUNNING  # noqa: E402
from workflows.escalation import sweep as escalation  # noqa: E402
from workflows.escalation.batch_sql import _pg_update, id_in, update_rows  # noqa: E402
from workflows.health import SWEEP  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "escalation-national.json"
KINDS = ("complaint", "denunciation", "petition")
# bench.generate's data end on 2026-11-22 03:00 UTC and every step it scheduled falls on or
# after it; the moved deadline's reminder (-3 working days) falls before it.
DUE = datetime(2026, 11, 20, 10, tzinfo=UTC)  # Friday 17:00 in Hanoi
AS_OF = datetime(2026, 11, 17, 2, tzinfo=UTC)  # Tuesday 09:00: the reminder (08:00) is due
SAVED = ("due_at", "escalation_level", "long_pending")  # and the schedule's next_action_at
TABLES = "cases, case_schedule, case_events, notifications, escalation_steps"


@dataclass
class Prepared:
    """The due set of one database and what it takes to undo the sweeps."""

    url: str
    ids: list[int]
    reminder_at: datetime
    event_floor: int  # case_events.id before the first sweep: the sweeps' rows are above
    notification_floor: int
    originals: list[dict]  # the saved columns of every picked case, with its id
    job_run: dict | None  # the sweep's row in job_runs (the flow rewrites it)
    restore_file: Path


def _ids(column, ids: list[int], conn: sa.Connection):
    return id_in(column, ids, conn.dialect)


def _cases() -> sa.Table:
    from models import Case

    return Case.__table__


def _schedule() -> sa.Table:
    from models import CaseSchedule

    return CaseSchedule.__table__


def _schedule_again(conn: sa.Connection, prepared: "Prepared") -> None:
    """Every picked case back in the schedule at its reminder (a sweep moved or removed it)."""
    schedule = _schedule()
    conn.execute(sa.delete(schedule).where(_ids(schedule.c.case_id, prepared.ids, conn)))
    conn.execute(
        sa.insert(schedule),
        [{"case_id": i, "next_action_at": prepared.reminder_at} for i in prepared.ids],
    )


def prepare(engine: sa.Engine, due: int, restore_file: Path) -> Prepared:
    """Pick `due` running cases, save their schedule, make their reminder due at AS_OF."""
    from models import CaseEvent, EscalationStep, JobRun, Notification

    cases, steps, schedule = _cases(), EscalationStep.__table__, _schedule()
    with engine.connect() as conn:
        already = conn.scalar(sa.select(sa.func.count()).where(schedule.c.next_action_at <= AS_OF))
        if already:
            raise SystemExit(f"{already} cases are already due at {AS_OF}: not a generated base")
        unapplied = ~sa.exists().where(steps.c.case_id == cases.c.id)
        # A hash of the id: the same draw at every size, spread over the whole table.
        draw = sa.func.md5(sa.cast(cases.c.id, sa.String))
        if engine.dialect.name != "postgresql":
            draw = (cases.c.id * 2654435761) % 4294967296
        rows = conn.execute(
            sa.select(cases.c.id, *(cases.c[name] for name in SAVED), schedule.c.next_action_at)
            .join(schedule, schedule.c.case_id == cases.c.id)  # only the scheduled ones
            .where(
                cases.c.status.in_([str(s) for s in RUNNING]), cases.c.kind.in_(KINDS), unapplied
            )
            .order_by(draw)
            .limit(due)
        ).all()
        if len(rows) < due:
            raise SystemExit(f"only {len(rows)} running cases to sweep, {due} asked")
        job_run = conn.execute(sa.select(JobRun.__table__).where(JobRun.job == SWEEP)).first()
        event_floor = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(CaseEvent.id), 0)))
        notification_floor = conn.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Notification.id), 0))
        )
    with session_scope(engine) as session:
        policy = escalation.policy_for(session=session)
    reminder_at = policy.step_at(policy.ladder("complaint").steps[0], DUE)
    assert reminder_at <= AS_OF < policy.step_at(policy.ladder("complaint").steps[1], DUE)
    prepared = Prepared(
        url=engine.url.render_as_string(hide_password=False),
        ids=sorted(row.id for row in rows),
        reminder_at=reminder_at,
        event_floor=event_floor,
        notification_floor=notification_floor,
        originals=[row._asdict() for row in rows],
        job_run=job_run._asdict() if job_run else None,
        restore_file=restore_file,
    )
    restore_file.write_text(json.dumps(_saved(prepared), default=str))  # before any change
    with engine.begin() as conn:
        conn.execute(
            sa.update(cases)
            .where(_ids(cases.c.id, prepared.ids, conn))
            .values(due_at=DUE, escalation_level=0, long_pending=False)
        )
        _schedule_again(conn, prepared)
    return prepared


def _saved(prepared: Prepared) -> dict:
    return {
        "url": prepared.url,
        "ids": prepared.ids,
        "event_floor": prepared.event_floor,
        "notification_floor": prepared.notification_floor,
        "originals": prepared.originals,
        "job_run": prepared.job_run,
    }


def _delete_written(conn: sa.Connection, prepared: Prepared) -> None:
    """The steps, events and outbox rows the sweeps wrote for the picked cases."""
    from models import CaseEvent, EscalationStep, Notification

    ids = prepared.ids
    steps, events, mails = EscalationStep.__table__, CaseEvent.__table__, Notification.__table__
    conn.execute(sa.delete(steps).where(_ids(steps.c.case_id, ids, conn)))
    conn.execute(
        sa.delete(events).where(
            events.c.id > prepared.event_floor, _ids(events.c.case_id, ids, conn)
        )
    )
    conn.execute(
        sa.delete(mails).where(
            mails.c.id > prepared.notification_floor, _ids(mails.c.case_id, ids, conn)
        )
    )


def _vacuum(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":  # every sweep starts without the dead rows
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {TABLES}")


def reset(engine: sa.Engine, prepared: Prepared) -> None:
    """Undo a sweep: the same reminders due again (a reminder leaves the cases' rows as they
    were: only their schedule moved)."""
    with engine.begin() as conn:
        _delete_written(conn, prepared)
        _schedule_again(conn, prepared)
    _vacuum(engine)


def restore(engine: sa.Engine, saved: dict) -> None:
    """Put the picked cases and the sweep's job_runs row back as they were."""
    from models import JobRun

    prepared = Prepared(
        url=saved["url"], ids=saved["ids"], reminder_at=AS_OF,
        event_floor=saved["event_floor"], notification_floor=saved["notification_floor"],
        originals=saved["originals"], job_run=saved["job_run"], restore_file=Path(),
    )  # fmt: skip
    cases, schedule, runs = _cases(), _schedule(), JobRun.__table__
    originals = [
        {name: _instant(row[name]) if name == "due_at" else row[name] for name in ("id", *SAVED)}
        for row in saved["originals"]
    ]
    times = [
        {"case_id": row["id"], "next_action_at": _instant(row["next_action_at"])}
        for row in saved["originals"]
    ]
    with engine.begin() as conn:
        _delete_written(conn, prepared)
        update_rows(conn, cases, originals)
        conn.execute(sa.delete(schedule).where(_ids(schedule.c.case_id, prepared.ids, conn)))
        conn.execute(sa.insert(schedule), times)
        conn.execute(sa.delete(runs).where(runs.c.job == SWEEP))
        if saved["job_run"]:
            conn.execute(
                sa.insert(runs),
                [{**saved["job_run"], "finished_at": _instant(saved["job_run"]["finished_at"])}],
            )
    _vacuum(engine)


def _instant(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def timed(fn) -> tuple[float, float, object]:
    """Wall seconds, this process's CPU seconds, the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def use_database(url: str) -> sa.Engine:
    """Point the flows' edge (DONDOC_DATABASE_URL) at `url`."""
    os.environ["DONDOC_DATABASE_URL"] = url
    get_settings.cache_clear()
    return engine_for(url)


def sweep_turn(engine: sa.Engine, prepared: Prepared, repeats: int, batch_size: int) -> dict:
    """`repeats` sweeps each way of the prepared due set; wall and CPU seconds of each."""
    from workflows.flows.edge import in_process_runs
    from workflows.flows.escalation_sweep import escalation_sweep

    due = len(prepared.ids)
    direct, flow = [], []
    for _ in range(repeats):
        reset(engine, prepared)
        wall, cpu, result = timed(
            lambda: escalation.sweep(engine=engine, as_of=AS_OF, batch_size=batch_size)
        )
        assert result.steps == result.cases == due, result
        direct.append((wall, cpu))
        reset(engine, prepared)
        with in_process_runs():
            wall, cpu, result = timed(lambda: escalation_sweep(as_of=AS_OF, batch_size=batch_size))
        assert result["steps"] == result["cases"] == due, result
        flow.append((wall, cpu))
    return {"direct": direct, "prefect": flow}


def explain(engine: sa.Engine, prepared: Prepared, batch_size: int) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the first batch's claim and of its schedule's UPDATE
    (rolled back), and the sizes of `cases`, its indexes, the schedule and shared_buffers."""
    from workflows.escalation.sweep import claim_query

    batch = prepared.ids[:batch_size]
    reset(engine, prepared)
    plans = {}
    with engine.connect() as conn:
        transaction = conn.begin()
        claim = claim_query(case_ids=batch, now=AS_OF, dialect=conn.dialect)
        compiled = claim.compile(dialect=conn.dialect)
        plans["claim"] = _plan(conn, str(compiled), compiled.params)
        # A reminder's only write to the schedule (and none to `cases`).
        update = _pg_update(_schedule(), "case_id", ("next_action_at",), conn.dialect)
        later = AS_OF + timedelta(days=3)
        params = {"p0": batch, "p1": [later] * len(batch)}
        compiled = update.bindparams(**params).compile(dialect=conn.dialect)
        plans["update"] = _plan(conn, str(compiled), compiled.params)
        transaction.rollback()
        sizes = conn.execute(
            sa.text(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'cases'::regclass "
                "ORDER BY 2 DESC"
            )
        ).all()
        table = conn.scalar(sa.text("SELECT pg_relation_size('cases')"))
        schedule = conn.scalar(sa.text("SELECT pg_total_relation_size('case_schedule')"))
        buffers = conn.scalar(sa.text("SHOW shared_buffers"))
    mb = 1024 * 1024
    return {
        "plans": plans,
        "cases_heap_mb": round(table / mb),
        "cases_indexes_mb": {name: round(size / mb, 1) for name, size in sizes},
        "cases_indexes_total_mb": round(sum(size for _, size in sizes) / mb),
        "case_schedule_with_indexes_mb": round(schedule / mb, 1),
        "shared_buffers": buffers,
    }


def _plan(conn: sa.Connection, sql: str, params: dict) -> list[str]:
    cursor = conn.connection.driver_connection.cursor()
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
    # The batch's thousand ids are cut from the plan's text.
    return [row[0] if len(row[0]) < 300 else row[0][:300] + "…" for row in cursor.fetchall()]


def _ms(seconds: float, due: int) -> float:
    return round(seconds * 1000 / due, 4)


def _size(engine: sa.Engine) -> int:
    """The number of cases: bench.generate numbers them from 1 (a count would read 10 M rows)."""
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT max(id) FROM cases"))


def summarise(prepared: Prepared, turns: list[dict], size: int) -> dict:
    due = len(prepared.ids)
    row: dict = {"cases": size, "due_steps": due, "turns": []}
    for way in ("direct", "prefect"):
        walls = [w for turn in turns for w, _ in turn[way]]
        cpus = [c for turn in turns for _, c in turn[way]]
        row[f"{way}_ms_per_step"] = _ms(statistics.median(walls), due)
        row[f"{way}_best_ms_per_step"] = _ms(min(walls), due)
        row[f"{way}_cpu_ms_per_step"] = _ms(statistics.median(cpus), due)
    for turn in turns:
        row["turns"].append(
            {
                "load_average_before": turn["load_before"],
                "load_average_after": turn["load_after"],
                "direct_walls": [round(w, 3) for w, _ in turn["direct"]],
                "prefect_walls": [round(w, 3) for w, _ in turn["prefect"]],
            }
        )
    return row


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", nargs="+", required=True, help="smallest first")
    parser.add_argument("--due", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--batch-size", type=int, help="default: the flow's own")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--restore", type=Path, help="put back what a crashed run saved")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-bench-prefect-"))
    os.environ.setdefault("DONDOC_VAR_DIR", tempfile.mkdtemp(prefix="dondoc-bench-var-"))
    if args.restore:
        saved = json.loads(args.restore.read_text())
        restore(engine_for(saved["url"]), saved)
        args.restore.unlink()
        print(f"restored {len(saved['ids'])} cases of {saved['url']}")
        return
    from workflows.flows.edge import in_process_runs
    from workflows.flows.escalation_sweep import BATCH_SIZE, escalation_sweep

    batch_size = args.batch_size or BATCH_SIZE
    prepared: dict[str, Prepared] = {}
    turns: dict[str, list[dict]] = {url: [] for url in args.database_url}
    try:
        for n, url in enumerate(args.database_url):
            engine = use_database(url)
            restore_file = Path(tempfile.gettempdir()) / f"dondoc-sweep-restore-{n}.json"
            started = time.perf_counter()
            prepared[url] = prepare(engine, args.due, restore_file)
            print(f"{url}: {args.due} cases picked in {time.perf_counter() - started:.1f} s "
                  f"(restore file {restore_file})", flush=True)  # fmt: skip
        with in_process_runs():  # the ephemeral API's start, and nothing due
            escalation_sweep(as_of=AS_OF - timedelta(days=365))
        for _ in range(args.rounds):
            for url in args.database_url:
                engine = use_database(url)
                before = _load()
                turn = sweep_turn(engine, prepared[url], args.repeats, batch_size)
                turn.update(load_before=before, load_after=_load())
                turns[url].append(turn)
                walls = {way: [round(w, 3) for w, _ in turn[way]] for way in ("direct", "prefect")}
                print(f"{url}: seconds direct {walls['direct']}, prefect {walls['prefect']}; "
                      f"load {before[0]} -> {turn['load_after'][0]}", flush=True)  # fmt: skip
        runs = []
        for url in args.database_url:
            engine = use_database(url)
            row = summarise(prepared[url], turns[url], _size(engine))
            row["database_url"] = url
            if args.explain and engine.dialect.name == "postgresql":
                row["explain"] = explain(engine, prepared[url], batch_size)
            runs.append(row)
            print(
                f"{row['cases']:,} cases, {row['due_steps']} due, ms per step, median (best, "
                f"cpu): direct {row['direct_ms_per_step']:.3f} "
                f"({row['direct_best_ms_per_step']:.3f}, {row['direct_cpu_ms_per_step']:.3f}); "
                f"prefect {row['prefect_ms_per_step']:.3f} ({row['prefect_best_ms_per_step']:.3f}, "
                f"{row['prefect_cpu_ms_per_step']:.3f})",
                flush=True,
            )
    finally:
        for url, ready in prepared.items():
            restore(use_database(url), _saved(ready))
            ready.restore_file.unlink()
            print(f"{url}: restored", flush=True)
    summary = {
        "runs": runs,
        "at": datetime.now(UTC).isoformat(),
        "cpus": os.cpu_count(),
        "repeats": args.repeats,
        "rounds": args.rounds,
        "batch_size": batch_size,
    }
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        for way in ("direct", "prefect"):
            for kind in ("", "best_"):
                key = f"{way}_{kind}ms_per_step"
                summary[f"ratio_{way}{'_best' if kind else ''}"] = round(large[key] / small[key], 3)
        print(
            f"ratio {large['cases']:,}/{small['cases']:,} (medians): direct "
            f"{summary['ratio_direct']}, prefect {summary['ratio_prefect']} (goal < 1.3); "
            f"best: {summary['ratio_direct_best']}, {summary['ratio_prefect_best']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
