"""Prefect's fixed cost per flow run: a sweep of 1,000 due steps with heartbeats on and off.

    .venv/bin/python -m bench.prefect_cost [--open 10000] [--due 1000] [--repeats 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

One fresh database (SQLite file, or a PostgreSQL schema), `--open` open cases of which
`--due` have a reminder due (bench.escalation's data), then the same sweep through the
Prefect flow (ephemeral API, warmed up first) `--repeats` times each way, alternating, in
the same process: with prefect 3.8.8's default (flow-run heartbeats every 180 s) and inside
`workflows.flows.edge.in_process_runs()` (heartbeats off, as the embedded scheduler and
`dondoc sweep` run it). Also a run with nothing due each way. Prints the medians and their
ratio; records the load average (the machine is shared); writes
bench/results/prefect-cost.json (target: the sweep under 0.4 s, issue 18).
"""

import argparse
import json
import os
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.common import PG_BASE, scratch_database
from bench.escalation import AS_OF, load, reset, timed  # sets Prefect's bench environment
from core.settings import get_settings
from migrations import upgrade
from models.db import engine_for

RESULTS = Path(__file__).with_name("results") / "prefect-cost.json"


def measure(base: str | None, open_cases: int, due: int, repeats: int) -> dict:
    with scratch_database("postgresql" if base else "sqlite", base or PG_BASE) as url:
        upgrade(url)
        os.environ["DONDOC_DATABASE_URL"] = url
        get_settings.cache_clear()
        engine = engine_for(url)
        load(engine, open_cases, due)
        from workflows.flows import edge
        from workflows.flows.escalation_sweep import escalation_sweep

        def embedded(**kwargs):
            with edge.in_process_runs():
                return escalation_sweep(**kwargs)

        ways = {"heartbeats_on": escalation_sweep, "heartbeats_off": embedded}
        idle = AS_OF - timedelta(days=365)
        for run in ways.values():
            run(as_of=idle)  # warm up the engine and the ephemeral API
        walls = {name: [] for name in ways}
        empty = {name: [] for name in ways}
        for _ in range(repeats):
            for name, run in ways.items():
                reset(engine)
                wall, _, result = timed(lambda run=run: run(as_of=AS_OF))
                assert result["steps"] == due, result
                walls[name].append(wall)
                empty[name].append(timed(lambda run=run: run(as_of=idle))[0])
        engine.dispose()
    on, off = (statistics.median(walls[name]) for name in ways)
    return {
        "open_cases": open_cases,
        "due_steps": due,
        "repeats": repeats,
        "sweep_seconds_heartbeats_on": round(on, 3),
        "sweep_seconds_heartbeats_off": round(off, 3),
        "ratio_off_to_on": round(off / on, 3),
        "empty_run_seconds_heartbeats_on": round(statistics.median(empty["heartbeats_on"]), 3),
        "empty_run_seconds_heartbeats_off": round(statistics.median(empty["heartbeats_off"]), 3),
        "walls": {name: [round(w, 3) for w in values] for name, values in walls.items()},
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-bench-prefect-"))
    db = "postgresql" if args.database_url else "sqlite"
    print(f"load average before: {os.getloadavg()}")
    row = measure(args.database_url or None, args.open, args.due, args.repeats)
    print(
        f"{db}: sweep of {args.due} due steps: heartbeats on {row['sweep_seconds_heartbeats_on']}"
        f" s, off {row['sweep_seconds_heartbeats_off']} s (ratio {row['ratio_off_to_on']}); "
        f"empty run {row['empty_run_seconds_heartbeats_on']} s / "
        f"{row['empty_run_seconds_heartbeats_off']} s; load {row['load_average_after']}"
    )
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[db] = {"database": db, **row}
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
