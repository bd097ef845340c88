"""Pages through the TestClient: sign-in cookie, redirects, roles, language, mail folder."""

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from api.deps import TOKEN_COOKIE
from models import Role
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.report_data import make_cases
from tests.web.conftest import with_csrf


@pytest.fixture
def agency(session):
    return make_agency(session, "UBND xã Phúc Trìu")


def sign_in(client, user, next_url: str = "/"):
    return client.post(
        "/sign-in",
        data={"username": user.username, "password": PASSWORD, "next": next_url},
        follow_redirects=False,
    )


def test_pages_redirect_to_sign_in_and_back(client, session, agency):
    response = client.get("/dashboard?agency_id=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Fdashboard%3Fagency_id%3D1"
    head = make_head(session, agency)
    response = sign_in(client, head, "/dashboard")
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}=") and "HttpOnly" in cookie
    # The same cookie opens the JSON API too.
    assert client.get("/api/v1/users/me").json()["username"] == head.username


def test_wrong_password_shows_the_form_again(client, session, agency):
    clerk = make_user(session, Role.clerk, agency)
    response = client.post("/sign-in", data={"username": clerk.username, "password": "nope"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert TOKEN_COOKIE not in client.cookies


def test_sign_in_never_redirects_to_another_site(client, session, agency):
    clerk = make_user(session, Role.clerk, agency)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert sign_in(client, clerk, target).headers["location"] == "/"


def test_sign_out_forgets_the_cookie(client, session, agency):
    sign_in(client, make_user(session, Role.officer, agency))
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/sign-out", data=with_csrf(client, {}), follow_redirects=False)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_home_names_the_user_and_their_pages(client, session, agency):
    head = make_head(session, agency, full_name="Nguyễn Văn Sơn")
    sign_in(client, head)
    page = client.get("/").text
    assert "Xin chào, Nguyễn Văn Sơn" in page
    assert "UBND xã Phúc Trìu" in page
    assert 'href="/dashboard"' in page


def test_english_switch_is_remembered(client, session, agency):
    sign_in(client, make_head(session, agency, full_name="Lê Minh"))
    response = client.get("/lang/en?next=/", follow_redirects=True)
    assert "Welcome, Lê Minh" in response.text
    assert "Welcome, Lê Minh" in client.get("/").text
    assert "Xin chào" in client.get("/?lang=vi").text
    assert "Xin chào" in client.get("/").text


def test_clerk_may_not_open_the_dashboard(client, session, agency):
    sign_in(client, make_user(session, Role.clerk, agency))
    response = client.get("/dashboard")
    assert response.status_code == 403
    assert "Bạn không có quyền xem trang này" in response.text


def test_dashboard_shows_the_subtree_figures(client, session, agency):
    commune = make_agency(session, "Thôn Đồng Kem", parent=agency)
    elsewhere = make_agency(session, "UBND xã Linh Sơn")
    now = datetime.now(UTC)
    cases, _ = make_cases(session, [agency, commune, elsewhere], now, n=120)
    sign_in(client, make_head(session, agency))
    response = client.get("/dashboard")
    assert response.status_code == 200
    summary = client.get("/api/v1/reports/summary").json()
    assert f'data-figure="overdue"><span class="value">{summary["overdue_now"]}<' in response.text
    for key, value in summary["backlog_by_age"].items():
        assert f'data-bucket="{key}">{value}<' in response.text
    assert "Thôn Đồng Kem" in response.text
    assert "UBND xã Linh Sơn" not in response.text  # outside the head's subtree
    bounced = [c for c in cases if c.ping_pong and c.status in ("received", "accepted", "on_hold")]
    bounced = [c for c in bounced if c.agency_id != elsewhere.id]
    assert bounced and bounced[0].code in response.text


def test_report_page_links_the_downloads(client, session, agency):
    sign_in(client, make_head(session, agency))
    response = client.get("/reports?from=2026-01-01&to=2026-03-31")
    assert response.status_code == 200
    assert "/api/v1/reports/summary?from=2026-01-01&amp;to=2026-03-31&amp;format=xlsx" in (
        response.text
    )
    assert client.get("/reports?from=2026-03-31&to=2026-01-01").status_code == 422


def _write_mail(folder, name: str, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = "Đôn Đốc <dondoc@localhost>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0700"
    message.set_content(body)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(bytes(message))


def test_mail_folder_shows_each_user_their_own_mail(client, session, settings, agency):
    officer = make_user(session, Role.officer, agency)
    _write_mail(settings.mail_dir, "a.eml", officer.email, "Nhắc hạn hồ sơ", "Còn 3 ngày.")
    _write_mail(settings.mail_dir, "b.eml", "other@example.gov.vn", "Thư khác", "Không phải.")
    sign_in(client, officer)
    page = client.get("/mail").text
    assert "Nhắc hạn hồ sơ" in page and "Thư khác" not in page
    assert "Còn 3 ngày." in client.get("/mail/a.eml").text
    assert client.get("/mail/b.eml").status_code == 404
    assert client.get("/mail/..%2Fsecret_key").status_code == 404
    sign_in(client, make_user(session, Role.admin))
    assert "Thư khác" in client.get("/mail").text


def test_mail_folder_matches_addresses_exactly(client, session, settings, agency):
    """`an@x` must not read `lan@x`'s mail (a substring of the address)."""
    an = make_user(session, Role.officer, agency)
    an.email = "an@example.gov.vn"
    session.add(an)
    session.commit()
    _write_mail(settings.mail_dir, "lan.eml", "lan@example.gov.vn", "Thư của Lan", "Riêng.")
    _write_mail(settings.mail_dir, "an.eml", "Trần An <AN@example.gov.vn>", "Thư của An", "Ừ.")
    sign_in(client, an)
    page = client.get("/mail").text
    assert "Thư của An" in page and "Thư của Lan" not in page
    assert client.get("/mail/lan.eml").status_code == 404
