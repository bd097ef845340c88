"""/healthz (the process), /readyz (database, last sweep, outbox) and the admin's panel."""

from datetime import UTC, datetime, timedelta

from api.deps import TOKEN_COOKIE
from models import Role
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user, session_token
from tests.notifications.conftest import enqueue_for_case


def _cookie(settings, user) -> dict[str, str]:
    token = session_token(settings, user)
    return {TOKEN_COOKIE: token}


def test_readyz_says_when_the_sweep_ran_and_what_waits(client, settings, engine, session, now):
    from workflows.flows.escalation_sweep import run_sweep

    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["database"] is True and body["status"] == "ok"
    assert body["last_sweep_at"] is None and body["waiting"] == 0

    ward = make_agency(session, "Phường Hòa Khánh Bắc")
    make_head(session, ward)
    case = make_case(session, ward, due_at=now - timedelta(days=2), now=now)
    before = datetime.now(UTC)
    run_sweep(now)  # the sweep, then the delivery into the mail folder
    body = client.get("/readyz").json()
    swept = datetime.fromisoformat(body["last_sweep_at"])
    assert before <= swept <= datetime.now(UTC)
    assert "1 due cases" in body["last_sweep"]
    assert body["last_delivery_at"] is not None
    assert body["waiting"] == 0 and body["oldest_waiting_at"] is None

    enqueue_for_case(engine, case, now=now, recipient="truong.phong@example.gov.vn")
    body = client.get("/readyz").json()
    assert body["waiting"] == 1
    assert datetime.fromisoformat(body["oldest_waiting_at"]) == now
    assert body["oldest_waiting_age_seconds"] > 0


def test_the_admin_dashboard_shows_the_health_a_head_does_not(client, settings, session):
    ward = make_agency(session, "Phường 1")
    admin = make_user(session, Role.admin)
    head = make_head(session, ward)
    client.cookies.update(_cookie(settings, admin))
    page = client.get("/dashboard?lang=vi")
    assert page.status_code == 200
    # In the page's main part, where the admin reads it (not in the tab's <title>).
    title = page.text[page.text.index("<title>") : page.text.index("</title>")]
    main = page.text[page.text.index("<main") : page.text.index("</main>")]
    assert "Tình trạng hệ thống" not in title
    assert "Tình trạng hệ thống" in main and "chưa chạy lần nào" in main
    client.cookies.clear()
    client.cookies.update(_cookie(settings, head))
    page = client.get("/dashboard")
    assert page.status_code == 200 and 'id="health"' not in page.text


def test_readyz_answers_503_when_the_database_does_not(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from core.settings import get_settings

    unopenable = tmp_path / "a-folder-not-a-database"
    unopenable.mkdir()
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{unopenable}")
    monkeypatch.setenv("DONDOC_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DONDOC_SCHEDULER_ENABLED", "false")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["database"] is False
            assert int(ready.headers["Retry-After"]) > 0
            # Any other route: 503 with Retry-After too, never a 500.
            lookup = client.get("/api/v1/public/cases/KN-2026-000001?phone_last4=5678")
            assert lookup.status_code == 503, lookup.text
            assert "Retry-After" in lookup.headers
    finally:
        get_settings.cache_clear()
