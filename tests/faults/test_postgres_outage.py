"""PostgreSQL goes away under load and comes back: a real server process, many intake
clients with Idempotency-Key, a sweep and a delivery running, the database stopped for some
seconds on a throw-away cluster of the test's own."""

import threading
import time
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser

import httpx
import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, func, select

from core.settings import Settings
from migrations import upgrade
from models import Case, EscalationStep, Notification, NotificationState
from models.db import make_engine, session_scope
from notifications.delivery import DEFAULT_POLICY, deliver_due
from tests.case_rows import make_case
from tests.factories import make_agency, make_head
from tests.faults.live import IntakeClients, ServerProcess, intake_desk
from tests.faults.pg_cluster import Cluster, unavailable_reason
from workflows.escalation.sweep import apply_batch, due_case_ids

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.slow,
    pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason())),
]
OUTAGE_SECONDS = 6
SWEPT_CASES = 400
# A Monday morning in Hà Nội: the ladder's mails are not held back for quiet hours.
AS_OF = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
QUICK = 10  # seconds: "answers quickly" (3 s connect timeout, with room for a busy machine)


class Jobs:
    """The sweep and the delivery, each in a loop of its own as the scheduler runs them;
    every run that the outage breaks is recorded, and the loop simply runs again."""

    def __init__(self, engine, settings: Settings, as_of: datetime):
        self.engine, self.settings, self.as_of = engine, settings, as_of
        self.delivery_now = as_of
        self.stop = threading.Event()
        self.runs: dict[str, list[tuple[float, str]]] = {"sweep": [], "delivery": []}

    def sweep(self) -> None:
        with session_scope(self.engine) as session:
            ids = due_case_ids(session=session, as_of=self.as_of)
        for start in range(0, len(ids), 10):  # small batches: the outage falls mid-sweep
            with session_scope(self.engine) as session:
                apply_batch(session=session, case_ids=ids[start : start + 10], now=self.as_of)

    def deliver(self) -> None:
        deliver_due(engine=self.engine, settings=self.settings, now=self.delivery_now, batch_size=5)

    def _loop(self, name: str, run) -> None:
        while not self.stop.is_set():
            try:
                run()
                self.runs[name].append((time.monotonic(), "ok"))
            except DBAPIError as error:
                self.runs[name].append((time.monotonic(), f"failed: {type(error.orig).__name__}"))
            time.sleep(0.1)

    def start(self) -> None:
        self.threads = [
            threading.Thread(target=self._loop, args=("sweep", self.sweep)),
            threading.Thread(target=self._loop, args=("delivery", self.deliver)),
        ]
        for thread in self.threads:
            thread.start()

    def ok_after(self, name: str, instant: float) -> bool:
        return any(at > instant and what == "ok" for at, what in self.runs[name])

    def failures(self, name: str) -> list[str]:
        return [what for _, what in self.runs[name] if what != "ok"]

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(120)


def _wait(condition, timeout: float, what: str, describe=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} {describe()}")
        time.sleep(0.1)


def test_the_server_answers_503_while_postgresql_is_down_and_recovers(tmp_path):
    cluster = Cluster().init()
    cluster.start()
    server = None
    try:
        url = cluster.url
        upgrade(url)
        engine = make_engine(url)
        as_of = AS_OF
        with Session(engine) as session:
            ward = make_agency(session, "UBND phường Hòa Khánh Bắc")
            make_head(session, ward)
            for _ in range(SWEPT_CASES):
                make_case(session, ward, due_at=as_of - timedelta(days=3), now=as_of)
        secret = "outage-secret-of-at-least-32-bytes-for-hs256"
        server = ServerProcess(
            url=url, var_dir=tmp_path / "var", secret=secret, log=tmp_path / "server.log"
        )
        server.start()
        load = IntakeClients(server.base, intake_desk(url, secret), clients=8)
        settings = Settings(
            database_url=url, var_dir=tmp_path / "jobs", secret_key=secret,
            mail_dir=tmp_path / "mail",
        )  # fmt: skip
        jobs = Jobs(engine, settings, as_of)

        load.start()
        _wait(lambda: sum(a.status == 201 for a in load.answers) >= 30, 60, "intake")
        jobs.start()
        _wait(lambda: _count(engine, Notification) >= 20, 60, "the sweep to be under way")
        cluster.stop("fast")
        # Once the stop has returned: a request that began while PostgreSQL was still shutting
        # down may rightly have committed (201) just before it went.
        stopped = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        # PostgreSQL takes connections before `pg_ctl start -w` returns: answers given from
        # here on may rightly be 201, so the outage's window ends before the start.
        restarting = time.monotonic()
        cluster.start()
        restarted = time.monotonic()
        _wait(
            lambda: sum(a.status == 201 and a.started > restarted for a in load.answers) >= 20,
            60,
            "intake to recover in the same server process",
        )
        _wait(lambda: jobs.ok_after("sweep", restarted), 120, "a sweep to complete")
        load.stop()
        # The rerun after the lease: rows claimed when the database went away are sent again.
        jobs.delivery_now = as_of + DEFAULT_POLICY.lease + timedelta(minutes=1)
        bumped = time.monotonic()
        _wait(
            lambda: jobs.ok_after("delivery", bumped) and _waiting(engine) == 0,
            120,
            "the delivery to complete",
            lambda: f"{_outbox(engine)} {jobs.runs['delivery'][-5:]}",
        )
        jobs.join()
        assert server.process.poll() is None, "the server process died"

        answers = load.answers
        statuses = {a.status for a in answers}
        during = [a for a in answers if a.started >= stopped and a.acknowledged <= restarting]
        unavailable = [a for a in answers if a.status == 503]
        assert statuses <= {201, 503}, f"unexpected answers: {statuses}"
        assert during and {a.status for a in during} == {503}
        assert all(a.retry_after and int(a.retry_after) > 0 for a in unavailable)
        slowest = max(a.seconds for a in unavailable)
        assert slowest < QUICK, f"a request hung {slowest:.1f} s while the database was down"

        # Retrying every refused request with its key registers nothing twice.
        with httpx.Client(timeout=30) as http:
            retried = {a.key: load.post(http, a.key).status for a in unavailable}
        assert set(retried.values()) <= {200, 201}
        accepted = {a.key: a.code for a in answers if a.status == 201}
        with Session(engine) as session:
            stored = dict(
                session.exec(
                    select(Case.idempotency_key, Case.code).where(Case.idempotency_key.is_not(None))
                ).all()
            )
        assert set(stored) == set(accepted) | set(retried)
        assert all(stored[key] == code for key, code in accepted.items())

        # The sweep and the delivery that the outage cut off lost nothing.
        assert jobs.failures("sweep") and jobs.failures("delivery")
        with Session(engine) as session:
            assert due_case_ids(session=session, as_of=as_of) == []
            swept = session.exec(select(func.count(func.distinct(EscalationStep.case_id)))).one()
            assert swept == SWEPT_CASES
            states = session.exec(
                select(Notification.state, func.count()).group_by(Notification.state)
            ).all()
            notifications = _count(engine, Notification)
        assert dict(states) == {NotificationState.sent: notifications}
        files = sorted((tmp_path / "mail").glob("*.eml"))
        ids = [int(_headers(f)["X-Dondoc-Notification"]) for f in files]
        assert len(ids) == len(set(ids)) == notifications

        log = (tmp_path / "server.log").read_text()
        assert "the database does not answer" in log
        assert "Traceback" not in log
        # A 500 as the server logs one (not the digits in a time stamp such as 01:18:54.500).
        assert "500 for" not in log and "500 Internal" not in log
    finally:
        if server is not None:
            server.stop()
        cluster.remove()


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _outbox(engine) -> list:
    with Session(engine) as session:
        return session.exec(
            select(
                Notification.state,
                func.count(),
                func.min(Notification.next_attempt_at),
                func.max(Notification.last_error),
            ).group_by(Notification.state)
        ).all()


def _waiting(engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(Notification.state != NotificationState.sent)
        ).one()


def _headers(path):
    with path.open("rb") as handle:
        return BytesHeaderParser().parse(handle)
