"""Soak: a server process under a steady mixed load for minutes, watching errors and memory.

    python -m bench.soak [--db postgresql] [--minutes 10] [--clients 6] [--preload 10000]
                         [--backlog-open-max 200] [--malloc-arena-max N]

A fresh scratch database (a new PostgreSQL schema by default) gets the generated country and
`--preload` cases; ONE server process (uvicorn, api.main:app) serves it with its embedded
scheduler on (a sweep and a delivery every `--sweep-seconds`, sent to a local aiosmtpd that
keeps nothing). `--clients` keep-alive clients then send, back to back, a mix of
intake (POST /api/v1/cases with an Idempotency-Key; one in five a backlog case received 60
days ago, overdue at once, so every sweep has work; every citizen gives an email, so every
delivery has mail: the receipt, later the acceptance and the answer), actions (an officer
accepts a case taken in before, or works a backlog case to the end once the sweep has
escalated it: accept, resolve, close), reads (the case, its events, the officer's list) and
reports (a head's summary). At most `--backlog-open-max` backlog cases are open at once
(beyond, a backlog intake is sent as an ordinary one): the sweep's and the delivery's jobs
then stop growing with the run, so a memory high-water mark can be told from a leak. Every
answer other than the expected one is an error. Every 5 s: the server's resident memory
(VmRSS of the uvicorn process, and of it with its children), the outbox by state, the
escalation steps so far and each new sweep's and delivery's summary (job_runs). Reported:
RSS at minutes 2, 5, 10, ..., the least-squares slope from several minutes on, max-min over
the last minutes. Writes bench/results/soak-<db>.json, with the load average of the machine
(it is shared).
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
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Request:
    kind: str
    method: str
    path: str
    body: dict | None
    headers: dict
    expected: int
    # Called with the answer's body when the status is the expected one (None: nothing to do).
    then: Callable[[bytes], None] | None = None
    # Called when it is not: the backlog case is given up (counted as open no more).
    failed: Callable[[], None] | None = None


@dataclass
class Backlog:
    """A backlog case an officer works to the end: accept, resolve, close, each through the
    HTTP API once the sweep has escalated it (level >= 1), so that the number of open overdue
    cases reaches a steady state instead of growing with the run."""

    case_id: int
    version: int
    step: str = "check"  # check (read until swept), accept, resolve, close
    checked_at: float = 0.0
    busy: bool = False


LIFECYCLE = {"accept": "resolve", "resolve": "close", "close": None}
CHECK_EVERY_S = 10.0


class Mix:
    """What each client sends next, and what it must get back."""

    def __init__(self, desks: list[dict], tokens: dict[str, str], seed: int, backlog_max: int):
        self.desks, self.tokens = desks, tokens
        self.rng = random.Random(seed)
        # (case id, version, desk index): cases taken in today, for an officer to accept (a
        # backlog case is worked on its own, see Backlog)
        self.taken: list[tuple[int, int, int]] = []
        self.seen: dict[int, list[int]] = {}  # each desk's cases, for its officer to read
        self.backlog: dict[int, list[Backlog]] = {}  # each desk's open backlog cases
        self.backlog_max = backlog_max
        self.backlog_stats = Counter()  # taken in, capped (sent as ordinary intake), closed
        self.lock = threading.Lock()

    def _auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def open_backlog(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.backlog.values())

    def next(self, client: int) -> Request:
        desk_no = client % len(self.desks)
        desk = self.desks[desk_no]
        roll = self.rng.random()
        if roll < 0.45:
            body = case_body(self.rng, desk["agency_id"])
            # With an email, the citizen's receipt (and later the acceptance) is queued at
            # once: the delivery has mail in every round (the ladder's own mails to staff
            # wait for office hours when the soak runs in the Hà Nội evening).
            body["citizen"]["email"] = f"cong.dan.{self.rng.randrange(10**8)}@example.vn"
            headers = {**self._auth(desk["clerk"]), "Idempotency-Key": uuid.uuid4().hex}
            if self.rng.random() < 0.2:  # a backlog case: overdue at once, the sweep's work
                if self.open_backlog() < self.backlog_max:
                    received = datetime.now(UTC) - timedelta(days=60)
                    body["received_at"] = received.isoformat()
                    return Request("backlog", "POST", "/api/v1/cases", body, headers, 201,
                                   then=lambda b: self._took_backlog(desk_no, b))  # fmt: skip
                self.backlog_stats["capped"] += 1
            return Request("intake", "POST", "/api/v1/cases", body, headers, 201,
                           then=lambda b: self._took(desk_no, b, to_accept=True))  # fmt: skip
        officer = self._auth(desk["officer"])
        if roll < 0.65:
            work = self._backlog_work(desk_no, officer)
            if work:
                return work
            with self.lock:
                mine = [i for i, t in enumerate(self.taken) if t[2] == desk_no]
                if mine:
                    case_id, version, _ = self.taken.pop(mine[0])
                    path = f"/api/v1/cases/{case_id}/actions/accept"
                    body = {"version": version, "note": "Đã tiếp nhận, giao chuyên viên xử lý."}
                    return Request("action", "POST", path, body, officer, 200)
        if roll < 0.9:
            with self.lock:
                known = self.seen.get(desk_no, [])[-50:]
            if known and self.rng.random() < 0.6:
                case_id = self.rng.choice(known)
                path = self.rng.choice(
                    [f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/events"]
                )
                return Request("read", "GET", path, None, officer, 200)
            return Request("read", "GET", "/api/v1/cases?limit=20", None, officer, 200)
        return Request("report", "GET", "/api/v1/reports/summary", None, self._auth(desk["head"]),
                       200)  # fmt: skip

    def _backlog_work(self, desk_no: int, officer: dict) -> Request | None:
        """The next step on one of the desk's backlog cases: an action when one is ready, else
        a read of a case the sweep may have escalated since it was last looked at."""
        now = time.monotonic()
        with self.lock:
            mine = [b for b in self.backlog.get(desk_no, []) if not b.busy]
            ready = [b for b in mine if b.step != "check"]
            due = [b for b in mine if b.step == "check" and now - b.checked_at > CHECK_EVERY_S]
            case = (ready or due or [None])[0]
            if case is None:
                return None
            case.busy = True
        done = lambda: self._drop(desk_no, case)  # noqa: E731
        if case.step == "check":
            case.checked_at = now
            return Request("read", "GET", f"/api/v1/cases/{case.case_id}", None, officer, 200,
                           then=lambda b: self._checked(case, b), failed=done)  # fmt: skip
        body = {"version": case.version}
        if case.step == "resolve":
            body["answer"] = "Đã giải quyết: trả lời công dân bằng văn bản."
        path = f"/api/v1/cases/{case.case_id}/actions/{case.step}"
        return Request("lifecycle", "POST", path, body, officer, 200,
                       then=lambda b: self._acted(desk_no, case, b), failed=done)  # fmt: skip

    def _checked(self, case: Backlog, body: bytes) -> None:
        data = json.loads(body)
        with self.lock:
            case.version = data["version"]
            if data["escalation_level"] >= 1:  # swept: the officer acts, the sweep is done
                case.step = "accept"
            case.busy = False

    def _acted(self, desk_no: int, case: Backlog, body: bytes) -> None:
        with self.lock:
            case.version = json.loads(body)["version"]
            case.step = LIFECYCLE[case.step]
            case.busy = False
            if case.step is None:
                self.backlog[desk_no].remove(case)
                self.backlog_stats["closed"] += 1

    def _drop(self, desk_no: int, case: Backlog) -> None:
        with self.lock:
            if case in self.backlog.get(desk_no, []):
                self.backlog[desk_no].remove(case)
                self.backlog_stats["given_up"] += 1

    def _took_backlog(self, desk_no: int, body: bytes) -> None:
        data = self._took(desk_no, body, to_accept=False)
        with self.lock:
            self.backlog.setdefault(desk_no, []).append(Backlog(data["id"], data["version"]))
            self.backlog_stats["taken_in"] += 1

    def _took(self, desk_no: int, body: bytes, *, to_accept: bool) -> dict:
        data = json.loads(body)
        with self.lock:
            seen = self.seen.setdefault(desk_no, [])
            seen.append(data["id"])
            del seen[:-200]
            if to_accept:
                self.taken.append((data["id"], data["version"], desk_no))
                del self.taken[:-500]
        return data


async def drive(base: str, mix: Mix, clients: int, seconds: float, tally: dict) -> None:
    parts = urlsplit(base)
    stop_at = time.monotonic() + seconds

    async def client(no: int) -> None:
        connection = Connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < stop_at:
                r = mix.next(no)
                t0 = time.perf_counter()
                try:
                    status, answer = await connection.request(r.method, r.path, r.body, r.headers)
                except (OSError, asyncio.IncompleteReadError) as error:
                    status, answer = type(error).__name__, b""
                    await connection.close()
                    connection = Connection(parts.hostname, parts.port)
                ms = (time.perf_counter() - t0) * 1000
                tally["requests"][r.kind] += 1
                tally["ms"][r.kind].append(ms)
                if status != r.expected:
                    tally["errors"][f"{r.kind} {r.method} {status}"] += 1
                    if len(tally["error_samples"]) < 10:
                        tally["error_samples"].append(
                            f"{r.method} {r.path} {status}: {answer[:300]!r}"
                        )
                    if r.failed:
                        r.failed()
                elif r.then:
                    r.then(answer)
        finally:
            await connection.close()

    await asyncio.gather(*(client(n) for n in range(clients)))


def soak(
    url: str, minutes: float, clients: int, sweep_seconds: int, backlog_max: int,
    arena_max: int | None = None,
) -> dict:  # fmt: skip
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
    if arena_max:  # glibc's malloc arenas, for a comparison run
        env["MALLOC_ARENA_MAX"] = str(arena_max)
    kinds = ("intake", "backlog", "action", "lifecycle", "read", "report")
    tally = {"requests": Counter(), "errors": Counter(), "error_samples": [],
             "ms": {k: [] for k in kinds}}  # fmt: skip
    samples: list[dict] = []
    try:
        with served("api.main:app", url, workers=1, **env) as (base, proc):
            found = desks(url, clients)
            names = [d[role] for d in found for role in ("clerk", "officer", "head")]
            mix = Mix(found, tokens(base, names), seed=8, backlog_max=backlog_max)
            rounds: list[dict] = []
            engine = make_engine(url)
            stop = threading.Event()
            started = time.monotonic()

            def sample() -> None:
                while not stop.is_set():
                    own, tree = rss_mb(proc.pid)
                    minute = round((time.monotonic() - started) / 60, 3)
                    samples.append({"minute": minute, "rss_mb": own, "tree_rss_mb": tree,
                                    "requests": sum(tally["requests"].values()),
                                    "open_backlog": mix.open_backlog(),
                                    **workload(engine, rounds, minute)})  # fmt: skip
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
    result = _report(url, minutes, clients, sweep_seconds, tally, samples, alive, outbox, runs,
                     sink.accepted)  # fmt: skip
    result["backlog"] = {"open_max": backlog_max, **mix.backlog_stats}
    result["malloc_arena_max"] = arena_max
    result["rounds"] = rounds
    return result


def workload(engine, rounds: list[dict], minute: float) -> dict:
    """The scheduler's work as the database shows it: every new sweep and delivery summary
    (job_runs) is appended to `rounds`; the outbox by state and the steps applied so far are
    returned for the sample (nothing when the database does not answer: RSS is still sampled)."""
    try:
        return _workload(engine, rounds, minute)
    except sa.exc.SQLAlchemyError as error:
        return {"workload_error": str(error)[:200]}


def _workload(engine, rounds: list[dict], minute: float) -> dict:
    with engine.connect() as conn:
        outbox = dict(conn.execute(sa.text(
            "SELECT state, count(*) FROM notifications GROUP BY state")).all())  # fmt: skip
        steps = conn.execute(sa.text("SELECT count(*) FROM escalation_steps")).scalar()
        for job, summary, finished in conn.execute(
            sa.text("SELECT job, summary, finished_at FROM job_runs")
        ):
            last = next((r for r in reversed(rounds) if r["job"] == job), None)
            if last is None or last["finished_at"] != str(finished):
                rounds.append({"minute": minute, "job": job, "summary": summary,
                               "finished_at": str(finished)})  # fmt: skip
    return {"outbox": outbox, "escalation_steps": steps}


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
            **_flatness(samples, minutes),
        },
        "samples": samples,
    }


def _flatness(samples: list[dict], minutes: float) -> dict:
    """RSS at whole minutes, the slope from several starting minutes, and max-min over the
    last minutes: how flat, in figures."""
    points = [(s["minute"], s["rss_mb"]) for s in samples if s["rss_mb"]]
    if not points:
        return {}

    def at(m: float) -> float:
        return min(points, key=lambda p: abs(p[0] - m))[1]

    marks = [m for m in (2, 5, 10, 15, 20, 30, 40, 60) if m <= minutes]
    slopes, spans = {}, {}
    for start in (2, 5, 10, 15):
        if start < minutes:
            tail = [p for p in points if p[0] >= start]
            slope = slope_mb_per_min(tail)
            slopes[f"from_minute_{start}"] = round(slope, 3) if slope is not None else None
    for last in (5, 10, 15):
        if last < minutes:
            tail = [v for t, v in points if t >= minutes - last]
            spans[f"last_{last}_minutes"] = round(max(tail) - min(tail), 1)
    return {
        "rss_mb_at_minute": {str(m): round(at(m), 1) for m in marks},
        "slope_mb_per_min": slopes,
        "max_minus_min_mb": spans,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--preload", type=int, default=10_000, help="cases loaded first")
    parser.add_argument("--sweep-seconds", type=int, default=30)
    parser.add_argument(
        "--backlog-open-max", type=int, default=200,
        help="open backlog cases at most: beyond, a backlog intake is sent as an ordinary one",
    )  # fmt: skip
    parser.add_argument("--malloc-arena-max", type=int, help="MALLOC_ARENA_MAX for the server")
    parser.add_argument("--output", help="write the JSON here (default bench/results/)")
    args = parser.parse_args(argv)
    with scratch_database(args.db) as url:
        generate(url, args.preload, quiet=True)
        result = soak(url, args.minutes, args.clients, args.sweep_seconds,
                      args.backlog_open_max, args.malloc_arena_max)  # fmt: skip
        result["preloaded_cases"] = args.preload
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        path = args.output
    else:
        path = write_result(f"soak-{result['database']}", result)
    shown = {k: v for k, v in result.items() if k not in ("samples", "rounds")}
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return 0 if result["errors"] == 0 and result["server_alive_at_end"] else 1


if __name__ == "__main__":
    sys.exit(main())
