"""Admins see failed notifications with their delivery ledger and can retry them."""

from api.deps import utcnow
from models import Notification, NotificationState, Role
from notifications.delivery import RetryPolicy, deliver_due
from tests.factories import auth, make_user
from tests.notifications.conftest import enqueue_for_case, make_case


def _fail_one(engine, session, smtp_settings, smtp_server, agency, now) -> int:
    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now, recipient="ok@example.gov.vn")
    enqueue_for_case(engine, case, now=now, recipient="nobody@example.gov.vn")
    smtp_server.recorder.reject.add("nobody@example.gov.vn")
    report = deliver_due(
        engine=engine, settings=smtp_settings, now=now, policy=RetryPolicy(max_attempts=1)
    )
    (failed_id,) = report.failed_ids
    return failed_id


def test_admin_lists_failed_and_retries(
    client, engine, session, smtp_settings, smtp_server, agency, now
):
    failed_id = _fail_one(engine, session, smtp_settings, smtp_server, agency, now)
    admin = make_user(session, Role.admin)
    headers = auth(client, admin)
    client.app.dependency_overrides[utcnow] = lambda: now  # after signing in: tokens use real time

    listed = client.get("/api/v1/notifications", params={"state": "failed"}, headers=headers)
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1 and [n["id"] for n in body["items"]] == [failed_id]
    assert body["items"][0]["last_error"].startswith("550 5.1.1 <nobody@example.gov.vn>")

    detail = client.get(f"/api/v1/notifications/{failed_id}", headers=headers).json()
    assert [(a["ok"], a["smtp_code"]) for a in detail["delivery_attempts"]] == [(False, 550)]
    assert detail["context"]["case"]["code"].startswith("KN-2026-")

    retried = client.post(f"/api/v1/notifications/{failed_id}/retry", headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] == "pending" and retried.json()["attempts"] == 0
    assert retried.json()["next_attempt_at"] == "2026-03-02T02:00:00Z"
    again = client.post(f"/api/v1/notifications/{failed_id}/retry", headers=headers)
    assert again.status_code == 409

    smtp_server.recorder.reject.clear()
    report = deliver_due(engine=engine, settings=smtp_settings, now=now)
    assert report.sent == 1
    session.expire_all()
    assert session.get(Notification, failed_id).state == NotificationState.sent
    assert "nobody@example.gov.vn" in [r.recipients[0] for r in smtp_server.recorder.received]


def test_only_admins_and_clear_errors(client, session, agency):
    officer = make_user(session, Role.officer, agency)
    admin_headers = auth(client, make_user(session, Role.admin))

    assert client.get("/api/v1/notifications", headers=auth(client, officer)).status_code == 403
    assert client.get("/api/v1/notifications").status_code == 401
    bad_state = client.get("/api/v1/notifications?state=lost", headers=admin_headers)
    assert bad_state.status_code == 422
    assert client.post("/api/v1/notifications/999/retry", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/notifications/999", headers=admin_headers).status_code == 404


def test_mailbox_route_lists_written_emails(client, engine, session, settings, agency, now):
    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now)
    deliver_due(engine=engine, settings=settings, now=now)

    listed = client.get(
        "/api/v1/notifications/mailbox", headers=auth(client, make_user(session, Role.admin))
    )

    assert listed.status_code == 200
    (mail,) = listed.json()
    assert mail["subject"].startswith(f"[Đôn Đốc] Nhắc hạn hồ sơ {case.code}")
    assert mail["to"] == "Nguyễn Văn Đức <can.bo@example.gov.vn>"
