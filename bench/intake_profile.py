"""Where intake's CPU goes: the server's CPU per request, intake against the bare insert and
the floor (intake's round trips with none of its code, bench/bare_app.py), one process
each, and (with --py-spy) a sampled profile of the intake server.

    python -m bench.intake_profile --db postgresql [--clients 1 --duration 15 --py-spy DIR]

CPU per request is the server process's user+system time (/proc/<pid>/stat) over the
measured requests: unlike throughput it hardly depends on what else the machine runs.
With --py-spy, `py-spy record` samples the intake server during its load and writes
DIR/intake-<db>.txt (collapsed stacks, one line each) and prints the share of the samples
spent under a few named parts of the stack. Writes bench/results/intake-profile-<db>.json.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from bench.common import scratch_database, served, short_url, write_result
from bench.generate import generate
from bench.intake import case_body, commune_clerks, floor_tokens, sign_in, signed_posts
from bench.load import run_load

TICKS = os.sysconf("SC_CLK_TCK")
PY_SPY = str(Path(sys.executable).parent / "py-spy")

# Inclusive shares of the sampled stacks: a sample counts for a part if any frame on its
# stack matches (function name, or "name (file" as py-spy writes it).
PARTS = {
    "the route (create_case)": ["create_case (api/routes/cases.py"],
    "intake() itself": ["intake (workflows/cases/intake.py"],
    "sign-in (get_signed_in)": ["get_signed_in (api/deps.py"],
    "session per request (get_db)": ["get_db (api/deps.py"],
    "commit": ["commit (sqlalchemy/orm/session.py"],
    "reference.current": ["current (workflows/cases/reference.py"],
    "duplicate hint": ["possible_duplicates (workflows/cases/intake.py"],
    "the writes (intake_write.insert)": ["insert (workflows/cases/intake_write.py"],
    "response (to_public, CaseIntakePublic)": ["to_public (workflows/cases/intake.py"],
    "FastAPI serialize_response": ["serialize_response (fastapi/routing.py"],
    "FastAPI request body / validation": ["request_body_to_args", "_validate_value_with_model"],
    "JSON response render": ["render (starlette/responses.py", "render (fastapi/responses.py"],
    "uvicorn http (h11/httptools)": ["data_received (uvicorn/protocols/http"],
    "threadpool handoff (anyio)": ["run_sync_in_worker_thread", "run_in_threadpool"],
    "psycopg / sqlite3 execute": ["execute (psycopg/cursor.py", "do_execute (sqlalchemy/engine"],
    "SQLAlchemy compile": ["_compiler (sqlalchemy", "compile (sqlalchemy/sql"],
    "pool checkout/checkin": ["_checkout (sqlalchemy/pool", "_finalize_fairy (sqlalchemy/pool"],
}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def measured(pid: int, load) -> tuple[dict, float]:
    before = cpu_seconds(pid)
    result = asyncio.run(load)
    spent = cpu_seconds(pid) - before
    summary = result.summary()
    # The CPU of warm-up requests is counted too: divide by every completed request.
    return summary, spent


def shares(collapsed: Path) -> dict:
    total = 0
    hits: Counter = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        for part, needles in PARTS.items():
            if any(needle in stack for needle in needles):
                hits[part] += n
    return {part: round(hits[part] / total, 3) for part in PARTS} | {"samples": total}


def run(url: str, clients: int, duration: float, py_spy: Path | None) -> dict:
    clerks = commune_clerks(url, max(clients, 1))
    rng = random.Random(8)
    bodies = [case_body(rng, clerks[n % len(clerks)][0]) for n in range(2000)]
    out: dict = {"database": short_url(url), "clients": clients}

    secret = "bench-" + uuid.uuid4().hex
    usernames = [username for _, username in clerks]
    with served("bench.bare_app:app", url, 1, DONDOC_SECRET_KEY=secret) as (base, proc):
        count = {"n": 0}

        def bare(c, i):
            count["n"] += 1
            return "POST", "/bare/cases", {"json": bodies[i % len(bodies)]}

        summary, spent = measured(
            proc.pid, run_load(bare, base_url=base, clients=clients, duration=duration, warmup=2)
        )
        out["bare"] = {**summary, "cpu_ms_per_request": round(spent * 1000 / count["n"], 2)}
        sent = {"floor": 0, "intake": 0}
        tokens = floor_tokens(url, usernames, secret)
        load = signed_posts("/bare/floor", "floor", bodies, clerks, tokens, sent)
        summary, spent = measured(
            proc.pid, run_load(load, base_url=base, clients=clients, duration=duration, warmup=2)
        )
        out["floor"] = {**summary, "cpu_ms_per_request": round(spent * 1000 / sent["floor"], 2)}

    with served("api.main:app", url, 1) as (base, proc):
        tokens = sign_in(base, usernames)
        real = signed_posts("/api/v1/cases", "intake", bodies, clerks, tokens, sent)

        spy = None
        if py_spy is not None:
            py_spy.mkdir(parents=True, exist_ok=True)
            target = py_spy / f"intake-{short_url(url)}.txt"
            spy = subprocess.Popen(
                [PY_SPY, "record", "-p", str(proc.pid), "-r", "200", "-f", "raw",
                 "-o", str(target), "-d", str(int(duration + 2)), "--nonblocking", "--gil"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(0.5)
        summary, spent = measured(
            proc.pid, run_load(real, base_url=base, clients=clients, duration=duration, warmup=2)
        )
        out["intake"] = {**summary, "cpu_ms_per_request": round(spent * 1000 / sent["intake"], 2)}
        if spy is not None:
            spy.wait(timeout=60)
            out["py_spy"] = {"file": str(target), "shares": shares(target)}
    out["cpu_ratio"] = round(
        out["intake"]["cpu_ms_per_request"] / out["bare"]["cpu_ms_per_request"], 2
    )
    out["cpu_ratio_floor"] = round(
        out["floor"]["cpu_ms_per_request"] / out["bare"]["cpu_ms_per_request"], 2
    )
    out["load_average"] = os.getloadavg()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake_profile")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--preload", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--py-spy", type=Path, help="a folder for py-spy's collapsed stacks")
    parser.add_argument("--name", default=None, help="result file name (default by database)")
    args = parser.parse_args(argv)
    with scratch_database(args.db) as url:
        generate(url, args.preload, quiet=True)
        result = run(url, args.clients, args.duration, args.py_spy)
    path = write_result(args.name or f"intake-profile-{result['database']}", result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
