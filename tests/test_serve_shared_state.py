"""Two server processes on one database: what an administrator changes through one is what
the other computes with at its next request (no process keeps a stale copy)."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.security import issue
from migrations import upgrade
from models import Role, User
from models.db import engine_for, session_scope
from tests.case_factories import case_body
from tests.conftest import empty_database
from tests.factories import make_agency, make_user
from tests.test_cli import _free_port, _wait_healthy

SECRET = "two-processes-one-secret-0123456789"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.slow


@pytest.fixture
def fresh_database_url(tmp_path):
    with empty_database(tmp_path) as url:
        yield url


def serve(tmp_path, url: str, name: str) -> tuple[str, subprocess.Popen]:
    port, log = _free_port(), tmp_path / f"{name}.log"
    env = dict(os.environ)
    env.update(
        DONDOC_DATABASE_URL=url,
        DONDOC_VAR_DIR=str(tmp_path / "var"),
        DONDOC_SCHEDULER_ENABLED="false",
        DONDOC_SECRET_KEY=SECRET,
        PYTHONPATH=os.getcwd(),
    )
    command = [sys.executable, "-m", "dondoc.cli", "serve", "--port", str(port), "--workers", "1"]
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    _wait_healthy(base, process, log)
    return base + "/api/v1", process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def due_day(api: str, headers, body) -> str:
    response = httpx.post(f"{api}/cases", json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return datetime.fromisoformat(response.json()["due_at"]).astimezone(HANOI).date().isoformat()


def test_a_day_off_set_through_one_process_moves_deadlines_in_the_other(
    tmp_path, fresh_database_url
):
    upgrade(fresh_database_url)
    with session_scope(engine_for(fresh_database_url)) as session:
        agency = make_agency(session)
        admin, clerk = make_user(session, Role.admin), make_user(session, Role.clerk, agency)
        body = case_body(agency)
        admin_id, clerk_id = admin.id, clerk.id

    def bearer(user_id):
        with session_scope(engine_for(fresh_database_url)) as session:
            user = session.get(User, user_id)
            token = issue(
                session=session, user=user, secret=SECRET, now=datetime.now(UTC), minutes=30
            )
        return {"Authorization": f"Bearer {token}"}

    a_api, a = serve(tmp_path, fresh_database_url, "a")
    b_api, b = serve(tmp_path, fresh_database_url, "b")
    try:
        # B computes a deadline (whatever it might keep from the calendar, it now has).
        before = due_day(b_api, bearer(clerk_id), body)
        # Through A the administrator makes that very day a day off...
        made = httpx.post(
            f"{a_api}/calendar/days",
            json={"day": before, "is_working": False, "note": "Nghỉ bù của tỉnh"},
            headers=bearer(admin_id),
        )
        assert made.status_code == 201, made.text
        # ...and B's next deadline falls on a later working day.
        assert due_day(b_api, bearer(clerk_id), body) > before
        # Back to a working day through A: B counts it again.
        dropped = httpx.delete(f"{a_api}/calendar/days/{before}", headers=bearer(admin_id))
        assert dropped.status_code == 204
        assert due_day(b_api, bearer(clerk_id), body) == before
    finally:
        stop(a)
        stop(b)
