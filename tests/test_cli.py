"""The command line, run as a user runs it: a real process, a real port."""

import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import ON_POSTGRES, TEST_DB, _postgres_schema_url


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database nobody else uses (a new SQLite file or PostgreSQL schema)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    schema = f"cli_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(TEST_DB.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield _postgres_schema_url(TEST_DB, schema)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def _env(tmp_path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DONDOC_DATABASE_URL=url,
        DONDOC_VAR_DIR=str(tmp_path / "var"),
        DONDOC_SCHEDULER_ENABLED="false",
        PYTHONPATH=os.getcwd(),
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dondoc(*args: str) -> list[str]:
    return [sys.executable, "-m", "dondoc.cli", *args]


def test_create_admin_then_sign_in_through_serve(tmp_path, fresh_database_url):
    env = _env(tmp_path, fresh_database_url)
    made = subprocess.run(
        _dondoc(
            "create-admin",
            "--username",
            "quantri",
            "--password",
            "mật-khẩu-dài",
            "--email",
            "quantri@ubnd.gov.vn",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    again = subprocess.run(
        _dondoc(
            "create-admin",
            "--username",
            "quantri",
            "--password",
            "another-password",
            "--email",
            "quantri@ubnd.gov.vn",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "taken" in again.stderr

    port = _free_port()
    log = tmp_path / "serve.log"
    server = _start(_dondoc("serve", "--port", str(port)), env, log)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, server, log)
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "quantri", "password": "mật-khẩu-dài"}
        )
        assert token.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_serves_the_seed_agencies_and_prints_working_passwords(tmp_path, fresh_database_url):
    port = _free_port()
    log = tmp_path / "demo.log"
    server = _start(_dondoc("demo", "--port", str(port)), _env(tmp_path, fresh_database_url), log)
    try:
        base = f"http://127.0.0.1:{port}"
        lines = _wait_healthy(base, server, log)
        admin_line = next(line for line in lines if line.split()[:2] == ["admin", "admin"])
        password = admin_line.split()[2]
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "admin", "password": password}
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        names = {a["name"] for a in httpx.get(f"{base}/api/v1/agencies", headers=headers).json()}
        assert {
            "UBND xã Phúc Trìu",
            "UBND thị trấn Hóa Thượng",
            "Sở Tài chính TP. Cần Thơ",
        } <= names
        roles = {u["role"] for u in httpx.get(f"{base}/api/v1/users", headers=headers).json()}
        assert roles == {"clerk", "officer", "head", "inspector", "admin"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _start(command: list[str], env: dict[str, str], log) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(base: str, server: subprocess.Popen, log) -> list[str]:
    """Wait until /healthz answers; returns the lines the server printed so far."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        lines = log.read_text().splitlines()
        if server.poll() is not None:
            pytest.fail("server exited:\n" + "\n".join(lines))
        try:
            if httpx.get(f"{base}/healthz", timeout=1).json() == {"status": "ok"}:
                return log.read_text().splitlines()
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("server never became healthy:\n" + log.read_text())


def test_sweep_escalates_an_overdue_case_and_writes_its_mail(tmp_path, session, database_url):
    from datetime import UTC, datetime

    from sqlmodel import select

    from models import CaseEvent, Notification, Role
    from tests.factories import make_agency, make_head, make_user
    from tests.factories_cases import make_case

    agency = make_agency(session, "UBND xã Linh Sơn", email="linhson@ubnd.gov.vn")
    make_head(session, agency, full_name="Trịnh Văn Bình")
    officer = make_user(session, Role.officer, agency)
    due = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 17:00 in Hà Nội
    case = make_case(session, agency, due_at=due, now=due, assignee=officer)

    env = _env(tmp_path, database_url)
    # Wednesday 4 March 2026, 09:00 local: two working days overdue.
    done = subprocess.run(
        _dondoc("sweep", "--as-of", "2026-03-04T09:00"),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "steps applied" in done.stdout and "delivery" in done.stdout

    actions = session.exec(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert any(action.startswith("escalat") for action in actions)
    mail = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    assert {n.template for n in mail} >= {"head_escalation"}
    assert list((tmp_path / "var" / "mail").glob("*.eml")), "mail folder stays empty"

    bad = subprocess.run(
        _dondoc("sweep", "--as-of", "yesterday"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "ISO" in bad.stderr
