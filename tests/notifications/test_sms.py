"""SMS through an HTTP gateway: a real HTTP server stands in for it. Same outbox, retries and
ledger as email: a failed attempt is retried, a delivered one is never sent again."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlmodel import select

from core.settings import get_settings
from models import DeliveryAttempt, Notification, NotificationState, Role
from notifications.delivery import deliver_due
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user

PHONE_ONLY = {"name": "Hoàng Văn Bảy", "phone": "0912 777 888"}


class Gateway:
    """An HTTP server that answers with the scripted statuses, then 200, and keeps each POST."""

    def __init__(self):
        self.received: list[dict] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                gateway.received.append({**form, "auth": self.headers.get("Authorization")})
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"queued" if status == 200 else b"busy")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings, monkeypatch):
    served = Gateway()
    monkeypatch.setenv("DONDOC_SMS_URL", served.url)
    monkeypatch.setenv("DONDOC_SMS_USER", "dondoc")
    monkeypatch.setenv("DONDOC_SMS_PASSWORD", "s3cret")
    get_settings.cache_clear()
    yield served
    served.close()
    get_settings.cache_clear()


def _sms(session):
    return session.exec(
        select(Notification).where(Notification.channel == "sms").order_by(Notification.id)
    ).all()


def test_phone_only_citizen_gets_sms_retried_until_delivered_once(engine, session, gateway):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), citizen=PHONE_ONLY)
    act(engine, case, "accept", officer, now=at("2026-03-03"))
    rows = _sms(session)
    assert [(r.template, r.recipient) for r in rows] == [
        ("citizen_receipt", "0912 777 888"),
        ("citizen_accepted", "0912 777 888"),
    ]

    gateway.statuses = [503]  # the gateway is busy for the first message
    first = deliver_due(engine=engine, settings=get_settings(), now=at("2026-03-03", "10:00"))
    assert (first.sent, first.retrying) == (1, 1)
    later = deliver_due(engine=engine, settings=get_settings(), now=at("2026-03-03", "11:00"))
    assert later.sent == 1
    again = deliver_due(engine=engine, settings=get_settings(), now=at("2026-03-04"))
    assert again.sent == again.retrying == 0

    assert len(gateway.received) == 3  # one refused, two delivered, nothing twice
    delivered = gateway.received[1:]
    assert {m["id"] for m in delivered} == {r.idempotency_key for r in rows}
    for message in delivered:
        assert message["to"] == "0912 777 888" and message["auth"].startswith("Basic ")
        assert f"Ma ho so {case.code}" in message["text"]
        assert message["text"].startswith("UBND xa Phuc Triu: ")
        assert f"/tra-cuu?code={case.code}" in message["text"]
    session.expire_all()
    assert {r.state for r in _sms(session)} == {NotificationState.sent}
    ledger = session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
    assert [(a.transport, a.ok, a.smtp_code) for a in ledger] == [
        ("sms", False, 503),
        ("sms", True, 200),
        ("sms", True, 200),
    ]


def test_a_number_the_gateway_refuses_fails_at_once(engine, session, gateway):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    make_case(engine, officer, agency, now=at("2026-03-02"), citizen=PHONE_ONLY)
    gateway.statuses = [400]
    report = deliver_due(engine=engine, settings=get_settings(), now=at("2026-03-02", "10:00"))
    assert report.failed == 1
    [row] = _sms(session)
    assert row.state == NotificationState.failed and "400" in row.last_error


def test_off_unless_configured_and_email_first(engine, session, settings):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    make_case(engine, officer, agency, now=at("2026-03-02"), citizen=PHONE_ONLY)
    assert _sms(session) == []
    assert session.exec(select(Notification)).all() == []


def test_a_citizen_with_email_gets_email_not_sms(engine, session, gateway):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    citizen = {**PHONE_ONLY, "email": "bay@example.vn"}
    make_case(engine, officer, agency, now=at("2026-03-02"), citizen=citizen)
    [row] = session.exec(select(Notification)).all()
    assert (row.channel, row.recipient) == ("email", "bay@example.vn")
