"""The sweep SIGKILLed in a real subprocess at several points, then rerun: every due step is
applied exactly once and no notification is queued twice. The subprocess runs the real flow
through crash_sweep.py, which installs the kill point around the flow's steps."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import CaseEvent, EscalationStep, Notification, Role
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user
from workflows.escalation.ladder import load_policy

ROOT = Path(__file__).resolve().parents[3]
TZ = load_policy().tz
DUE = datetime(2026, 3, 10, 17, tzinfo=TZ).astimezone(UTC)
AS_OF = datetime(2026, 3, 11, 9, tzinfo=TZ).astimezone(UTC)
CASES, BATCH = 60, 10  # six batches
SCRIPT = "tests.workflows.escalation.crash_sweep"


@pytest.fixture(scope="module")
def prefect_api_url() -> str:
    """This test process's ephemeral Prefect server, shared with the sweep subprocesses (each
    would otherwise start a server of its own: tens of seconds on a loaded machine)."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    return server.api_url


def run_sweep_process(settings, tmp_path, api_url, kill_at: str | None) -> tuple[int, str, str]:
    """The flow in a process group of its own, SIGKILLed by itself at `kill_at`; anything it
    left behind is stopped with the group (every process in it was started here)."""
    env = {
        **os.environ,
        "DONDOC_DATABASE_URL": settings.database_url,
        "PREFECT_API_URL": api_url,
    }
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", SCRIPT, AS_OF.isoformat(), str(BATCH), *filter(None, [kill_at])],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=240)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return code, out.read_text(), err.read_text()[-3000:]


def counts(session):
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(EscalationStep)),
        session.scalar(select(func.count()).select_from(CaseEvent)),
        session.scalar(select(func.count()).select_from(Notification)),
    )


@pytest.mark.slow
def test_killed_sweeps_rerun_to_exactly_once(
    settings, engine, session, now, tmp_path, prefect_api_url
):
    ward = make_agency(session, "UBND phường")
    make_head(session, ward)
    officer = make_user(session, Role.officer, ward)
    for _ in range(CASES):
        make_case(session, ward, due_at=DUE, now=now, assignee=officer)
    # Per case: reminder, due_today and overdue_head (3 steps, 3 events), due at once; each
    # person is told once, by the latest step for them: the officer's due_today and the
    # head's overdue_head (2 mails).
    expected = (3 * CASES, 3 * CASES, 2 * CASES)

    seen = []
    for kill_at in ("uncommitted:0", "committed:2", "uncommitted:2"):
        code, out, err = run_sweep_process(settings, tmp_path, prefect_api_url, kill_at)
        assert code == -signal.SIGKILL, out + err
        seen.append(counts(session))
    # Killed before the first commit: nothing; after two batches: two batches' worth; killed
    # inside the third batch of the next run: two more batches, never a half batch.
    assert seen[0] == (0, 0, 0)
    assert seen[1] == tuple(n * 2 * BATCH // CASES for n in expected)
    assert seen[2] == tuple(n * 4 * BATCH // CASES for n in expected)

    code, _out, err = run_sweep_process(settings, tmp_path, prefect_api_url, None)
    assert code == 0, err
    assert counts(session) == expected
    keys = session.exec(select(Notification.idempotency_key)).all()
    assert len(set(keys)) == len(keys) == expected[2]
    code, out, err = run_sweep_process(settings, tmp_path, prefect_api_url, None)
    assert code == 0 and "'steps': 0" in out, err
    assert counts(session) == expected
