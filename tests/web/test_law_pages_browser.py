"""The desk registers a dossier with its procedure: the slip gives the return date and a QR
code; an administrator adds a calendar announcement. In Debian's chromium."""

import re

import pytest

from models import Role
from tests.factories import PASSWORD, make_agency, make_user
from tests.web.conftest import sign_in

pytestmark = pytest.mark.slow


def test_a_dossier_slip_shows_the_return_date_and_a_qr_code(page, live_server, session):
    commune = make_agency(session, "UBND xã Tân Cương")
    make_user(session, Role.clerk, commune, "letan.tc", "Nguyễn Thị Mai")
    sign_in(page, live_server, "letan.tc", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    page.get_by_label("Số điện thoại").fill("0912 345 999")
    page.get_by_label("Họ và tên").fill("Lê Văn Hùng")
    page.get_by_label("Loại việc").select_option("dossier")
    page.get_by_label("Thủ tục (hồ sơ)").select_option("ket-hon")
    page.get_by_label("Nội dung tóm tắt").fill("Đăng ký kết hôn")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    # Marriage registration: 5 working days from today (whatever today is): a date is shown.
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", page.locator("[data-promised]").inner_text())
    qr = page.locator("[data-qr] svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 90


def test_the_admin_adds_an_announcement(page, live_server, session):
    make_user(session, Role.admin, None, "quantri", "Quản trị")
    sign_in(page, live_server, "quantri", PASSWORD)
    page.get_by_role("link", name="Lịch nghỉ").click()
    assert page.get_by_text("Tết Dương lịch 2026 (cán bộ, công chức, viên chức)").is_visible()
    page.get_by_label("Thông báo", exact=True).fill("Tết Nguyên đán 2027")
    page.get_by_label("Văn bản công bố").fill("Thông báo của Bộ Nội vụ (kiểm thử)")
    page.get_by_label("Ngày nghỉ (dd/mm/yyyy)").fill("05/02/2027, 11/02/2027")
    page.get_by_role("button", name="Thêm thông báo").click()
    assert page.get_by_role("status").inner_text() == "Đã thêm thông báo."
    row = page.locator("[data-announcement]", has_text="Tết Nguyên đán 2027")
    assert "11/02/2027" in row.inner_text()
