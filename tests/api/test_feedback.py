"""The citizen's rating: the link in the answer email, POST /public/cases/{code}/feedback
(once, only after resolution, the same 404 for a wrong code or wrong digits), the rating
page, and the satisfaction figures of the summary report and its CSV/XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from api.deps import utcnow
from models import CaseFeedback, Notification, Role
from notifications.render import render
from tests.api.test_export_files import satisfaction_row
from tests.case_factories import act, at, make_case
from tests.factories import auth, make_agency, make_head, make_user
from tests.web.test_pages import sign_in

CITIZEN = {"name": "Bùi Thị Thanh", "phone": "0912 000 111", "email": "thanh@example.vn"}
RATED_AT = at("2026-03-12")


@pytest.fixture
def ward(session):
    return make_agency(session, "UBND phường Phúc Xá")


@pytest.fixture
def officer(session, ward):
    return make_user(session, Role.officer, ward)


@pytest.fixture
def api(client):
    client.app.dependency_overrides[utcnow] = lambda: RATED_AT
    return client


def _resolved(engine, officer, ward, **citizen):
    case = make_case(engine, officer, ward, now=at("2026-03-02"), citizen={**CITIZEN, **citizen})
    act(engine, case, "accept", officer, now=at("2026-03-03"))
    act(engine, case, "resolve", officer, now=at("2026-03-10"), answer="Đã sửa đèn.")
    return case


def _rate(api, code, **body):
    return api.post(f"/api/v1/public/cases/{code}/feedback", json={"phone_last4": "0111", **body})


def _ratings(session):
    return session.exec(select(CaseFeedback)).all()


def test_the_answer_email_carries_the_rating_link(engine, session, officer, ward):
    case = _resolved(engine, officer, ward)
    answer = session.exec(
        select(Notification).where(
            Notification.case_id == case.id, Notification.template == "citizen_answer"
        )
    ).one()
    link = f"/danh-gia?code={case.code}"
    assert answer.context["rating_url"].endswith(link)
    for language in ("vi", "en"):
        email = render(template=answer.template, context=answer.context, language=language)
        assert link in email.text and link in email.html


def test_rate_once_after_resolution(api, engine, session, officer, ward):
    case = make_case(engine, officer, ward, now=at("2026-03-02"), citizen=CITIZEN)
    early = _rate(api, case.code, score=5)
    assert early.status_code == 422 and "resolved" in early.json()["detail"]

    act(engine, case, "accept", officer, now=at("2026-03-03"))
    act(engine, case, "resolve", officer, now=at("2026-03-10"), answer="Đã sửa đèn.")
    wrong_digits = _rate(api, case.code, score=5, phone_last4="9999")
    wrong_code = _rate(api, "KN-2026-999999", score=5)
    assert wrong_digits.status_code == wrong_code.status_code == 404
    assert wrong_digits.json() == wrong_code.json()
    for bad in ({"score": 6}, {"score": 0}, {"score": 4, "aspects": {"result": 9}}, {}):
        assert _rate(api, case.code, **bad).status_code == 422
    assert _ratings(session) == []

    given = _rate(
        api,
        case.code.lower(),
        score=4,
        comment=" Nhanh, chu đáo. ",
        aspects={"officials": 5, "timeliness": 3},
    )
    assert given.status_code == 201, given.text
    assert given.json()["code"] == case.code and given.json()["score"] == 4
    [stored] = _ratings(session)
    assert (stored.case_id, stored.agency_id, stored.score) == (case.id, ward.id, 4)
    assert (stored.comment, stored.officials, stored.timeliness, stored.access) == (
        "Nhanh, chu đáo.",
        5,
        3,
        None,
    )

    again = _rate(api, case.code, score=1)
    assert again.status_code == 409
    assert [r.score for r in _ratings(session)] == [4]


def test_the_rating_page(api, engine, session, officer, ward):
    case = _resolved(engine, officer, ward)
    form = api.get(f"/danh-gia?code={case.code}")
    assert form.status_code == 200 and f'value="{case.code}"' in form.text

    fields = {"code": case.code, "phone_last4": "0111", "score": "5", "result": "4", "comment": ""}
    wrong = api.post("/danh-gia", data={**fields, "phone_last4": "1234"})
    assert wrong.status_code == 404 and "Không tìm thấy hồ sơ" in wrong.text
    no_score = api.post("/danh-gia", data={**fields, "score": ""})
    assert no_score.status_code == 422 and _ratings(session) == []

    thanked = api.post("/danh-gia", data=fields)
    assert thanked.status_code == 200 and "Cảm ơn ông/bà đã đánh giá" in thanked.text
    assert [(r.score, r.result) for r in _ratings(session)] == [(5, 4)]
    twice = api.post("/danh-gia?lang=en", data=fields)
    assert twice.status_code == 409 and "already rated" in twice.text


def test_summary_and_its_exports_carry_satisfaction_per_agency(api, engine, session, officer, ward):
    other = make_agency(session, "UBND phường Trúc Bạch")
    other_officer = make_user(session, Role.officer, other)
    for score, phone in ((5, "0912 000 111"), (4, "0912 000 222"), (2, "0912 000 333")):
        case = _resolved(engine, officer, ward, phone=phone)
        assert (
            _rate(api, case.code, score=score, phone_last4=phone[-3:].rjust(4, "0")).status_code
            == 201
        )
    elsewhere = _resolved(engine, other_officer, other, phone="0912 000 444")
    assert _rate(api, elsewhere.code, score=1, phone_last4="0444").status_code == 201

    del api.app.dependency_overrides[utcnow]  # a token signed on the real clock
    head = make_head(session, ward)
    headers = auth(api, head)
    sign_in(api, head)  # the page cookie, for the dashboard and the report page
    api.app.dependency_overrides[utcnow] = lambda: RATED_AT
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    answer = api.get("/api/v1/reports/summary", params=period, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["satisfaction"] == {
        "responses": 3,
        "average_score": 3.67,
        "share_satisfied": 0.6667,
    }
    before = api.get(
        "/api/v1/reports/summary",
        params={"from": "2026-02-01", "to": "2026-02-28"},
        headers=headers,
    ).json()
    assert before["satisfaction"] == {
        "responses": 0,
        "average_score": None,
        "share_satisfied": None,
    }

    as_csv = api.get("/api/v1/reports/summary", params={**period, "format": "csv"}, headers=headers)
    rows = list(csv.reader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
    figures = dict(row for row in rows if len(row) == 2)
    assert figures[satisfaction_row("Ratings")] == "3"
    assert figures[satisfaction_row("Average score (1–5)")] == "3,67"
    as_xlsx = api.get(
        "/api/v1/reports/summary", params={**period, "format": "xlsx"}, headers=headers
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert figures[satisfaction_row("Share satisfied (4–5)")] == 0.6667

    report_page = api.get("/reports?from=2026-03-01&to=2026-03-31").text
    assert 'data-figure="satisfaction.responses">3<' in report_page
    assert 'data-figure="satisfaction.share_satisfied">66,7 %<' in report_page
    dashboard = api.get("/dashboard")
    assert dashboard.status_code == 200
    assert 'data-figure="satisfaction"><span class="value">66,7 %<' in dashboard.text
