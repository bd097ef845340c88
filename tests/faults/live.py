"""A real server process (uvicorn) on a free port, and intake clients that keep posting."""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from sqlmodel import Session

from api.security import issue
from models import Role
from tests.factories import make_agency, make_user

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """`uvicorn api.main:app` in a process of its own, against `url`."""

    def __init__(self, *, url: str, var_dir: Path, secret: str, log: Path, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DONDOC_DATABASE_URL": url,
            "DONDOC_VAR_DIR": str(var_dir),
            "DONDOC_SECRET_KEY": secret,
            "DONDOC_SCHEDULER_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /healthz in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@dataclass
class Desk:
    agency_id: int
    headers: dict[str, str]


def intake_desk(url: str, secret: str) -> Desk:
    """An agency and a clerk, with a bearer token signed by `secret`."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with Session(engine.execution_options(isolation_level="AUTOCOMMIT")) as session:
            agency = make_agency(session, f"UBND xã Tân Cương {uuid.uuid4().hex[:6]}")
            clerk = make_user(session, Role.clerk, agency)
            token = issue(
                session=session, user=clerk, secret=secret, now=datetime.now(UTC), minutes=120
            )
            return Desk(agency.id, {"Authorization": f"Bearer {token}"})
    finally:
        engine.dispose()


@dataclass
class Answer:
    key: str
    status: int  # 0: no answer at all (connection refused, timeout)
    code: str | None
    started: float  # time.monotonic() when sent
    acknowledged: float  # when the answer arrived
    seconds: float
    retry_after: str | None = None


@dataclass
class IntakeClients:
    """`clients` threads posting new cases, each with an Idempotency-Key, until stopped."""

    base: str
    desk: Desk
    clients: int = 4
    pause: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, key: str) -> dict:
        return {
            "kind": "complaint",
            "title": f"Chậm cấp giấy chứng nhận quyền sử dụng đất {key[-8:]}",
            "description": "Nộp hồ sơ từ năm 2020, chưa được cấp.",
            "channel": "in_person",
            "citizen": {"name": "Nguyễn Văn An", "phone": "0912 345 678"},
            "agency_id": self.desk.agency_id,
        }

    def post(self, http: httpx.Client, key: str) -> Answer:
        started = time.monotonic()
        try:
            response = http.post(
                f"{self.base}/api/v1/cases",
                json=self.body(key),
                headers={**self.desk.headers, "Idempotency-Key": key},
            )
            status, code = response.status_code, None
            if response.status_code in (200, 201):
                code = response.json()["code"]
            retry_after = response.headers.get("Retry-After")
        except httpx.HTTPError:
            status, code, retry_after = 0, None, None
        done = time.monotonic()
        return Answer(key, status, code, started, done, done - started, retry_after)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self.stop_event.is_set():
                answer = self.post(http, f"load-{uuid.uuid4().hex}")
                with self.lock:
                    self.answers.append(answer)
                if self.pause:
                    time.sleep(self.pause)

    def start(self) -> None:
        self.threads = [threading.Thread(target=self._run) for _ in range(self.clients)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(60)
