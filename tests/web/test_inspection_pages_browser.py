"""Seed 002 in Debian's chromium: the province's inspector plans the inspection, opens the
meeting, goes through the four long-pending cases in order, closes one and gives a directive
on another through the forms; the agenda on an office screen and on a phone."""

from datetime import UTC, datetime, timedelta

import pytest

from models import Case, CaseStatus
from tests.factories import PASSWORD
from tests.inspection_factories import thai_nguyen
from tests.web.conftest import PHONE_SCREEN, sign_in
from workflows.deadlines.dates import LOCAL_TZ
from workflows.org import users

pytestmark = pytest.mark.slow


def test_seed_002_meeting_in_the_browser(page, browser, live_server, session, output_dir):
    story = thai_nguyen(session)
    story.leader.password_hash = users.hash_password(PASSWORD)
    session.add(story.leader)
    session.commit()
    cases = story.cases
    today = datetime.now(UTC).astimezone(LOCAL_TZ)

    # The inspector plans the inspection from the list page.
    sign_in(page, live_server, story.leader.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Kiểm tra công vụ").click()
    page.wait_for_url("**/inspections")
    form = page.locator("#plan")
    form.get_by_label("Đơn vị được kiểm tra").select_option(label="UBND tỉnh Thái Nguyên")
    form.get_by_label("Kiểm tra cả các đơn vị trực thuộc").check()
    form.get_by_label("Tên cuộc kiểm tra").fill(
        "Kiểm tra công vụ năm 2023 tại các đơn vị, địa phương"
    )
    form.get_by_label("Căn cứ").fill("Kế hoạch số 45/KH-UBND ngày 17/3/2023")
    form.get_by_label("Hình thức").select_option("surprise")
    meeting_at = (today + timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")  # as typed in Vietnam
    form.get_by_label("Buổi làm việc").fill(meeting_at)
    form.get_by_label("Trưởng đoàn").select_option(str(story.leader.id))
    form.get_by_label("Thành viên khác").select_option([str(story.member.id)])
    page.screenshot(path=output_dir / "inspections-plan.png", full_page=True)
    form.get_by_role("button", name="Lập cuộc kiểm tra").click()
    page.wait_for_url("**/inspections/*?done=planned")
    assert page.get_by_role("status").inner_text() == "Đã lập cuộc kiểm tra."

    # The agenda: the four long-pending cases, the longest pending first.
    items = page.locator("li.agenda-item")
    expected = [cases[key].code for key in ("toan", "chochu", "thanh", "road")]
    assert [items.nth(n).get_attribute("data-code") for n in range(items.count())] == expected
    toan = page.locator(f"#case-{cases['toan'].id}")
    days = (datetime.now(UTC) - cases["toan"].received_at).days  # since May 2014
    assert toan.locator('[data-fact="pending"]').inner_text() == (
        f"{days:,} ngày (hơn {days // 365} năm)".replace(",", ".")  # 4.427: Vietnamese digits
    )
    assert page.locator(f"#case-{cases['chochu'].id} [data-fact='transfers']").inner_text() == "2"
    assert page.locator(f"#case-{cases['road'].id} [data-fact='escalation']").inner_text() == "3"
    page.screenshot(path=output_dir / "inspection-agenda.png")
    page.screenshot(path=output_dir / "inspection-agenda-full.png", full_page=True)

    # Close Mr Toàn's change of land-use purpose, pending since 2014.
    toan.locator("summary").click()
    toan.get_by_label("Kết thúc hồ sơ").check()
    assert toan.get_by_label("Người chịu trách nhiệm").is_hidden()  # a directive's field only
    toan.get_by_label("Nội dung kết luận").fill(
        "Đồng ý chuyển mục đích sử dụng đất; trả kết quả cho ông Trần Quang Toàn"
    )
    toan.get_by_role("button", name="Ghi kết luận").click()
    page.wait_for_url("**done=closed**")
    assert page.get_by_role("status").inner_text() == (
        f"Đã ghi kết luận: kết thúc hồ sơ {cases['toan'].code}."
    )

    # A directive on the blocked road: Linh Sơn's chairman, thirty days.
    road = page.locator(f"#case-{cases['road'].id}")
    road.locator("summary").click()
    road.get_by_label("Giao chỉ đạo, hạn mới").check()
    road.get_by_label("Nội dung kết luận").fill(
        "Vận động hộ dân trả lại lối đi chung; báo cáo Đoàn kiểm tra kết quả"
    )
    road.get_by_label("Người chịu trách nhiệm").select_option(str(story.heads["linhson"].id))
    due = (today + timedelta(days=30)).date()
    road.get_by_label("Hạn hoàn thành").fill(due.strftime("%d/%m/%Y"))
    page.screenshot(path=output_dir / "inspection-directive-form.png")
    road.get_by_role("button", name="Ghi kết luận").click()
    page.wait_for_url("**done=directive**")

    # Both are concluded: the closed case left the agenda, the directive is marked on it.
    assert [items.nth(n).get_attribute("data-code") for n in range(items.count())] == [
        cases["chochu"].code,
        cases["thanh"].code,
        cases["road"].code,
    ]
    assert road.get_attribute("data-concluded") == "directive"
    assert road.locator('[data-mark="concluded"]').inner_text() == "Đã kết luận: giao chỉ đạo"
    recorded = page.locator("#conclusions tbody tr")
    assert [recorded.nth(n).get_attribute("data-outcome") for n in range(2)] == [
        "closed",
        "directive",
    ]
    assert story.heads["linhson"].full_name in recorded.nth(1).inner_text()
    assert due.strftime("%d/%m/%Y") in recorded.nth(1).inner_text()
    assert page.locator('[data-figure="reviewed"] .value').inner_text() == "2"
    page.locator("#conclusions").scroll_into_view_if_needed()
    page.screenshot(path=output_dir / "inspection-concluded.png")
    page.screenshot(path=output_dir / "inspection-concluded-full.png", full_page=True)
    session.expire_all()
    assert session.get(Case, cases["toan"].id).status == CaseStatus.closed
    assert session.get(Case, cases["road"].id).assignee_id == story.heads["linhson"].id

    # The same meeting on a phone: nothing wider than the screen.
    phone = browser.new_context(
        viewport=PHONE_SCREEN, locale="vi-VN", storage_state=page.context.storage_state()
    )
    try:
        small = phone.new_page()
        small.goto(page.url.split("?")[0])
        assert small.locator("li.agenda-item").count() == 3
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
        small.screenshot(path=output_dir / "inspection-agenda-phone.png")
        chochu = small.locator(f"#case-{cases['chochu'].id}")
        chochu.locator("summary").click()
        chochu.get_by_label("Giao chỉ đạo, hạn mới").check()
        assert chochu.get_by_label("Người chịu trách nhiệm").is_visible()
        chochu.locator("form").scroll_into_view_if_needed()
        small.screenshot(path=output_dir / "inspection-conclusion-phone.png")
    finally:
        phone.close()
