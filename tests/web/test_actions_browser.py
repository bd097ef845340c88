"""Issue 19, findings 2, 3 and 9 in Debian's chromium: the case page offers only actions that
can succeed and says why the others are not there; a post never repeats on reload; the
queue's buttons open their form in view; the head acknowledges an escalation from the email
in one click; dashboard tiles open the cases they count; the queue on a phone; the focus
ring; a resolved case says when and whether on time."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models import Case, CaseEvent, Notification, Role
from notifications.delivery import deliver_due
from notifications.mailbox import list_mail, read_mail
from tests.case_factories import act, make_case
from tests.case_rows import make_case as make_case_row
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.web.conftest import PHONE_SCREEN, sign_in
from workflows.escalation import sweep as escalation

pytestmark = pytest.mark.slow


@pytest.fixture
def office(session):
    city = make_agency(session, "UBND TP. Thái Nguyên")
    return {
        "agency": city,
        "clerk": make_user(session, Role.clerk, city, "letan.tn", "Hoàng Thị Lan"),
        "officer": make_user(session, Role.officer, city, "chuyenvien.tn", "Phạm Văn Đức"),
        "head": make_head(session, city, username="chutich.tptn", full_name="Lê Quang Minh"),
    }


def events(session, case, action: str) -> int:
    rows = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id))
    return sum(1 for e in rows if e.action == action)


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


def test_only_actions_that_can_succeed_and_why_the_others_are_not_there(
    page, live_server, engine, session, office, output_dir
):
    now = datetime.now(UTC)
    complaint = act(engine, make_case(engine, office["clerk"], office["agency"], now=now),
                    "accept", office["officer"], now=now)  # fmt: skip
    dossier = make_case(engine, office["clerk"], office["agency"], now=now, kind="dossier")
    dossier = act(engine, dossier, "accept", office["officer"], now=now)
    new_day = (dossier.due_at + timedelta(days=9)).astimezone(UTC).date()
    while new_day.weekday() >= 5:
        new_day += timedelta(days=1)
    dossier = act(engine, dossier, "reset_date", office["officer"], now=now,
                  new_due_date=new_day, reason="Chờ kết quả đo đạc")  # fmt: skip
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)

    page.goto(f"{live_server.url}/cases/{complaint.id}")
    actions = page.locator("#actions")
    assert actions.get_by_role("button", name="Gia hạn").count() == 0
    assert actions.locator("summary", has_text="Gia hạn").count() == 0
    note = actions.locator('[data-refused-action="extend"]').inner_text()
    assert "chính sách của loại đơn này không cho phép gia hạn" in note
    page.screenshot(path=output_dir / "complaint-actions.png", full_page=True)

    page.goto(f"{live_server.url}/cases/{dossier.id}")
    actions = page.locator("#actions")
    assert actions.locator("summary", has_text="Hẹn lại ngày trả").count() == 0
    assert "một lần" in actions.locator('[data-refused-action="reset_date"]').inner_text()
    assert actions.locator("summary", has_text="Gia hạn").count() == 0

    # A resolved case: when and whether on time, no "Hạn xử lý —"; "Kết thúc" succeeds.
    act(engine, complaint, "resolve", office["officer"], now=now, answer="Đã trả lời")
    page.goto(f"{live_server.url}/cases/{complaint.id}")
    resolved = page.locator("[data-resolved]").inner_text()
    assert now.astimezone(UTC).strftime("%Y") in resolved and "đúng hạn" in resolved
    assert "Hạn xử lý" not in page.locator("dl.facts").inner_text()
    page.locator("#action-close summary").click()
    page.locator("#action-close").get_by_role("button", name="Kết thúc").click()
    assert page.locator("[data-status]").get_attribute("data-status") == "closed"
    assert page.locator("#actions summary", has_text="Kết thúc").count() == 0
    assert "Hồ sơ đã kết thúc" in page.locator("[data-finished]").inner_text()


def test_a_post_is_never_repeated_by_a_reload(page, live_server, engine, session, office):
    case = make_case(engine, office["clerk"], office["agency"], now=datetime.now(UTC))
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.id}")
    page.locator("#action-accept summary").click()
    page.locator("#action-accept").get_by_role("button", name="Thụ lý").click()
    assert page.get_by_role("status").inner_text() == "Đã ghi nhận: Thụ lý."
    assert "/act/" not in page.url
    page.reload()
    assert events(session, case, "accept") == 1

    # A refused post (a stale version): the page says why at the case's own address.
    page.locator("#action-resolve summary").click()
    page.locator('#action-resolve input[name="version"]').evaluate("e => e.value = '999'")
    page.locator("#action-resolve").get_by_label("Nội dung trả lời").fill("Đã giải quyết")
    page.locator("#action-resolve").get_by_role("button").click()
    assert page.get_by_role("alert").is_visible()
    assert re.search(rf"/cases/{case.id}\?open=resolve#action-resolve$", page.url), page.url
    response = page.reload()
    assert response.request.method == "GET" and response.status == 200
    assert events(session, case, "resolve") == 0
    assert page.locator("#action-resolve").get_attribute("open") is not None


def test_the_queue_buttons_open_their_form_in_view(page, live_server, engine, office):
    now = datetime.now(UTC)
    for n in range(6):  # enough cases that the case page scrolls
        make_case(engine, office["clerk"], office["agency"], now=now, title=f"Đơn số {n}")
    case = make_case(engine, office["clerk"], office["agency"], now=now, title="Đơn cần thụ lý")
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/queue")
    row = page.locator(f'tr[data-code="{case.code}"]')
    row.get_by_role("link", name="Chuyển cơ quan giải quyết", exact=True).click()
    page.wait_for_url(re.compile(rf".*/cases/{case.id}\?open=transfer#action-transfer$"))
    form = page.locator("#action-transfer")
    assert form.get_attribute("open") is not None
    assert form.get_by_label("Lý do").is_visible()
    assert in_view(page, "#action-transfer")


@pytest.fixture
def escalated(session, settings, engine, office, live_server):
    """A case overdue for days at the head's agency, assigned to the officer, escalated to
    the head by the sweep; its emails delivered to the mail folder."""
    now = datetime.now(UTC)
    case = make_case_row(
        session, office["agency"], due_at=now - timedelta(days=6), now=now,
        assignee=office["officer"],
    )  # fmt: skip
    escalation.sweep(engine=engine, as_of=now, base_url=live_server.url)
    deliver_due(engine=engine, settings=settings, now=now + timedelta(days=10))
    session.expire_all()
    assert session.get(Case, case.id).escalation_level >= 1
    return case


def head_mail(settings, head) -> str:
    files = [m for m in list_mail(settings.mail_dir) if head.email in m.to]
    mails = [read_mail(settings.mail_dir, m.file) for m in files]
    html = [m.html for m in mails if m.html and "chỉ đạo" in m.subject]
    assert html, [m.subject for m in mails]
    return html[0]


def test_the_head_acknowledges_from_the_email_in_one_click(
    page, live_server, session, settings, office, escalated, output_dir
):
    html = head_mail(settings, office["head"])
    link = re.search(r'<a href="([^"]+)"[^>]*>Đã nắm, chỉ đạo</a>', html)
    assert link, html
    page.goto(link.group(1))  # not signed in: the sign-in page first, then back there
    page.get_by_label("Tên đăng nhập").fill("chutich.tptn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(rf".*/cases/{escalated.id}\?open=acknowledge"))
    form = page.locator("#action-acknowledge")
    assert form.get_attribute("open") is not None and in_view(page, "#action-acknowledge")
    form.get_by_label("Ý kiến chỉ đạo gửi chuyên viên").fill("Trả lời công dân trước thứ Sáu.")
    page.screenshot(path=output_dir / "acknowledge.png", full_page=True)
    form.get_by_role("button", name="Đã nắm, chỉ đạo").click()
    assert "Đã ghi nhận" in page.get_by_role("status").inner_text()
    assert page.locator(".timeline").get_by_text("Trả lời công dân trước thứ Sáu.").is_visible()
    assert page.locator("#action-acknowledge").count() == 0
    assert "Lê Quang Minh" in page.locator("[data-acknowledged]").inner_text()
    # The officer receives the instruction by email.
    mails = session.exec(
        select(Notification).where(Notification.template == "officer_instruction")
    ).all()
    assert [(m.recipient, m.context["instruction"]) for m in mails] == [
        (office["officer"].email, "Trả lời công dân trước thứ Sáu.")
    ]
    # The officer sees no acknowledgement form, only that the head has taken it on.
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{escalated.id}")
    assert page.locator("#action-acknowledge").count() == 0
    assert page.locator("[data-acknowledged]").is_visible()


def test_the_head_acknowledges_from_the_queue(page, live_server, session, office, escalated):
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/queue")
    item = page.locator(f'[data-escalated="{escalated.code}"]')
    item.get_by_role("link", name="Đã nắm, chỉ đạo").click()
    page.locator("#action-acknowledge").get_by_role("button", name="Đã nắm, chỉ đạo").click()
    assert "Đã ghi nhận" in page.get_by_role("status").inner_text()
    assert events(session, escalated, "escalation_acknowledged") == 1
    page.goto(f"{live_server.url}/queue")
    assert page.locator(f'[data-escalated="{escalated.code}"]').count() == 0


def test_each_dashboard_tile_opens_the_cases_it_counts(page, live_server, engine, session, office):
    now = datetime.now(UTC)
    ward = make_agency(session, "UBND phường Phan Đình Phùng", parent=office["agency"])
    for agency, days in ((office["agency"], -5), (office["agency"], 2), (ward, -1), (ward, 1),
                         (ward, 20), (office["agency"], 40)):  # fmt: skip
        make_case_row(session, agency, due_at=now + timedelta(days=days), now=now)
    make_case_row(session, ward, due_at=now - timedelta(days=3), now=now, status="resolved",
                  resolved_at=now - timedelta(days=4))  # fmt: skip
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    for scope in ("", f"?agency_id={ward.id}"):
        for figure in ("overdue", "soon_due", "open"):
            page.goto(f"{live_server.url}/dashboard{scope}")
            tile = page.locator(f'[data-figure="{figure}"]')
            counted = int(tile.locator(".value").inner_text())
            tile.click()
            page.wait_for_url("**/queue?due=**")
            assert page.locator("table.queue tbody tr").count() == counted, (scope, figure)
            assert page.locator("[data-total]").inner_text() == f"{counted} hồ sơ"
    assert counted == 3  # the ward's open cases


def test_the_queue_on_a_phone_shows_each_deadline(browser, live_server, engine, office, output_dir):
    now = datetime.now(UTC)
    for days in (-3, 1, 12):
        make_case(engine, office["clerk"], office["agency"], now=now,
                  received_at=(now - timedelta(days=30 - days)).isoformat())  # fmt: skip
    context = browser.new_context(viewport=PHONE_SCREEN, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/queue")
    dues = page.locator("table.queue [data-due]")
    assert dues.count() == 3
    for i in range(3):
        box = dues.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_SCREEN["width"]
        assert re.search(r"\d{2}/\d{2}/\d{4}", dues.nth(i).inner_text())
        named = dues.nth(i).evaluate("e => getComputedStyle(e, '::before').content")
        assert "Hạn" in named, named  # the column's name, on the card
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    page.screenshot(path=output_dir / "queue-phone.png", full_page=True)
    context.close()


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


def test_the_focus_ring_stands_out_against_every_background(page, live_server, office):
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/dashboard")
    for _ in range(40):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                let p = e.parentElement, bg = 'rgba(0, 0, 0, 0)';
                while (p && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
                  bg = getComputedStyle(p).backgroundColor; p = p.parentElement; }
                if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
                return [e.tagName + ' ' + (e.textContent || '').trim().slice(0, 20),
                        s.outlineStyle, s.outlineWidth, s.outlineColor, bg]; }"""
        )
        name, style, width, color, behind = found
        if name.startswith("BODY"):
            continue
        assert style != "none" and float(width.rstrip("px")) >= 2, found
        ring = _rgb(color)
        assert contrast(ring, _rgb(behind)) >= 3, found
        assert contrast(ring, (255, 255, 255)) >= 3 or "rgb(138, 28, 28)" in behind, found
