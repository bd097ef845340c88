"""The pages in Vietnamese first and in English on request, through the gettext catalogues."""

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from models import Role
from tests.case_factories import at, make_case
from tests.factories import PASSWORD, make_agency, make_user
from tests.web.conftest import carry_csrf


def sign_in(client, user) -> None:
    data = {"username": user.username, "password": PASSWORD, "next": "/"}
    assert client.post("/sign-in", data=data, follow_redirects=False).status_code == 303


def test_queue_in_vietnamese_then_in_english_after_the_switch(client, session):
    officer = make_user(session, Role.officer, make_agency(session, "UBND xã Phúc Trìu"))
    sign_in(client, officer)
    carry_csrf(client)
    vi = client.get("/queue").text
    assert "<h1>Hồ sơ cần xử lý</h1>" in vi
    assert '<a href="/reports">' not in vi and ">Tiếp nhận đơn, hồ sơ</a>" in vi  # the menu
    assert ">English</a>" in vi and 'lang="vi"' in vi
    en = client.get("/lang/en?next=/queue", follow_redirects=True).text
    assert "<h1>Case queue</h1>" in en and ">Log a petition</a>" in en
    assert ">Tiếng Việt</a>" in en and "Hồ sơ cần xử lý" not in en
    assert "<h1>Case queue</h1>" in client.get("/queue").text  # the cookie remembers
    assert "<h1>Hồ sơ cần xử lý</h1>" in client.get("/queue?lang=vi").text


def test_case_page_explains_the_deadline_in_the_page_language(client, session, engine):
    agency = make_agency(session, "UBND xã Tân Cương")
    clerk = make_user(session, Role.clerk, agency)
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, clerk, agency, now=at("2026-02-12"))
    sign_in(client, officer)
    carry_csrf(client)
    vi = client.get(f"/cases/{case.id}").text
    assert "Hạn: hết ngày 05/03/2026 (24 giờ 00, Bộ luật Dân sự 2015 Điều 148.6)." in vi
    assert "Các ngày nghỉ được bỏ qua:" in vi and "(thứ Bảy)" in vi and "Tết Nguyên Đán" in vi
    assert ">Đã tiếp nhận</strong>" in vi and "<dt>Loại việc</dt><dd>Khiếu nại</dd>" in vi
    en = client.get(f"/cases/{case.id}?lang=en").text
    assert "Due: the end of 05/03/2026 (24:00, Civil Code 2015 Art. 148.6)." in en
    assert "Days off skipped:" in en and "(Saturday)" in en and "Lunar New Year" in en
    assert ">Received</strong>" in en and "<dt>Kind</dt><dd>Complaint</dd>" in en


def test_two_languages_at_once_each_get_their_own(client, session):
    """The catalogue is chosen per render from the request's language, never installed into
    the shared environment, so concurrent pages in vi and en do not swap words."""
    officer = make_user(session, Role.officer, make_agency(session))
    sign_in(client, officer)
    carry_csrf(client)
    cookies = dict(client.cookies)

    def fetch(i: int) -> tuple[str, str]:
        lang = ("vi", "en")[i % 2]
        with TestClient(client.app, cookies=cookies) as own:
            return lang, own.get(f"/queue?lang={lang}").text

    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(fetch, range(40)))
    wrong = [
        lang
        for lang, text in pages
        if ("<h1>Hồ sơ cần xử lý</h1>" in text) != (lang == "vi")
        or ("<h1>Case queue</h1>" in text) != (lang == "en")
    ]
    assert wrong == []


def test_a_refused_action_is_explained_in_the_page_language(client, session, engine):
    agency = make_agency(session, "UBND xã Quyết Thắng")
    clerk = make_user(session, Role.clerk, agency)
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, clerk, agency, now=at("2026-02-12"))
    sign_in(client, officer)
    carry_csrf(client)
    form = {"version": str(case.version), "agency_id": str(agency.id), "reason": "Nhầm"}
    vi = client.post(f"/cases/{case.id}/act/transfer", data=form)
    assert vi.status_code == 422
    assert "Chuyển cơ quan giải quyết: Hồ sơ đã thuộc cơ quan này." in vi.text
    en = client.post(f"/cases/{case.id}/act/transfer?lang=en", data=form)
    assert "Transfer: The case is already at that agency." in en.text
    assert "already at that agency" not in vi.text


def test_intake_refusal_in_the_page_language(client, session):
    own, other = make_agency(session, "UBND xã Phúc Xuân"), make_agency(session, "UBND xã Phúc Hà")
    sign_in(client, make_user(session, Role.clerk, own))
    carry_csrf(client)
    form = {
        "kind": "complaint",
        "channel": "in_person",
        "agency_id": str(other.id),
        "title": "Chậm cấp giấy phép xây dựng",
        "description": "",
        "citizen_name": "Nguyễn Văn Bình",
        "citizen_phone": "0912 345 001",
        "form_token": "0" * 32,  # the form's one-time token (workflows/cases/form_tokens.py)
    }
    vi = client.post("/cases/new", data=form)
    assert vi.status_code == 403
    assert "Bạn chỉ được tiếp nhận hồ sơ cho cơ quan của mình." in vi.text
    en = client.post("/cases/new?lang=en", data=form)
    assert "You may register cases only for your own agency." in en.text
