"""Eight signed-in people click the same action on one case at once, against a real server
process (uvicorn, real HTTP, one thread per browser): one wins, the seven others get the
"changed meanwhile" page, nobody waits, and the server keeps answering /healthz meanwhile.

Before the page handlers ran in the thread pool, six such clicks on SQLite froze the whole
server for 30 s (the event loop waited on SQLite's lock) and answered 500 "database is locked".
"""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from models import Case, CaseEvent, Role
from tests.case_factories import make_case
from tests.factories import PASSWORD, make_agency, make_user
from tests.web.conftest import carry_csrf, free_port

CLICKS = 8
ROOT = Path(__file__).resolve().parents[2]
# The defect this guards against froze every request for 30 s; a loaded two-core machine
# answers the burst in well under a second. A user notices the difference.
PATIENCE = 10.0


@pytest.fixture
def server(settings, engine, tmp_path):
    """`uvicorn api.main:app` in its own process, against the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DONDOC_DATABASE_URL": settings.database_url,
        "DONDOC_SECRET_KEY": settings.secret_key,
        "DONDOC_VAR_DIR": str(tmp_path / "server-var"),
        "DONDOC_SCHEDULER_ENABLED": "false",
    }
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((tmp_path / "server.log").read_text())
        time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _signed_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=PATIENCE * 3)
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    carry_csrf(client)  # the form token a browser would send with the click
    return client


def test_eight_clicks_on_accept_one_wins_the_others_see_the_change(server, engine, session):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    officers = [
        make_user(session, Role.officer, agency, full_name=f"Cán bộ {n}") for n in range(CLICKS)
    ]
    case = make_case(engine, officers[0], agency, now=datetime.now(UTC))
    clients = [_signed_in(server, officer.username) for officer in officers]
    # Everyone has the page open: the same form with the same version.
    versions = {
        re.search(r'name="version" value="(\d+)"', c.get(f"/cases/{case.id}").text).group(1)
        for c in clients
    }
    assert versions == {str(case.version)}

    health: list[tuple[float, int | str]] = []
    burst_over = threading.Event()

    def poll_health() -> None:
        with httpx.Client(base_url=server, timeout=PATIENCE * 3) as probe:
            while not burst_over.is_set():
                started = time.monotonic()
                try:
                    status: int | str = probe.get("/healthz").status_code
                except httpx.HTTPError as exc:
                    status = repr(exc)
                health.append((time.monotonic() - started, status))
                time.sleep(0.02)

    answers: list[tuple[float, int, str]] = [None] * CLICKS  # type: ignore[list-item]
    start = threading.Barrier(CLICKS + 1)

    def click(n: int) -> None:
        start.wait()
        started = time.monotonic()
        response = clients[n].post(
            f"/cases/{case.id}/act/accept",
            data={"version": str(case.version), "note": f"Thụ lý ({n})"},
        )
        answers[n] = (time.monotonic() - started, response.status_code, response.text)

    prober = threading.Thread(target=poll_health)
    prober.start()
    threads = [threading.Thread(target=click, args=(n,)) for n in range(CLICKS)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # the prober is polling before the burst
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join(timeout=PATIENCE * 4)
    burst = time.monotonic() - began
    time.sleep(0.1)
    burst_over.set()
    prober.join()
    for client in clients:
        client.close()

    assert all(answers), f"clicks without an answer after {burst:.0f} s: the server froze"
    statuses = sorted(status for _, status, _ in answers)
    assert statuses == [303] + [409] * (CLICKS - 1), statuses
    for _, status, text in answers:
        if status == 409:
            assert "Hồ sơ vừa được người khác cập nhật" in text  # the case page, not an error
            assert "database is locked" not in text
    assert burst < PATIENCE, f"the burst took {burst:.1f} s"
    assert len(health) >= 3 and {status for _, status in health} == {200}, health
    assert max(seconds for seconds, _ in health) < PATIENCE
    session.expire_all()
    assert session.get(Case, case.id).status == "accepted"
    accepts = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "accept")
    ).all()
    assert len(accepts) == 1
