"""A live server (the real app under uvicorn, on a free loopback port) and Debian's chromium.

Browser tests are marked `slow`; without /usr/bin/chromium (or Playwright) they are skipped.
Playwright never downloads a browser here: `.ci/run` installs Debian's chromium.
"""

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from models import InspectionCreate
from workflows.inspections import service as inspections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OFFICE_SCREEN = {"width": 1366, "height": 768}
PHONE_SCREEN = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@pytest.fixture
def live_server(settings, engine) -> Iterator[LiveServer]:
    """The application served by uvicorn in a thread, against the test database."""
    from api.main import create_app

    app = create_app()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on an office screen, in Vietnamese."""
    context = browser.new_context(viewport=OFFICE_SCREEN, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def meeting(session, story, now):
    """Seed 002's team inspects UBND tỉnh Thái Nguyên and everything below, in an hour."""
    inspection = inspections.create(
        session=session,
        data=InspectionCreate(
            agency_id=story.agencies["tinh"].id,
            include_subtree=True,
            title="Kiểm tra công vụ năm 2023",
            kind="surprise",
            meeting_at=now + timedelta(hours=1),
            member_ids=[story.leader.id, story.member.id],
        ),
        actor=story.leader,
        now=now,
    )
    session.commit()
    return inspection


_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_token(client, path: str = "/") -> str:
    """The signed-in session's form token, read from a page as a browser would."""
    response = client.get(path)
    found = _CSRF_FIELD.search(response.text)
    assert found and found.group(1), f"no form token on {path} ({response.status_code})"
    return found.group(1)


def with_csrf(client, data: dict) -> dict:
    """Form data plus the session's token, for a test that posts a page form."""
    return {**data, "csrf_token": csrf_token(client)}


def carry_csrf(client, path: str = "/") -> None:
    """Send the signed-in session's token with every later request of this test client (as
    the header scripts use), for tests that post many forms."""
    client.headers["X-CSRF-Token"] = csrf_token(client, path)
