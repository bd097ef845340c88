"""Every template, in Vietnamese and English, names the case, its deadline, how overdue it is
and a link; contexts are built one way and survive JSON."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from notifications.render import TEMPLATES, RenderError, render
from tests.notifications.conftest import BASE_URL, make_case
from workflows.deadlines.mail_facts import case_context, digest_context

OVERDUE = {"vi": "QUÁ HẠN 4 ngày", "en": "OVERDUE by 4 days"}
OVERDUE_HTML = {"vi": "quá hạn 4 ngày", "en": "overdue by 4 days"}
EXTRA = {
    "head_name": "Phạm Quốc Hưng",
    "reason": "Chưa có kết quả đo đạc của Văn phòng đăng ký đất đai",
    "new_due_at": "2026-03-20T10:00:00+00:00",
    "answer": "Ủy ban đồng ý cấp giấy chứng nhận.",
    "from_agency": "UBND huyện Định Hóa",
    "to_agency": "UBND thị trấn Chợ Chu",
    "transfer_count": 2,
    "instruction": "Làm việc với phòng Tài nguyên, trả lời công dân trước thứ Sáu.",
    "notice": {
        "kind": "completion_request",
        "source": "NĐ 61/2018 Điều 19.4 (mẫu 02)",
        "missing": "Bản sao <sổ đỏ>",
    },
}


@pytest.fixture
def context(session, agency, now):
    case = make_case(session, agency, now=now, due_in_days=-4, title="Đường bị lấn chiếm <từ 2020>")
    return json.loads(
        json.dumps(case_context(session=session, case=case, now=now, base_url=BASE_URL))
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("template", sorted(set(TEMPLATES) - {"daily_digest", "inbox_ack"}))
def test_every_case_email_names_code_deadline_overdue_and_link(template, language, context):
    email = render(
        template=template,
        context={"case": context, **EXTRA},
        recipient_name="Lê Thị Thu Hà",
        language=language,
    )
    link = context["lookup_url"] if template.startswith("citizen_") else context["url"]
    for body in (email.text, email.html):
        assert context["code"] in body and "26/02/2026" in body and link in body
        assert "Lê Thị Thu Hà" in body
    assert OVERDUE[language] in email.text and OVERDUE_HTML[language] in email.html
    assert context["code"] in email.subject
    assert "Đường bị lấn chiếm &lt;từ 2020&gt;" in email.html  # escaped in HTML only
    assert "Đường bị lấn chiếm <từ 2020>" in email.text


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("vi", "Đã nhận thư của ông/bà: Đèn <hỏng>", "UBND xã Phúc Trìu đã nhận thư"),
        ("en", "We received your message: Đèn <hỏng>", "UBND xã Phúc Trìu received your"),
    ],
)
def test_the_mailbox_acknowledgement(language, subject, line):
    email = render(
        template="inbox_ack",
        context={"agency_name": "UBND xã Phúc Trìu", "subject": "Đèn <hỏng>",
                 "received_at": "2026-03-02T01:30:00+00:00"},
        recipient_name="Nguyễn Văn An", language=language,
    )  # fmt: skip
    assert email.subject == subject
    assert line in email.text and "02/03/2026" in email.text and "Nguyễn Văn An" in email.text
    assert "Đèn &lt;hỏng&gt;" in email.html and "Đèn <hỏng>" not in email.html


def test_apology_gives_reason_new_date_and_the_decree(context):
    email = render(template="citizen_apology", context={"case": context, **EXTRA})
    assert email.subject == f"Phiếu xin lỗi và hẹn lại ngày trả kết quả — hồ sơ {context['code']}"
    assert "Lý do: Chưa có kết quả đo đạc" in email.text
    assert "Ngày hẹn trả kết quả mới: 20/03/2026." in email.text
    assert "Nghị định 61/2018/NĐ-CP" in email.text


@pytest.mark.parametrize("template", ["head_escalation", "parent_escalation"])
def test_an_escalation_links_to_the_acknowledgement_form(template, context):
    email = render(template=template, context={"case": context, **EXTRA})
    link = f"{context['url']}?open=acknowledge#action-acknowledge"
    assert f'<a href="{link}"' in email.html
    assert "Đã nắm, chỉ đạo" in email.html and link in email.text


def test_the_heads_instruction_reaches_the_officer(context):
    email = render(template="officer_instruction", context={"case": context, **EXTRA})
    assert "Phạm Quốc Hưng" in email.subject and context["code"] in email.subject
    for body in (email.text, email.html):
        assert "trả lời công dân trước thứ Sáu" in body
    assert f'<a href="{context["url"]}"' in email.html


def test_parent_escalation_names_the_head_who_did_not_act(context):
    email = render(template="parent_escalation", context={"case": context, **EXTRA})
    assert "Phạm Quốc Hưng chưa chỉ đạo xử lý" in email.subject
    assert "<strong>Phạm Quốc Hưng</strong>" in email.html


def test_digest_lists_cases_worst_first(session, agency, now):
    cases = [make_case(session, agency, now=now, due_in_days=days) for days in (3, -2, -30, 0)]
    context = digest_context(
        session=session, cases=cases, now=now, base_url=BASE_URL, agency_name=agency.name
    )
    email = render(template="daily_digest", context=json.loads(json.dumps(context)))
    order = [email.text.index(c.code) for c in (cases[2], cases[1], cases[3], cases[0])]
    assert order == sorted(order)
    assert "QUÁ HẠN 30 ngày" in email.text and "còn 3 ngày" in email.text
    assert email.subject.startswith("[Đôn Đốc] Tổng hợp ngày 02/03/2026")
    assert "2 hồ sơ quá hạn / 4 cần theo dõi" in email.subject
    assert f"{BASE_URL}/cases/{cases[2].id}" in email.html


def test_case_context_uses_the_local_calendar(session, agency):
    # 23:30 UTC on 1 March is 06:30 on 2 March in Hà Nội.
    now = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    case = make_case(session, agency, now=now, due_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    context = case_context(session=session, case=case, now=now, base_url=BASE_URL)
    assert context["due_date"] == "02/03/2026"
    assert (context["overdue"], context["days_overdue"], context["days_left"]) == (True, 3, 0)
    assert context["agency_name"] == "UBND phường Hòa Khánh Bắc"
    later = case_context(session=session, case=case, now=now - timedelta(days=5), base_url="")
    assert (later["overdue"], later["days_left"]) == (False, 2)


def test_missing_keys_and_unknown_templates_are_render_errors(context):
    with pytest.raises(RenderError, match="needs context keys: reason, new_due_at"):
        render(template="citizen_apology", context={"case": context})
    with pytest.raises(RenderError, match="case.due_date"):
        render(template="officer_reminder", context={"case": {"code": "X"}})
    with pytest.raises(RenderError, match="unknown template"):
        render(template="nope", context={})
    with pytest.raises(RenderError, match="Invalid isoformat"):
        render(template="citizen_apology", context={"case": context, **EXTRA, "new_due_at": "x"})
