"""Delivery faults an operator has to fix: the SMTP server refuses our login, its TLS
certificate does not verify, the disk of the mail folder is full. Each is logged, shown on
/readyz and the admin's health panel, loses nothing (the row stays pending with its attempt
count and next try) and is delivered once, and only once, after the fault is cleared."""

import logging
from datetime import timedelta

import pytest
from sqlmodel import select

from models import Notification, NotificationState, Role
from notifications.delivery import deliver_due
from tests.factories import make_user, session_token
from tests.faults.certificates import make_server_certificate
from tests.faults.full_disk import fill, small_filesystem
from tests.notifications.conftest import SmtpServer, enqueue_for_case, make_case

RETRY_DELAY = timedelta(minutes=1)  # the first backoff of the default policy


def _only_row(session) -> Notification:
    session.expire_all()
    (row,) = session.exec(select(Notification)).all()
    return row


def _health_panel(client, settings, session) -> str:
    admin = make_user(session, Role.admin)
    client.cookies.clear()
    client.cookies.update({"dondoc_token": session_token(settings, admin)})
    page = client.get("/dashboard?lang=en")
    client.cookies.clear()
    assert page.status_code == 200
    return page.text


def _fails_then_is_delivered_once(
    *, engine, session, client, settings, caplog, broken, fixed, kind, text, now, received
):
    """Deliver with `broken` settings, check what everyone sees, then with `fixed`."""
    with caplog.at_level(logging.WARNING, logger="dondoc.delivery"):
        report = deliver_due(engine=engine, settings=broken, now=now)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    assert received() == []
    row = _only_row(session)
    assert row.state == NotificationState.pending and row.attempts == 1
    assert row.next_attempt_at == now + RETRY_DELAY
    assert text in row.last_error.lower()
    assert f"notification {row.id} not sent (attempt 1" in caplog.text
    assert text in caplog.text.lower()

    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["waiting"] == 1
    assert ready["last_error_kind"] == kind
    panel = _health_panel(client, settings, session)
    assert 'data-health="problem"' in panel and row.last_error in panel.replace("&#39;", "'")

    # Before its next try nothing is attempted, even with the fault cleared.
    assert deliver_due(engine=engine, settings=fixed, now=now + RETRY_DELAY / 2).sent == 0
    report = deliver_due(engine=engine, settings=fixed, now=now + RETRY_DELAY)
    assert (report.sent, report.retrying) == (1, 0)
    assert deliver_due(engine=engine, settings=fixed, now=now + timedelta(hours=1)).sent == 0
    assert received() == [row.id]
    row = _only_row(session)
    assert row.state == NotificationState.sent and row.attempts == 2
    assert client.get("/readyz").json()["last_error_kind"] is None
    return row


def test_a_refused_smtp_login(engine, session, settings, client, now, caplog):
    server = SmtpServer(auth={"dondoc": "mat-khau-moi-2026"})
    server.start()
    try:
        broken = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": server.port,
                    "smtp_user": "dondoc", "smtp_password": "mat-khau-cu"}
        )  # fmt: skip
        fixed = broken.model_copy(update={"smtp_password": "mat-khau-moi-2026"})
        case = make_case(session, _agency(session), now=now)
        enqueue_for_case(engine, case, now=now)
        _fails_then_is_delivered_once(
            engine=engine, session=session, client=client, settings=settings, caplog=caplog,
            broken=broken, fixed=fixed, kind="authentication", text="535", now=now,
            received=server.recorder.ids,
        )  # fmt: skip
        assert server.recorder.logins == ["dondoc"]  # the refused login left no mark
    finally:
        server.stop()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_tls_certificate_that_does_not_verify(engine, session, settings, client, now, caplog,
                                                tmp_path, security):  # fmt: skip
    """STARTTLS (or implicit TLS) to a server whose certificate a private CA signed: refused
    by default (the system's CAs do not know it), delivered once DONDOC_SMTP_CA_FILE names
    that CA."""
    certificate = make_server_certificate(tmp_path / "tls")
    if security == "starttls":
        server = SmtpServer(tls_context=certificate.server_context(), require_starttls=True)
    else:
        server = SmtpServer(ssl_context=certificate.server_context())
    server.start()
    try:
        broken = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": server.port,
                    "smtp_security": security}
        )  # fmt: skip
        fixed = broken.model_copy(update={"smtp_ca_file": str(certificate.ca_file)})
        case = make_case(session, _agency(session), now=now)
        enqueue_for_case(engine, case, now=now)
        row = _fails_then_is_delivered_once(
            engine=engine, session=session, client=client, settings=settings, caplog=caplog,
            broken=broken, fixed=fixed, kind="tls_certificate",
            text="certificate verify failed", now=now, received=server.recorder.ids,
        )  # fmt: skip
        (mail,) = server.recorder.received
        assert mail.message["X-Dondoc-Notification"] == str(row.id)
    finally:
        server.stop()


def test_a_certificate_for_another_host_does_not_verify(engine, session, settings, now, tmp_path):
    """Trusting the CA is not enough: the name must match (the certificate names
    mail.example.gov.vn, the server is reached as 127.0.0.1)."""
    certificate = make_server_certificate(tmp_path / "tls", names=["mail.example.gov.vn"])
    server = SmtpServer(tls_context=certificate.server_context(), require_starttls=True)
    server.start()
    try:
        other_name = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": server.port,
                    "smtp_security": "starttls", "smtp_ca_file": str(certificate.ca_file)}
        )  # fmt: skip
        case = make_case(session, _agency(session), now=now)
        enqueue_for_case(engine, case, now=now)
        report = deliver_due(engine=engine, settings=other_name, now=now)
        assert report.retrying == 1 and server.recorder.received == []
        assert "ip address mismatch" in _only_row(session).last_error.lower()
    finally:
        server.stop()


def test_a_full_disk_under_the_mail_folder(engine, session, settings, client, now, caplog,
                                           tmp_path):  # fmt: skip
    with small_filesystem(tmp_path / "small") as disk:
        broken = settings.model_copy(update={"mail_dir": disk / "mail"})
        (disk / "mail").mkdir()
        filler = fill(disk)
        case = make_case(session, _agency(session), now=now)
        enqueue_for_case(engine, case, now=now)

        def written() -> list[int]:
            return sorted(int(p.stem) for p in (disk / "mail").glob("*.eml"))

        with caplog.at_level(logging.WARNING, logger="dondoc.delivery"):
            report = deliver_due(engine=engine, settings=broken, now=now)
        assert (report.sent, report.retrying) == (0, 1)
        assert written() == [] and not list((disk / "mail").glob("*.tmp"))
        row = _only_row(session)
        assert row.state == NotificationState.pending and row.attempts == 1
        assert row.next_attempt_at == now + RETRY_DELAY
        assert "no space left on device" in row.last_error.lower()
        assert f"notification {row.id} not sent (attempt 1" in caplog.text
        ready = client.get("/readyz").json()
        assert ready["last_error_kind"] == "disk_full" and ready["waiting"] == 1
        panel = _health_panel(client, settings, session)
        assert 'data-health="problem"' in panel and "No space left on device" in panel

        filler.unlink()  # the operator frees space
        assert deliver_due(engine=engine, settings=broken, now=now + RETRY_DELAY).sent == 1
        assert deliver_due(engine=engine, settings=broken, now=now + timedelta(hours=1)).sent == 0
        assert written() == [row.id]
        assert _only_row(session).state == NotificationState.sent
        assert client.get("/readyz").json()["last_error_kind"] is None


def _agency(session):
    from tests.factories import make_agency

    return make_agency(session, "UBND phường Hòa Khánh Bắc")
