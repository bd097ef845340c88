"""The one window in which an email can go out twice: the SMTP server has accepted it (250)
and the deliverer dies before it writes that to the ledger. A real delivery process is
killed (SIGKILL) exactly there; after the lease a rerun sends the email once more, with the
same Message-ID, and never again."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from models import DeliveryAttempt, Notification, NotificationState
from notifications.delivery import DEFAULT_POLICY
from notifications.transport import message_id
from tests.faults.live import ROOT
from tests.notifications.conftest import Recorder, SmtpServer, enqueue_for_case, make_case

MAIL_FROM = "Đôn Đốc <thong-bao@dondoc.example.gov.vn>"


class HoldsTheLedger(Recorder):
    """Accepts the first message only after locking its outbox row in a transaction of its
    own, so the deliverer, told 250, waits on that lock to record the outcome."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.connection = None
        self.backend_pid: int | None = None
        self.accepted = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.connection is None:
            notification_id = self.received[-1].notification_id
            self.connection = self.engine.connect()
            self.connection.begin()  # SQLite: BEGIN IMMEDIATE, the one write lock
            self.connection.execute(
                select(Notification.id).where(Notification.id == notification_id).with_for_update()
            )
            if self.engine.dialect.name == "postgresql":
                self.backend_pid = self.connection.execute(text("SELECT pg_backend_pid()")).scalar()
            self.accepted.set()
        return answer

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


# The delivery in a process of its own (what the scheduler's job runs, without Prefect's
# ephemeral server, which a SIGKILL would leave running).
DELIVER = """
import sys
from datetime import datetime
from core.settings import get_settings
from models.db import engine_for
from notifications.delivery import deliver_due
settings = get_settings()
print(deliver_due(engine=engine_for(settings.database_url), settings=settings,
                  now=datetime.fromisoformat(sys.argv[1])))
"""


def _deliverer(settings, smtp_port: int, as_of) -> tuple[list[str], dict[str, str]]:
    return [sys.executable, "-c", DELIVER, as_of.isoformat()], {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DONDOC_DATABASE_URL": settings.database_url,
        "DONDOC_VAR_DIR": str(settings.var_dir),
        "DONDOC_SECRET_KEY": settings.secret_key,
        "DONDOC_SMTP_HOST": "127.0.0.1",
        "DONDOC_SMTP_PORT": str(smtp_port),
        "DONDOC_MAIL_FROM": MAIL_FROM,
    }


def _waiting_on(engine, backend_pid: int) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"
                ),
                {"pid": backend_pid},
            ).scalar()
        )


def test_killed_between_the_servers_250_and_the_ledger(engine, session, settings, now, tmp_path):
    case = make_case(session, _agency(session), now=now)
    enqueue_for_case(engine, case, now=now, recipient="chanh.van.phong@example.gov.vn")
    recorder = HoldsTheLedger(engine)
    server = SmtpServer()
    server.recorder = recorder
    server.start()
    try:
        command, env = _deliverer(settings, server.port, now)
        log = (tmp_path / "deliverer.log").open("wb")
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert recorder.accepted.wait(120), (tmp_path / "deliverer.log").read_text()
            # The deliverer has its 250 and is blocked writing the outcome.
            if recorder.backend_pid is not None:  # PostgreSQL says so
                deadline = time.monotonic() + 30
                while not _waiting_on(engine, recorder.backend_pid):
                    assert time.monotonic() < deadline, "the deliverer never reached the ledger"
                    time.sleep(0.05)
            else:  # SQLite cannot say who waits: give it ample time to get there
                time.sleep(2)
            assert process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
            recorder.release()
        assert process.returncode == -signal.SIGKILL

        row = session.exec(select(Notification)).one()
        assert row.state == NotificationState.sending and row.attempts == 1  # outcome unknown
        assert recorder.ids() == [row.id]

        # Before the lease runs out a rerun leaves it alone; after it, the email goes again.
        for as_of in (
            now + timedelta(minutes=5),
            now + DEFAULT_POLICY.lease + timedelta(minutes=1),
        ):
            command, env = _deliverer(settings, server.port, as_of)
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=180)
            if as_of < now + DEFAULT_POLICY.lease:
                assert recorder.ids() == [row.id]
        # And never again.
        command, env = _deliverer(settings, server.port, now + timedelta(days=1))
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=180)

        first, second = recorder.received
        expected = message_id(notification_id=row.id, key=row.idempotency_key, mail_from=MAIL_FROM)
        assert first.message["Message-ID"] == second.message["Message-ID"] == expected
        assert expected.endswith("@dondoc.example.gov.vn>")
        assert (
            first.message.get_body(("plain",)).get_content()
            == second.message.get_body(("plain",)).get_content()
        )
        session.expire_all()
        row = session.get(Notification, row.id)
        assert row.state == NotificationState.sent and row.attempts == 2
        ledger = session.exec(
            select(DeliveryAttempt.transport, DeliveryAttempt.ok).order_by(DeliveryAttempt.id)
        ).all()
        assert [tuple(entry) for entry in ledger] == [("lease", False), ("smtp", True)]
    finally:
        server.stop()


def _agency(session):
    from tests.factories import make_agency

    return make_agency(session, "UBND quận Liên Chiểu")
