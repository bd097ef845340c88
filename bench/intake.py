"""Intake: sustained POST /api/v1/cases over HTTP, against a bare one-row insert (the ceiling).

    python -m bench.intake --db postgresql [--clients 50 --duration 20 --preload 100000]
        [--workers N]

Each database gets a fresh scratch copy (a SQLite file in /tmp, or a new PostgreSQL schema)
with the generated country and `--preload` cases; then, each under its own uvicorn on
127.0.0.1 with `--workers` server processes (default: the number of CPUs, as `dondoc serve`),
first the bare endpoint (bench/bare_app.py), then the floor (the same app's endpoint making
intake's database round trips with none of its code) and then the real app take the load:
the ceiling, the floor and the app with the same process count, in the same run. Prints
throughput, p50/p99, the ratios real/bare and real/floor, the servers' CPU per request and
peak RSS (all processes); writes bench/results/intake-<db>.json with the worker count.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import uuid
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from api import security
from bench.common import (
    scratch_database,
    served,
    short_url,
    tree_cpu_seconds,
    tree_peak_rss_mb,
    write_result,
)
from bench.generate import BENCH_PASSWORD, generate
from bench.load import run_load
from bench.names import person_name
from migrations import upgrade
from models import User
from models.db import make_engine

TARGETS = {"ratio": 0.60, "cases_per_s": 770, "p99_ms": 100}  # PostgreSQL, 50 clients
KINDS = ["complaint", "denunciation", "petition", "dossier"]
CHANNELS = ["in_person", "hotline", "email", "online"]


def commune_clerks(url: str, count: int) -> list[tuple[int, str]]:
    """(agency id, clerk username) for `count` communes, one clerk each."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.id, u.username FROM agencies a JOIN users u ON u.agency_id = a.id "
                "WHERE u.role = 'clerk' AND a.name LIKE 'UBND x%' ORDER BY a.id LIMIT :n"
            ),
            {"n": count},
        ).all()
    engine.dispose()
    return [(row[0], row[1]) for row in rows]


def case_body(rng: random.Random, agency_id: int) -> dict:
    name = person_name(rng)
    return {
        "kind": rng.choice(KINDS),
        "title": f"Đơn của công dân {name} về việc cấp giấy chứng nhận quyền sử dụng đất",
        "description": "Công dân trình bày: hồ sơ nộp từ năm 2020 đến nay chưa được giải quyết. "
        * 3,
        "channel": rng.choice(CHANNELS),
        "citizen": {
            "name": name,
            "phone": f"09{rng.randint(0, 99999999):08d}",
            "address": "thôn Linh Sơn, xã Phúc Trìu, tỉnh Thái Nguyên",
        },
        "agency_id": agency_id,
    }


def sign_in(base: str, usernames: list[str]) -> list[str]:
    tokens = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for username in usernames:
            response = http.post(
                "/api/v1/auth/token", data={"username": username, "password": BENCH_PASSWORD}
            )
            response.raise_for_status()
            tokens.append(response.json()["access_token"])
    return tokens


def floor_tokens(url: str, usernames: list[str], secret: str) -> list[str]:
    """Signed-in tokens for the floor endpoint (bench/bare_app.py), made as signing in makes
    them (a session row each), for a server started with `secret`."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        users = session.exec(select(User).where(User.username.in_(usernames))).all()
        by_name = {user.username: user for user in users}
        tokens = [
            security.issue(session=session, user=by_name[name], secret=secret, now=now, minutes=600)
            for name in usernames
        ]
        session.commit()
    engine.dispose()
    return tokens


def signed_posts(path: str, counter: str, bodies: list[dict], clerks: list, tokens: list[str],
                 sent: dict):  # fmt: skip
    """Intake's requests to `path`: each client posts a body for its own commune with its
    clerk's token and a fresh Idempotency-Key; every request is counted in sent[counter]."""

    def request(client: int, i: int):
        sent[counter] += 1
        body = dict(bodies[i % len(bodies)], agency_id=clerks[client % len(clerks)][0])
        headers = {"Authorization": f"Bearer {tokens[client % len(tokens)]}",
                   "Idempotency-Key": uuid.uuid4().hex}  # fmt: skip
        return "POST", path, {"json": body, "headers": headers}

    return request


def measure(url: str, clients: int, duration: float, warmup: float, workers: int) -> dict:
    clerks = commune_clerks(url, clients)
    rng = random.Random(8)
    bodies = [case_body(rng, clerks[n % len(clerks)][0]) for n in range(2000)]

    # every request, warm-up included, for CPU per request
    sent = {"bare": 0, "floor": 0, "intake": 0}

    def bare_request(c: int, i: int):
        sent["bare"] += 1
        return "POST", "/bare/cases", {"json": bodies[i % len(bodies)]}

    secret = "bench-" + uuid.uuid4().hex
    usernames = [username for _, username in clerks]
    with served("bench.bare_app:app", url, workers, DONDOC_SECRET_KEY=secret) as (base, proc):
        cpu = tree_cpu_seconds(proc.pid)
        bare = asyncio.run(
            run_load(
                bare_request,
                base_url=base,
                clients=clients,
                duration=duration,
                warmup=warmup,
            )  # fmt: skip
        )
        bare_cpu_ms = (tree_cpu_seconds(proc.pid) - cpu) * 1000 / sent["bare"]
        bare_rss = tree_peak_rss_mb(proc.pid)
        # The same round trips as intake with none of its code (bench/bare_app.py).
        tokens = floor_tokens(url, usernames, secret)
        floor_load = signed_posts("/bare/floor", "floor", bodies, clerks, tokens, sent)
        cpu = tree_cpu_seconds(proc.pid)
        floor = asyncio.run(
            run_load(floor_load, base_url=base, clients=clients, duration=duration, warmup=warmup)
        )
        floor_cpu_ms = (tree_cpu_seconds(proc.pid) - cpu) * 1000 / sent["floor"]
        # How fast the load generator itself can go (a GET that touches nothing).
        client_ceiling = asyncio.run(
            run_load(
                lambda c, i: ("GET", "/healthz", {}),
                base_url=base,
                clients=clients,
                duration=min(duration, 5),
                warmup=1,
                expect=200,
            )  # fmt: skip
        )

    with served("api.main:app", url, workers) as (base, proc):
        tokens = sign_in(base, [username for _, username in clerks])
        probe = httpx.post(
            f"{base}/api/v1/cases",
            json=case_body(rng, clerks[0][0]),
            headers={"Authorization": f"Bearer {tokens[0]}"},
        )
        if probe.status_code != 201:
            real, real_rss = None, tree_peak_rss_mb(proc.pid)
            missing = f"POST /api/v1/cases answered {probe.status_code}: {probe.text[:200]}"
        else:
            missing = None
            request = signed_posts("/api/v1/cases", "intake", bodies, clerks, tokens, sent)
            cpu = tree_cpu_seconds(proc.pid)
            real = asyncio.run(
                run_load(
                    request, base_url=base, clients=clients, duration=duration, warmup=warmup
                )  # fmt: skip
            )
            real_cpu_ms = (tree_cpu_seconds(proc.pid) - cpu) * 1000 / sent["intake"]
            real_rss = tree_peak_rss_mb(proc.pid)

    out = {
        "database": short_url(url),
        "clients": clients,
        "workers": workers,
        "baseline_bare_insert": {
            **bare.summary(),
            "server_cpu_ms_per_request": round(bare_cpu_ms, 2),
            "server_peak_rss_mb": bare_rss,
        },
        "client_ceiling_get": client_ceiling.summary(),
        "floor_same_round_trips": {
            **floor.summary(),
            "server_cpu_ms_per_request": round(floor_cpu_ms, 2),
            "ratio_vs_bare": round(floor.ok / floor.seconds / (bare.ok / bare.seconds), 3),
        },
    }
    if real is None:
        out["intake"] = {"unavailable": missing, "server_peak_rss_mb": real_rss}
        return out
    out["intake"] = {
        **real.summary(),
        "server_cpu_ms_per_request": round(real_cpu_ms, 2),
        "server_peak_rss_mb": real_rss,
    }
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]  # at the end of the run
    ratio = real.ok / real.seconds / (bare.ok / bare.seconds)
    out["ratio_vs_bare"] = round(ratio, 3)
    out["ratio_vs_floor"] = round(real.ok / real.seconds / (floor.ok / floor.seconds), 3)
    out["targets"] = TARGETS
    summary = out["intake"]
    out["meets_targets"] = {
        "ratio": ratio >= TARGETS["ratio"],
        "cases_per_s": summary["throughput_per_s"] >= TARGETS["cases_per_s"],
        "p99_ms": summary["p99_ms"] < TARGETS["p99_ms"],
    }
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="an already generated database (skips loading)")
    parser.add_argument("--preload", type=int, default=100_000, help="cases loaded first")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (each side)"
    )
    args = parser.parse_args(argv)

    if args.database_url:
        upgrade(args.database_url)  # a database generated before later migrations
        result = measure(args.database_url, args.clients, args.duration, args.warmup, args.workers)
    else:
        with scratch_database(args.db) as url:
            load = generate(url, args.preload, quiet=True)
            result = measure(url, args.clients, args.duration, args.warmup, args.workers)
            result["preloaded_cases"] = load.cases
    path = write_result(f"intake-{result['database']}", result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
