"""Delivery to a real SMTP server: UTF-8, one connection per batch, outages, refusals."""

from datetime import timedelta

from sqlmodel import select

from models import CaseEvent, DeliveryAttempt, Notification, NotificationState
from notifications.delivery import RetryPolicy, deliver_due
from tests.notifications.conftest import enqueue_for_case, make_case

POLICY = RetryPolicy(max_attempts=4, base_delay=timedelta(minutes=1))


def _rows(session) -> dict[int, Notification]:
    session.expire_all()
    return {n.id: n for n in session.exec(select(Notification))}


def test_vietnamese_names_and_subjects_arrive_intact(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now, due_in_days=-5)
    enqueue_for_case(engine, case, now=now, recipient_name="Nguyễn Thị Hồng Nhung")
    enqueue_for_case(
        engine,
        case,
        now=now,
        template="citizen_declined",
        recipient="citizen@example.vn",
        recipient_name="Trần Thị Bích Ngọc",
        extra={"reason": "Không thuộc thẩm quyền giải quyết của Ủy ban"},
    )

    report = deliver_due(engine=engine, settings=smtp_settings, now=now)

    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    by_to = {r.recipients[0]: r.message for r in smtp_server.recorder.received}
    officer = by_to["can.bo@example.gov.vn"]
    assert officer["Subject"] == (
        f"[Đôn Đốc] Nhắc hạn hồ sơ {case.code}: hạn 25/02/2026 (QUÁ HẠN 5 ngày)"
    )
    assert officer["To"].addresses[0].display_name == "Nguyễn Thị Hồng Nhung"
    assert officer["From"].addresses[0].display_name == "Đôn Đốc"
    text = officer.get_body(preferencelist=("plain",)).get_content()
    html = officer.get_body(preferencelist=("html",)).get_content()
    assert "Kính gửi đồng chí Nguyễn Thị Hồng Nhung," in text
    assert case.code in text and "25/02/2026" in text and "QUÁ HẠN 5 ngày" in text
    assert f"http://dondoc.test/cases/{case.id}" in text
    assert "quá hạn 5 ngày" in html and "Hòa Khánh Bắc" in html
    citizen = by_to["citizen@example.vn"]
    assert citizen["Subject"] == f"Thông báo không thụ lý hồ sơ {case.code}"
    assert (
        "Lý do: Không thuộc thẩm quyền giải quyết của Ủy ban"
        in citizen.get_body(preferencelist=("plain",)).get_content()
    )
    assert len(smtp_server.recorder.sessions) == 1


def test_sent_rows_ledger_and_case_events(engine, session, smtp_settings, agency, now):
    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now)

    deliver_due(engine=engine, settings=smtp_settings, now=now)

    (row,) = _rows(session).values()
    assert row.state == NotificationState.sent and row.sent_at == now and row.attempts == 1
    (attempt,) = session.exec(select(DeliveryAttempt)).all()
    assert attempt.ok and attempt.smtp_code == 250 and "queued" in attempt.response
    (event,) = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert event.action == "notification_sent"
    assert event.data == {
        "template": "officer_reminder",
        "recipient": "can.bo@example.gov.vn",
        "notification_id": row.id,
    }
    # Nothing is due any more: a second round sends nothing.
    assert deliver_due(engine=engine, settings=smtp_settings, now=now).sent == 0


def test_one_connection_per_batch(engine, session, smtp_settings, smtp_server, agency, now):
    case = make_case(session, agency, now=now)
    for n in range(7):
        enqueue_for_case(engine, case, now=now, recipient=f"officer{n}@example.gov.vn")

    report = deliver_due(engine=engine, settings=smtp_settings, now=now, batch_size=3)

    assert report.sent == 7 and report.batches == 3
    assert len(smtp_server.recorder.sessions) == 3
    assert smtp_server.recorder.ids() == sorted(_rows(session))


def test_outage_loses_nothing_and_sends_each_once(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now)
    for n in range(5):
        enqueue_for_case(engine, case, now=now, recipient=f"officer{n}@example.gov.vn")
    smtp_server.stop()

    clock = now
    for round_ in range(1, 4):
        report = deliver_due(engine=engine, settings=smtp_settings, now=clock, policy=POLICY)
        assert (report.sent, report.retrying, report.failed) == (0, 5, 0)
        rows = _rows(session)
        assert {r.state for r in rows.values()} == {NotificationState.pending}
        assert {r.attempts for r in rows.values()} == {round_}
        assert all(
            "cannot connect to the SMTP server: Connection refused" in r.last_error
            for r in rows.values()
        )
        clock += POLICY.delay(round_)
    attempts = session.exec(select(DeliveryAttempt)).all()
    assert len(attempts) == 15 and not any(a.ok for a in attempts)

    smtp_server.start()
    report = deliver_due(engine=engine, settings=smtp_settings, now=clock, policy=POLICY)
    assert report.sent == 5
    later = deliver_due(engine=engine, settings=smtp_settings, now=clock + timedelta(days=1))
    assert later.sent == 0
    assert smtp_server.recorder.ids() == sorted(_rows(session))  # each exactly once
    assert {r.state for r in _rows(session).values()} == {NotificationState.sent}


def test_refused_recipient_does_not_block_others_and_finally_fails(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now)
    for address in ("a@example.gov.vn", "nobody@example.gov.vn", "c@example.gov.vn"):
        enqueue_for_case(engine, case, now=now, recipient=address)
    smtp_server.recorder.reject.add("nobody@example.gov.vn")

    clock = now
    first = deliver_due(engine=engine, settings=smtp_settings, now=clock, policy=POLICY)
    assert (first.sent, first.retrying) == (2, 1)
    for round_ in range(2, POLICY.max_attempts + 1):
        clock += POLICY.delay(round_ - 1)
        report = deliver_due(engine=engine, settings=smtp_settings, now=clock, policy=POLICY)
        assert report.sent == 0
    assert report.failed == 1

    received = sorted(r.recipients[0] for r in smtp_server.recorder.received)
    assert received == ["a@example.gov.vn", "c@example.gov.vn"]
    (refused,) = [r for r in _rows(session).values() if r.recipient == "nobody@example.gov.vn"]
    assert refused.state == NotificationState.failed
    assert refused.attempts == POLICY.max_attempts
    assert refused.last_error.startswith("550 5.1.1 <nobody@example.gov.vn>")
    ledger = session.exec(
        select(DeliveryAttempt).where(DeliveryAttempt.notification_id == refused.id)
    ).all()
    assert [a.smtp_code for a in ledger] == [550] * POLICY.max_attempts
    failed_event = session.exec(
        select(CaseEvent).where(CaseEvent.action == "notification_failed")
    ).one()
    assert failed_event.data["notification_id"] == refused.id
    assert failed_event.data["error"].startswith("550")
    # One connection per round, even with the refusal in the middle of the first batch.
    assert len(smtp_server.recorder.sessions) == POLICY.max_attempts


def test_render_failure_is_recorded_and_does_not_stop_the_batch(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now, recipient="a@example.gov.vn")
    # citizen_declined needs a reason; this one has none.
    enqueue_for_case(engine, case, now=now, template="citizen_declined", recipient="b@example.vn")
    enqueue_for_case(engine, case, now=now, recipient="c@example.gov.vn")

    report = deliver_due(engine=engine, settings=smtp_settings, now=now)

    assert (report.sent, report.failed) == (2, 1)
    (broken,) = [r for r in _rows(session).values() if r.state == NotificationState.failed]
    assert broken.recipient == "b@example.vn"
    assert "needs context keys: reason" in broken.last_error
    assert len(smtp_server.recorder.received) == 2


def test_login_from_settings(engine, session, settings, agency, now):
    from tests.notifications.conftest import SmtpServer

    server = SmtpServer(auth={"dondoc": "secret-pass-123"})
    server.start()
    try:
        configured = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": server.port,
                "smtp_user": "dondoc",
                "smtp_password": "secret-pass-123",
            }
        )
        case = make_case(session, agency, now=now)
        enqueue_for_case(engine, case, now=now)
        assert deliver_due(engine=engine, settings=configured, now=now).sent == 1
        assert server.recorder.logins == ["dondoc"]
        wrong = configured.model_copy(update={"smtp_password": "sai"})
        enqueue_for_case(engine, case, now=now, recipient="x@example.gov.vn")
        report = deliver_due(engine=engine, settings=wrong, now=now)
        assert report.retrying == 1 and len(server.recorder.received) == 1
        (refused,) = [r for r in _rows(session).values() if r.state == NotificationState.pending]
        assert refused.last_error.startswith("535")
    finally:
        server.stop()
