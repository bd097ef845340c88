"""Soak: a server process under a steady mixed load for minutes, watching errors and memory.

    python -m bench.soak [--db postgresql] [--minutes 10] [--clients 6] [--preload 10000]

A fresh scratch database (a new PostgreSQL schema by default) gets the generated country and
`--preload` cases; ONE server process (uvicorn, api.main:app) serves it with its embedded
scheduler on (a sweep and a delivery every `--sweep-seconds`, sent to a local aiosmtpd that
keeps nothing). `--clients` keep-alive clients then send, back to back, a mix of
intake (POST /api/v1/cases with an Idempotency-Key; one in five a backlog case received 60
days ago, overdue at once, so every sweep has work; every citizen gives an email, so every
delivery has mail: the receipt, later the acceptance), actions
(an officer accepts a case taken in before), reads (the case, its events, the officer's
list) and reports (a head's summary). Every answer other than the expected one is an
error. The server's resident memory (VmRSS of the uvicorn process, and of it with its
children) is sampled every 5 s: reported at minute 2 (after warm-up) and at the end, with
the least-squares slope after warm-up. Writes bench/results/soak-<db>.json, including the
load average of the machine (it is shared).
"""

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.common import free_port, scratch_database, served, short_url, write_result
from bench.generate import BENCH_PASSWORD, generate
from bench.intake import case_body
from bench.load import Connection
from models.db import make_engine

WARMUP_MINUTES = 2.0
SAMPLE_SECONDS = 5.0


class Sink:
    """aiosmtpd handler: counts what it accepts and keeps nothing."""

    def __init__(self):
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.accepted += 1
        return "250 2.0.0 Ok: queued"


def desks(url: str, count: int) -> list[dict]:
    """`count` communes, each with its clerk, one officer and its head."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.id,"
                " min(u.username) FILTER (WHERE u.role = 'clerk'),"
                " min(u.username) FILTER (WHERE u.role = 'officer'),"
                " min(u.username) FILTER (WHERE u.role = 'head')"
                " FROM agencies a JOIN users u ON u.agency_id = a.id"
                " WHERE a.name LIKE 'UBND x%' GROUP BY a.id ORDER BY a.id LIMIT :n"
            ),
            {"n": count},
        ).all()
    engine.dispose()
    return [{"agency_id": r[0], "clerk": r[1], "officer": r[2], "head": r[3]} for r in rows]


def tokens(base: str, names: list[str]) -> dict[str, str]:
    out = {}
    with httpx.Client(base_url=base, timeout=60) as http:
        for name in names:
            answer = http.post(
                "/api/v1/auth/token", data={"username": name, "password": BENCH_PASSWORD}
            )
            answer.raise_for_status()
            out[name] = answer.json()["access_token"]
    return out


def rss_mb(pid: int) -> tuple[float | None, float | None]:
    """VmRSS of the process, and of it with its children, in MiB."""

    def one(p: int) -> float | None:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    own = one(pid)
    known = [v for v in (own, *(one(c) for c in children(pid))) if v is not None]
    return own, (sum(known) if known else None)


def children(pid: int) -> list[int]:
    """The process's children, of every thread (Prefect's ephemeral server is started by
    the scheduler's thread, so it is not listed under the main thread alone)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (minutes, MB)."""
    if len(samples) < 2:
        return None
    n = len(samples)
    mx = sum(t for t, _ in samples) / n
    my = sum(v for _, v in samples) / n
    sxx = sum((t - mx) ** 2 for t, _ in samples)
    if sxx == 0:
        return None
    return sum((t - mx) * (v - my) for t, v in samples) / sxx


class Mix:
    """What each client sends next, and what it must get back."""

    def __init__(self, desks: list[dict], tokens: dict[str, str], seed: int):
        self.desks, self.tokens = desks, tokens
        self.rng = random.Random(seed)
        # (case id, version, desk index): cases taken in today, for an officer to accept (a
        # backlog case is not: the sweep may escalate it first, and the accept would be 409)
        self.taken: list[tuple[int, int, int]] = []
        self.seen: dict[int, list[int]] = {}  # each desk's cases, for its officer to read
        self.lock = threading.Lock()

    def _auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def next(self, client: int) -> tuple[str, str, str, dict | None, dict, int]:
        """(kind, method, path, body, headers, expected status)."""
        desk_no = client % len(self.desks)
        desk = self.desks[desk_no]
        roll = self.rng.random()
        if roll < 0.45:
            body = case_body(self.rng, desk["agency_id"])
            # With an email, the citizen's receipt (and later the acceptance) is queued at
            # once: the delivery has mail in every round (the ladder's own mails to staff
            # wait for office hours when the soak runs in the Hà Nội evening).
            body["citizen"]["email"] = f"cong.dan.{self.rng.randrange(10**8)}@example.vn"
            if self.rng.random() < 0.2:  # a backlog case: overdue at once, the sweep's work
                received = datetime.now(UTC) - timedelta(days=60)
                body["received_at"] = received.isoformat()
                headers = {**self._auth(desk["clerk"]), "Idempotency-Key": uuid.uuid4().hex}
                return "backlog", "POST", "/api/v1/cases", body, headers, 201
            headers = {**self._auth(desk["clerk"]), "Idempotency-Key": uuid.uuid4().hex}
            return "intake", "POST", "/api/v1/cases", body, headers, 201
        if roll < 0.65:
            with self.lock:
                mine = [i for i, t in enumerate(self.taken) if t[2] == desk_no]
                if mine:
                    case_id, version, _ = self.taken.pop(mine[0])
                    path = f"/api/v1/cases/{case_id}/actions/accept"
                    body = {"version": version, "note": "Đã tiếp nhận, giao chuyên viên xử lý."}
                    return "action", "POST", path, body, self._auth(desk["officer"]), 200
        if roll < 0.9:
            officer = self._auth(desk["officer"])
            with self.lock:
                known = self.seen.get(desk_no, [])[-50:]
            if known and self.rng.random() < 0.6:
                case_id = self.rng.choice(known)
                path = self.rng.choice(
                    [f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/events"]
                )
                return "read", "GET", path, None, officer, 200
            return "read", "GET", "/api/v1/cases?limit=20", None, officer, 200
        return "report", "GET", "/api/v1/reports/summary", None, self._auth(desk["head"]), 200

    def took(self, desk_no: int, body: bytes, *, to_accept: bool) -> None:
        data = json.loads(body)
        with self.lock:
            seen = self.seen.setdefault(desk_no, [])
            seen.append(data["id"])
            del seen[:-200]
            if to_accept:
                self.taken.append((data["id"], data["version"], desk_no))
                del self.taken[:-500]


async def drive(base: str, mix: Mix, clients: int, seconds: float, tally: dict) -> None:
    parts = urlsplit(base)
    stop_at = time.monotonic() + seconds

    async def client(no: int) -> None:
        connection = Connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < stop_at:
                kind, method, path, body, headers, expected = mix.next(no)
                t0 = time.perf_counter()
                try:
                    status, answer = await connection.request(method, path, body, headers)
                except (OSError, asyncio.IncompleteReadError) as error:
                    status, answer = type(error).__name__, b""
                    await connection.close()
                    connection = Connection(parts.hostname, parts.port)
                ms = (time.perf_counter() - t0) * 1000
                tally["requests"][kind] += 1
                tally["ms"][kind].append(ms)
                if status != expected:
                    tally["errors"][f"{kind} {method} {status}"] += 1
                    if len(tally["error_samples"]) < 10:
                        tally["error_samples"].append(f"{method} {path} {status}: {answer[:300]!r}")
                elif kind in ("intake", "backlog"):
                    mix.took(no % len(mix.desks), answer, to_accept=kind == "intake")
        finally:
            await connection.close()

    await asyncio.gather(*(client(n) for n in range(clients)))


def soak(url: str, minutes: float, clients: int, sweep_seconds: int) -> dict:
    sink = Sink()
    smtp_port = free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    prefect_home = tempfile.mkdtemp(prefix="dondoc-soak-prefect-")
    env = {
        "DONDOC_SCHEDULER_ENABLED": "true",
        "DONDOC_SWEEP_INTERVAL_SECONDS": str(sweep_seconds),
        "DONDOC_SMTP_HOST": "127.0.0.1",
        "DONDOC_SMTP_PORT": str(smtp_port),
        "PREFECT_HOME": prefect_home,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # The embedded scheduler's flows start Prefect's ephemeral server: slow on a busy box.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    tally = {"requests": Counter(), "errors": Counter(), "error_samples": [],
             "ms": {k: [] for k in ("intake", "backlog", "action", "read", "report")}}  # fmt: skip
    samples: list[dict] = []
    try:
        with served("api.main:app", url, workers=1, **env) as (base, proc):
            found = desks(url, clients)
            names = [d[role] for d in found for role in ("clerk", "officer", "head")]
            mix = Mix(found, tokens(base, names), seed=8)
            stop = threading.Event()
            started = time.monotonic()

            def sample() -> None:
                while not stop.is_set():
                    own, tree = rss_mb(proc.pid)
                    samples.append({"minute": round((time.monotonic() - started) / 60, 3),
                                    "rss_mb": own, "tree_rss_mb": tree,
                                    "requests": sum(tally["requests"].values())})  # fmt: skip
                    stop.wait(SAMPLE_SECONDS)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            asyncio.run(drive(base, mix, clients, minutes * 60, tally))
            stop.set()
            sampler.join()
            own, tree = rss_mb(proc.pid)
            samples.append({"minute": round((time.monotonic() - started) / 60, 3),
                            "rss_mb": own, "tree_rss_mb": tree,
                            "requests": sum(tally["requests"].values())})  # fmt: skip
            alive = proc.poll() is None
            helpers = children(proc.pid)  # stopped below: they outlive a terminated uvicorn
            engine = make_engine(url)
            with engine.connect() as conn:
                outbox = dict(conn.execute(sa.text(
                    "SELECT state, count(*) FROM notifications GROUP BY state")).all())  # fmt: skip
                runs = dict(conn.execute(sa.text(
                    "SELECT job, summary FROM job_runs")).all())  # fmt: skip
            engine.dispose()
    finally:
        smtp.stop()
        for pid in locals().get("helpers", []):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    return _report(url, minutes, clients, sweep_seconds, tally, samples, alive, outbox, runs,
                   sink.accepted)  # fmt: skip


def _report(url, minutes, clients, sweep_seconds, tally, samples, alive, outbox, runs, mailed):
    from bench.common import percentile

    warm = min(WARMUP_MINUTES, minutes / 2)
    after = [(s["minute"], s["rss_mb"]) for s in samples if s["minute"] >= warm and s["rss_mb"]]
    at_warm = after[0][1] if after else None
    at_end = after[-1][1] if after else None
    slope = slope_mb_per_min(after)
    requests = sum(tally["requests"].values())
    return {
        "database": short_url(url),
        "minutes": minutes,
        "clients": clients,
        "server_processes": 1,
        "sweep_interval_seconds": sweep_seconds,
        "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
        "requests": requests,
        "requests_per_s": round(requests / (minutes * 60), 1) if minutes else None,
        "by_kind": {
            kind: {
                "requests": tally["requests"][kind],
                "p50_ms": round(percentile(tally["ms"][kind], 50), 1),
                "p99_ms": round(percentile(tally["ms"][kind], 99), 1),
            }
            for kind in tally["ms"]
        },  # fmt: skip
        "errors": sum(tally["errors"].values()),
        "errors_by_kind": dict(tally["errors"]),
        "error_samples": tally["error_samples"],
        "server_alive_at_end": alive,
        "outbox_by_state": outbox,
        "mail_accepted_by_smtp": mailed,
        "job_runs": runs,
        "memory": {
            "warmup_minutes": warm,
            "rss_mb_after_warmup": round(at_warm, 1) if at_warm else None,
            "rss_mb_at_end": round(at_end, 1) if at_end else None,
            "growth_mb": round(at_end - at_warm, 1) if after else None,
            "slope_mb_per_min_after_warmup": round(slope, 3) if slope is not None else None,
            "peak_rss_mb": round(max(v for _, v in after), 1) if after else None,
        },
        "samples": samples,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--preload", type=int, default=10_000, help="cases loaded first")
    parser.add_argument("--sweep-seconds", type=int, default=30)
    parser.add_argument("--output", help="write the JSON here (default bench/results/)")
    args = parser.parse_args(argv)
    with scratch_database(args.db) as url:
        generate(url, args.preload, quiet=True)
        result = soak(url, args.minutes, args.clients, args.sweep_seconds)
        result["preloaded_cases"] = args.preload
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        path = args.output
    else:
        path = write_result(f"soak-{result['database']}", result)
    shown = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return 0 if result["errors"] == 0 and result["server_alive_at_end"] else 1


if __name__ == "__main__":
    sys.exit(main())
