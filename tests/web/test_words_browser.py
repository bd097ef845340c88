"""Issue 19, findings 1 and 8, as a person sees them in Debian's chromium: a refused field's
reason beside the field in Vietnamese with the form refilled, a refused action explained in
Vietnamese, the timeline in words, numbers written the Vietnamese way."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models import CaseEvent, Notification, Role
from models.notification import NotificationState
from tests.case_factories import act, make_case
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.web.conftest import sign_in
from tests.web.test_no_english_words import problems

pytestmark = pytest.mark.slow


@pytest.fixture
def people(session):
    city = make_agency(session, "UBND TP. Thái Nguyên")
    return {
        "agency": city,
        "clerk": make_user(session, Role.clerk, city, "letan.tn", "Hoàng Thị Lan"),
        "officer": make_user(session, Role.officer, city, "chuyenvien.tn", "Phạm Văn Đức"),
        "head": make_head(session, city, username="chutich.tptn", full_name="Lê Quang Minh"),
    }


def _no_english(page) -> None:
    assert problems(page.locator("main").inner_text()) == []


def test_intake_field_errors_beside_the_phone_and_the_subject(page, live_server, people):
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    page.locator("input[name=citizen_phone]").fill("abc-xyz")
    page.locator("input[name=citizen_name]").fill("Nguyễn Văn Bình")
    page.locator("input[name=title]").fill("   ")  # spaces only: `required` lets it through
    page.locator("textarea[name=description]").fill("Đường ngõ 12 ngập nước")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_load_state()

    phone = page.locator("input[name=citizen_phone]")
    beside = page.locator("label:has(input[name=citizen_phone]) .field-error")
    assert beside.inner_text() == (
        "Số điện thoại gồm 6 đến 20 chữ số (được có dấu cách, dấu chấm, dấu gạch ngang), "
        "có thể có dấu + ở đầu."
    )
    assert phone.get_attribute("aria-invalid") == "true"
    assert "error-intake-citizen_phone" in phone.get_attribute("aria-describedby")
    assert phone.input_value() == "abc-xyz"  # refilled
    title = page.locator("label:has(input[name=title]) .field-error")
    assert title.inner_text() == "Nhập nội dung tóm tắt."
    assert page.locator("input[name=title]").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name=citizen_name]").input_value() == "Nguyễn Văn Bình"
    assert page.locator("textarea[name=description]").input_value() == "Đường ngõ 12 ngập nước"
    body = page.locator("main").inner_text()
    assert "String should" not in body and "Input should" not in body and "citizen." not in body
    _no_english(page)


def test_a_refused_action_is_explained_in_vietnamese(page, live_server, engine, people):
    now = datetime.now(UTC)
    # A denunciation of normal complexity has no extension (Luật Tố cáo Điều 30.2): the
    # form is offered for a complex one, and refused when the complexity is left normal.
    case = make_case(engine, people["clerk"], people["agency"], now=now, kind="denunciation")
    act(engine, case, "accept", people["head"], now=now)
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.id}")
    form = page.locator("#action-extend")
    form.locator("summary").click()
    form.locator("textarea[name=reason]").fill("Cần xác minh thêm")
    # The page offers only the complexities that leave an extension; a form kept open from
    # before (or tampered with) may still post "normal": the rule refuses it, in words.
    form.locator("select[name=complexity]").evaluate(
        "s => { s.required = false; s.add(new Option('normal', 'normal')); s.value = 'normal'; }"
    )
    form.get_by_role("button", name="Gia hạn").click()
    page.wait_for_load_state()
    alert = page.locator("main [role=alert]")
    assert alert.inner_text() == "Gia hạn: Hồ sơ đã hết số lần gia hạn theo quy định."
    assert page.locator("#action-extend textarea[name=reason]").input_value() == (
        "Cần xác minh thêm"
    )
    assert "petition-" not in page.content()
    _no_english(page)


def test_the_timeline_reads_in_words(page, live_server, engine, session, people):
    now = datetime.now(UTC)
    case = make_case(engine, people["clerk"], people["agency"], now=now - timedelta(days=20))
    act(engine, case, "accept", people["officer"], now=now - timedelta(days=19))
    with Session(engine) as db:  # what the sweep and the mail delivery record
        for minutes, action in ((1, "reminder"), (2, "notification_sent"), (3, "escalation")):
            db.add(
                CaseEvent(
                    case_id=case.id,
                    action=action,
                    at=now - timedelta(days=1, minutes=-minutes),
                    from_status="accepted",
                    to_status="accepted",
                    data={},
                )
            )
        db.add(
            Notification(
                case_id=case.id,
                idempotency_key=f"words-{case.id}",
                template="citizen_answer",
                recipient="citizen@example.vn",
                recipient_name="Nguyễn Văn An",
                context={},
                state=NotificationState.pending,
                created_at=now - timedelta(hours=1),
                next_attempt_at=now,
            )
        )
        db.commit()
    sign_in(page, live_server, "chuyenvien.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.id}")
    timeline = page.locator("ol.timeline").inner_text()
    for words in (
        "Nhắc hạn",
        "Đã gửi thư điện tử",
        "Đôn đốc lên cấp trên",
        "Văn bản trả lời gửi công dân (chờ gửi)",
    ):
        assert words in timeline, timeline
    for key in ("reminder", "notification_sent", "citizen_answer", "pending", "action."):
        assert key not in timeline
    _no_english(page)


def test_numbers_are_written_the_vietnamese_way(page, live_server, engine, people):
    now = datetime.now(UTC)
    case = make_case(engine, people["clerk"], people["agency"], now=now - timedelta(hours=3))
    act(engine, case, "accept", people["officer"], now=now - timedelta(hours=2))
    act(engine, case, "resolve", people["officer"], now=now - timedelta(hours=1), answer="Đã xử lý")
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/dashboard")
    rates = page.locator("[data-figure^='dash.on_time'] .value").all_inner_texts()
    assert "100,0 %" in rates, rates
    page.goto(f"{live_server.url}/dashboard?lang=en")
    assert "100.0 %" in page.locator("[data-figure^='dash.on_time'] .value").all_inner_texts()
