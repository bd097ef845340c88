"""A case from the desk to the citizen, in Debian's chromium: intake, receipt, queue, actions,
dashboard, public look-up, and the intake form driven by the keyboard alone."""

import re
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("workflows.cases.lifecycle", reason="the case pages need the lifecycle branch")

from models import Role  # noqa: E402
from tests.case_factories import make_case  # noqa: E402
from tests.factories import PASSWORD, make_agency, make_head, make_user  # noqa: E402
from tests.web.conftest import sign_in  # noqa: E402

pytestmark = pytest.mark.slow
PHONE = "0912 345 678"


@pytest.fixture
def people(session):
    city = make_agency(session, "UBND TP. Thái Nguyên")
    return {
        "agency": city,
        "clerk": make_user(session, Role.clerk, city, "letan.tn", "Hoàng Thị Lan"),
        "officer": make_user(session, Role.officer, city, "chuyenvien.tn", "Phạm Văn Đức"),
        "head": make_head(session, city, username="chutich.tptn", full_name="Lê Quang Minh"),
    }


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/sign-in")


def test_a_complaint_from_the_desk_to_the_citizen(page, live_server, engine, people, output_dir):
    now = datetime.now(UTC)
    for days, title in ((40, "Hộ dân lấn chiếm đường đi chung"), (14, "Đề nghị sửa đường ngõ 12")):
        make_case(
            engine, people["clerk"], people["agency"], now=now,
            received_at=(now - timedelta(days=days)).isoformat(), title=title,
        )  # fmt: skip
    # The clerk logs the complaint and prints the receipt.
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.get_by_role("link", name="Tiếp nhận đơn, hồ sơ").first.click()
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Địa chỉ").fill("Tổ 5, phường Phan Đình Phùng")
    page.get_by_label("Nội dung tóm tắt").fill("Chậm cấp giấy chứng nhận quyền sử dụng đất")
    page.get_by_label("Nội dung chi tiết").fill("Nộp hồ sơ từ năm 2020, đến nay chưa được cấp.")
    page.screenshot(path=output_dir / "intake.png", full_page=True)
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    code = page.locator("[data-code]").inner_text()
    assert re.fullmatch(r"KN-\d{4}-\d{6}", code)
    assert page.locator("[data-due]").inner_text() != "—"
    assert page.get_by_text("4 số cuối điện thoại").is_visible()
    page.evaluate("window.__printed = false; window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="In phiếu").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    page.screenshot(path=output_dir / "receipt-print.png", full_page=True)
    page.emulate_media(media="screen")
    sign_out(page)

    # The officer finds it in the queue, accepts it and resolves it.
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.get_by_role("link", name="Hồ sơ cần xử lý").first.click()
    assert page.locator("tr.overdue").count() >= 1  # the 40-day-old case, in red
    row = page.locator(f'tr[data-code="{code}"]')
    assert row.get_by_role("link", name="Thụ lý", exact=True).is_visible()
    page.screenshot(path=output_dir / "queue.png", full_page=True)
    row.get_by_role("link", name=code).click()
    page.locator("#action-accept summary").click()
    page.locator("#action-accept").get_by_role("button", name="Thụ lý").click()
    assert page.get_by_role("status").inner_text() == "Đã ghi nhận: Thụ lý."
    assert page.locator("[data-status]").get_attribute("data-status") == "accepted"
    assert page.get_by_text("Bắt đầu tính từ").is_visible()  # the deadline explanation
    page.screenshot(path=output_dir / "case-accepted.png", full_page=True)
    page.locator("#action-resolve summary").click()
    page.locator("#action-resolve").get_by_label("Nội dung trả lời").fill(
        "Đã cấp giấy chứng nhận ngày hôm nay; mời ông An đến nhận."
    )
    page.locator("#action-resolve").get_by_role("button").click()
    assert page.locator("[data-status]").get_attribute("data-status") == "resolved"
    assert page.get_by_text("mời ông An đến nhận").is_visible()  # in the timeline
    page.screenshot(path=output_dir / "case.png", full_page=True)
    sign_out(page)

    # The head sees it on the dashboard: resolved on time this month.
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/dashboard")
    month = page.locator('[data-figure="dash.on_time_month"]').inner_text()
    assert "100,0 %" in month and "1/1" in month
    sign_out(page)

    # The citizen looks it up with the code and the last four digits.
    page.goto(f"{live_server.url}/tra-cuu")
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_label("4 số cuối điện thoại").fill("0000")
    page.get_by_role("button", name="Tra cứu").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("4 số cuối điện thoại").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    assert page.locator("[data-found] [data-status]").inner_text() == "Đã giải quyết"
    assert page.get_by_text("Nguyễn Văn An").count() == 0  # nothing personal
    page.screenshot(path=output_dir / "lookup.png", full_page=True)


def test_keyboard_only_intake_with_the_duplicate_hint(
    page, live_server, engine, people, output_dir
):
    earlier = make_case(
        engine,
        people["clerk"],
        people["agency"],
        now=datetime.now(UTC),
        citizen={"name": "Trần Thị Bình", "phone": PHONE},
        title="Đường đi bị một hộ lấn chiếm",
    )
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    page.wait_for_function("document.activeElement.name === 'citizen_phone'")
    page.keyboard.type(PHONE)  # the phone field has the focus on arrival
    hint = page.locator("#similar")
    hint.get_by_role("link", name=earlier.code).wait_for()
    page.keyboard.press("Tab")
    page.keyboard.type("Trần Thị Bình")
    # Tab on (past the hint's link, address, email, ID, kind, channel, agency) to the subject.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "title":
            break
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type("Hỏi tiến độ giải quyết việc lấn chiếm đường đi")
    page.screenshot(path=output_dir / "intake-duplicate-hint.png", full_page=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    assert page.locator("[data-code]").inner_text() != earlier.code
    assert page.get_by_text("Trần Thị Bình").is_visible()


def test_stale_action_is_explained(page, live_server, engine, people, output_dir):
    case = make_case(engine, people["clerk"], people["agency"], now=datetime.now(UTC))
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.id}")
    page.locator("#action-accept summary").click()
    # Someone else accepts the case meanwhile: this page's version is now stale.
    page.locator('#action-accept input[name="version"]').evaluate("e => e.value = '999'")
    page.locator("#action-accept").get_by_role("button", name="Thụ lý").click()
    assert "người khác cập nhật" in page.get_by_role("alert").inner_text()
    assert page.locator("[data-status]").get_attribute("data-status") == "received"
    page.screenshot(path=output_dir / "case-conflict.png", full_page=True)
