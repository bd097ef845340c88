"""A real SMTP server (aiosmtpd on 127.0.0.1) that records what it receives, and cases."""

import itertools
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session

from core.settings import Settings
from models import Case, CaseKind, CaseStatus, Channel
from notifications.outbox import enqueue
from tests.factories import make_agency
from workflows.deadlines.mail_facts import case_context

BASE_URL = "http://dondoc.test"
_codes = itertools.count(1)


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def notification_id(self) -> int:
        return int(self.message["X-Dondoc-Notification"])


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps every message, every connection, and can refuse."""

    received: list[Received] = field(default_factory=list)
    sessions: list[object] = field(default_factory=list)  # one per connection that said EHLO
    reject: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            if not any(s is session for s in self.sessions):
                self.sessions.append(session)
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 2.0.0 Ok: queued"

    def ids(self) -> list[int]:
        return sorted(r.notification_id for r in self.received)


class SmtpServer:
    """aiosmtpd on a fixed free port that can be stopped and started again (an outage)."""

    def __init__(self, *, auth: dict[str, str] | None = None, **server_kwargs):
        self.recorder = Recorder()
        self.auth = auth
        self.ssl_context = server_kwargs.pop("ssl_context", None)  # implicit TLS (port 465)
        self.server_kwargs = server_kwargs  # e.g. tls_context, require_starttls (STARTTLS)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.auth.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        if ok:
            self.recorder.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        extra = dict(self.server_kwargs)
        if self.auth is not None:
            extra |= {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, server_kwargs=extra,
            ssl_context=self.ssl_context,
        )  # fmt: skip
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "base_url": BASE_URL}
    )


@pytest.fixture
def agency(session):
    return make_agency(session, name="UBND phường Hòa Khánh Bắc")


def make_case(session: Session, agency, *, now: datetime, due_in_days: int = -3, **fields) -> Case:
    """An accepted case of `agency`, due `due_in_days` from now (negative: overdue)."""
    n = next(_codes)
    values = dict(
        code=f"KN-2026-{n:06d}",
        kind=CaseKind.complaint,
        status=CaseStatus.accepted,
        title=f"Khiếu nại về việc cấp giấy chứng nhận quyền sử dụng đất số {n}",
        channel=Channel.in_person,
        citizen_name="Trần Thị Bích Ngọc",
        citizen_email=f"citizen{n}@example.vn",
        agency_id=agency.id,
        received_at=now - timedelta(days=40),
        due_at=now + timedelta(days=due_in_days),
        updated_at=now,
    )
    values.update(fields)
    case = Case(**values)
    session.add(case)
    session.commit()
    session.refresh(case)
    return case


def enqueue_for_case(
    engine,
    case: Case,
    *,
    now: datetime,
    template: str = "officer_reminder",
    recipient: str = "can.bo@example.gov.vn",
    recipient_name: str = "Nguyễn Văn Đức",
    key: str | None = None,
    extra: dict | None = None,
    language: str = "vi",
) -> None:
    """Enqueue one notification about `case` in a committed transaction of its own."""
    with Session(engine) as session:
        context = {
            "case": case_context(session=session, case=case, now=now, base_url=BASE_URL),
            **(extra or {}),
        }
        enqueue(
            session=session,
            key=key or f"{template}:{case.id}:{recipient}",
            template=template,
            recipient=recipient,
            recipient_name=recipient_name,
            context=context,
            case_id=case.id,
            now=now,
            language=language,
        )
        session.commit()
