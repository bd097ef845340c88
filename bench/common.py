"""What every benchmark shares: scratch databases, a served app, percentiles, results."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

RESULTS = Path(__file__).parent / "results"
PG_BASE = os.environ.get("DONDOC_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).parent.parent


@contextmanager
def scratch_database(kind: str, base: str = PG_BASE) -> Iterator[str]:
    """An empty database for one run: a SQLite file in /tmp, or a fresh schema of the
    PostgreSQL database `base`; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    app: str, database_url: str, workers: int = 1, **env: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`app` (module:attribute) under uvicorn in a subprocess on 127.0.0.1, with `workers`
    server processes (as `dondoc serve --workers`); stopped after."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-var-") as var:
        environ = {
            **os.environ,
            "DONDOC_DATABASE_URL": database_url,
            "DONDOC_VAR_DIR": var,
            "DONDOC_SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DONDOC_SCHEDULER_ENABLED": "false",
            **env,
        }
        command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1",
                   "--port", str(port), "--log-level", "warning", "--no-access-log",
                   "--workers", str(workers)]  # fmt: skip
        proc = subprocess.Popen(command, cwd=ROOT, env=environ)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc)
            yield base, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become healthy")


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident set size of a live process (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def tree_peak_rss_mb(pid: int) -> float | None:
    """The peak RSS of a process and its children (uvicorn's workers), summed, in MiB."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    peaks = [peak_rss_mb(p) for p in (pid, *map(int, children))]
    known = [peak for peak in peaks if peak is not None]
    return round(sum(known), 1) if known else None


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (uvicorn's workers), live."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    total = 0.0
    for p in (pid, *map(int, children)):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; values need not be sorted."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "cpus": os.cpu_count(), **data}  # fmt: skip
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def short_url(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"
