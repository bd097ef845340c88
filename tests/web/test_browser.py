"""The pages in a real browser (Debian's chromium driven by Playwright), with screenshots."""

from datetime import UTC, datetime

import pytest

from models import Role
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.report_data import make_cases
from tests.web.conftest import PHONE_SCREEN, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def province(session):
    """A province with a district and two communes, and a few hundred cases among them."""
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    city = make_agency(session, "UBND TP. Thái Nguyên", parent=province)
    communes = [
        make_agency(session, "UBND xã Phúc Trìu", parent=city),
        make_agency(session, "UBND xã Linh Sơn", parent=city),
        make_agency(session, "Sở Tài nguyên và Môi trường", parent=province),
    ]
    make_cases(session, [province, city, *communes], datetime.now(UTC), n=300, seed=11)
    return province


def test_head_sees_the_dashboard(page, live_server, session, province, output_dir):
    head = make_head(session, province, username="chutich.tinh", full_name="Đỗ Văn Thành")
    sign_in(page, live_server, head.username, PASSWORD)
    page.screenshot(path=output_dir / "home.png", full_page=True)
    page.get_by_role("link", name="Bảng điều hành").first.click()
    page.wait_for_url("**/dashboard")
    overdue = page.locator('[data-figure="overdue"] .value').inner_text()
    assert int(overdue) > 0
    assert page.get_by_text("Hồ sơ tồn theo thời gian").is_visible()
    assert page.get_by_text("Trên 3 năm").is_visible()
    page.screenshot(path=output_dir / "dashboard.png", full_page=True)

    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    page.get_by_role("link", name="Tiếng Việt").click()

    page.set_viewport_size(PHONE_SCREEN)
    page.reload()
    page.screenshot(path=output_dir / "dashboard-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_SCREEN["width"] + 1  # nothing sticks out sideways on a phone


def test_head_reads_and_downloads_the_report(page, live_server, session, province, output_dir):
    head = make_head(session, province)
    sign_in(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/reports")
    page.get_by_label("Từ ngày").fill("01/01/2024")  # typed day first, as on paper
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/reports?from=01%2F01%2F2024*")
    received = int(page.locator('[data-figure="received"]').inner_text())
    assert received > 0
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.startswith("summary_2024-01-01_")
    page.screenshot(path=output_dir / "reports.png", full_page=True)


def test_keyboard_only_sign_in(page, live_server, session, province, output_dir):
    clerk = make_user(session, Role.clerk, province, username="letan.tn")
    page.goto(f"{live_server.url}/sign-in")
    # The username field has the focus on arrival; Tab moves on, Enter submits.
    page.wait_for_function("document.activeElement.name === 'username'")
    page.keyboard.type(clerk.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.screenshot(path=output_dir / "sign-in.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Xin chào").is_visible()


def test_wrong_password_is_explained(page, live_server, session, province, output_dir):
    sign_in_url = f"{live_server.url}/sign-in"
    page.goto(sign_in_url)
    page.get_by_label("Tên đăng nhập").fill("nobody")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    page.screenshot(path=output_dir / "sign-in-error.png")
