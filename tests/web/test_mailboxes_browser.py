"""An administrator sets an agency's feedback mailbox on its page, in Debian's chromium, and
sees it listed; the password typed is not in the page afterwards."""

import pytest
from sqlmodel import select

from models import AgencyMailbox, Role
from tests.factories import PASSWORD, make_agency, make_user
from tests.web.conftest import sign_in

pytestmark = pytest.mark.slow


def test_an_administrator_sets_a_mailbox(page, live_server, session, output_dir):
    agency = make_agency(session, "UBND phường Quang Trung")
    make_agency(session, "UBND phường Phan Đình Phùng")
    make_user(session, Role.admin, None, "quantri.hopthu", "Quản trị viên")
    sign_in(page, live_server, "quantri.hopthu", PASSWORD)
    page.get_by_role("link", name="Hộp thư góp ý").first.click()
    page.wait_for_url("**/mailboxes")
    assert page.get_by_text("Chưa cơ quan nào có hộp thư góp ý.").is_visible()
    page.locator("select[name=agency_id]").select_option(label="UBND phường Quang Trung")
    page.get_by_label("Địa chỉ hộp thư").fill("gopy@quangtrung.gov.vn")
    page.get_by_label("Máy chủ", exact=True).fill("imap.quangtrung.gov.vn")
    assert page.get_by_label("Cổng", exact=True).input_value() == "993"
    assert page.get_by_label("Thư mục").input_value() == "INBOX"
    page.get_by_label("Tên đăng nhập").fill("gopy")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-hop-thu-2026")
    page.get_by_label("Gửi thư báo đã nhận cho công dân").check()
    page.get_by_role("button", name="Lưu hộp thư").click()
    page.wait_for_url("**/mailboxes?done=set")
    row = page.locator(f"[data-mailbox='{agency.id}']")
    assert "UBND phường Quang Trung" in row.inner_text()
    assert "imap.quangtrung.gov.vn:993" in row.inner_text()
    assert "mat-khau-hop-thu-2026" not in page.content()
    assert page.get_by_label("Mật khẩu", exact=True).input_value() == ""
    page.screenshot(path=output_dir / "mailboxes.png", full_page=True)
    box = session.exec(select(AgencyMailbox)).one()
    assert (box.agency_id, box.acknowledge, box.enabled) == (agency.id, True, True)
