"""Scale-out end to end: a real `prefect server`, the deployments of prefect.yaml, a process
worker, and a triggered sweep whose steps land in the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from models import EscalationStep
from tests.case_rows import make_case
from tests.factories import make_agency, make_head
from workflows.escalation.ladder import load_policy

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))
TZ = load_policy().tz
# Far ahead of the real clock, so the deployments' own scheduled runs (as of now) find
# nothing: every step seen here comes from the run this test triggers.
DUE = datetime(2030, 3, 12, 17, tzinfo=TZ).astimezone(UTC)
AS_OF = datetime(2030, 3, 13, 9, tzinfo=TZ).astimezone(UTC)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    """Stop a process group this test started, by its id: TERM, then KILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def test_a_deployed_sweep_runs_on_a_process_worker(settings, engine, session, now, tmp_path):
    ward = make_agency(session, "UBND phường")
    make_head(session, ward)
    case = make_case(session, ward, due_at=DUE, now=now)

    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DONDOC_HOME": str(ROOT),
        "DONDOC_DATABASE_URL": settings.database_url,
    }
    log = (tmp_path / "processes.log").open("w")
    processes = []
    try:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        processes.append(server)
        wait_for(lambda: healthy(api_url), 240, "prefect server")

        def prefect(*args):
            done = subprocess.run(
                [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            return done.stdout

        prefect("work-pool", "create", "dondoc", "--type", "process")
        deployed = prefect("--no-prompt", "deploy", "--all")
        for name in (
            "escalation-sweep",
            "deliver-notifications",
            "daily-digest",
            "fetch-mailboxes",
            "housekeeping",
        ):
            assert name in deployed
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "dondoc"],
            env=env, cwd=tmp_path, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        processes.append(worker)
        prefect(
            "deployment", "run", "escalation-sweep/escalation-sweep",
            "--param", f"as_of={AS_OF.isoformat()}",
        )  # fmt: skip

        def applied():
            session.expire_all()
            rows = session.exec(select(EscalationStep).where(EscalationStep.case_id == case.id))
            return sorted(row.step for row in rows)

        steps = wait_for(lambda: len(applied()) == 3 and applied(), 240, "the sweep's steps")
        assert steps == ["due_today", "overdue_head", "reminder"]
    finally:
        for process in reversed(processes):
            stop(process)
        log.close()
