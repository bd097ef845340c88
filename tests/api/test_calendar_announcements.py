"""The state sector's announced days off and swaps: shipped as data, added by an admin."""

from datetime import date, datetime

import pytest

from api.deps import utcnow
from models import Role
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_user, session_token
from tests.web.conftest import carry_csrf
from workflows.deadlines import calendar, dates


@pytest.fixture
def bearer(settings):
    def headers(user):
        token = session_token(settings, user)
        return {"Authorization": f"Bearer {token}"}

    return headers


def test_new_year_2026_swap_moves_a_dossier_to_06_01(client, session, bearer):
    # Received Tue 30/12/2025, a dossier's completeness check takes 3 working days
    # (NĐ 61/2018 Art. 19.4). Wed 31/12 is day 1; Thu 01/01/2026 is New Year's Day; the state
    # sector was also off Fri 02/01 (swapped for Sat 10/01) and Sat-Sun 03-04/01; Mon 05/01 is
    # day 2, Tue 06/01 day 3. Without the announcement the package gives Mon 05/01.
    client.app.dependency_overrides[utcnow] = lambda: at("2025-12-30")
    agency = make_agency(session)
    clerk = bearer(make_user(session, Role.clerk, agency))
    case = client.post("/api/v1/cases", json=case_body(agency, kind="dossier"), headers=clerk)
    assert case.status_code == 201, case.text
    assert case.json()["due_at"].startswith("2026-01-06T16:59:59.999999")
    explained = client.get(f"/api/v1/cases/{case.json()['id']}/deadline", headers=clerk).json()
    assert "02/01/2026 (Nghỉ Tết Dương lịch 2026" in explained["text"]


def test_the_worked_saturday_counts(session):
    # Received Thu 08/01/2026, 3 working days: Fri 09/01 (1), Sat 10/01 worked in exchange
    # for 02/01 (2), Sun 11/01 off, Mon 12/01 (3): due Mon 12/01, not Tue 13/01.
    cal = calendar.load(session=session)
    assert cal.is_working_day(date(2026, 1, 10))
    assert cal.add_working_days(date(2026, 1, 8), 3) == date(2026, 1, 12)
    # Tết 2026 for the state sector: Sat 14/02 to Sun 22/02, nine days without a working day.
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(14, 23))
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_admin_adds_tet_2027_with_its_source(client, session, bearer):
    client.app.dependency_overrides[utcnow] = lambda: at("2027-02-01")
    agency = make_agency(session)
    admin = bearer(make_user(session, Role.admin))
    clerk = bearer(make_user(session, Role.clerk, agency))
    body = {
        "title": "Tết Nguyên đán 2027 (giả định trong kiểm thử)",
        "source": "Thông báo của Bộ Nội vụ (kiểm thử)",
        "days": [
            {"day": "2027-02-03", "is_working": False},
            {"day": "2027-02-11", "is_working": False},
            {"day": "2027-02-20", "is_working": True},
        ],
    }
    assert (
        client.post("/api/v1/calendar/announcements", json=body, headers=clerk).status_code == 403
    )
    bad = client.post("/api/v1/calendar/announcements", json={**body, "source": ""}, headers=admin)
    assert bad.status_code == 422 and "detail" in bad.json()
    twice = {**body, "days": [body["days"][0], body["days"][0]]}
    refused = client.post("/api/v1/calendar/announcements", json=twice, headers=admin)
    assert refused.status_code == 422 and "twice" in refused.json()["detail"]
    assert client.get("/api/v1/calendar/days", headers=admin).json() == []
    added = client.post("/api/v1/calendar/announcements", json=body, headers=admin)
    assert added.status_code == 201, added.text
    listed = client.get("/api/v1/calendar/announcements", headers=clerk).json()
    titles = [(a["title"], a["shipped"]) for a in listed]
    assert ("Tết Dương lịch 2026 (cán bộ, công chức, viên chức)", True) in titles
    assert (body["title"], False) in titles
    # Received Mon 01/02/2027, 3 working days: Tue 02/02 (1); Wed 03/02 now off; Thu 04 -
    # Wed 10/02 Tết in the package, weekends 06-07/02; Thu 11/02 now off; Fri 12/02 (2);
    # Sat 13, Sun 14 off; Mon 15/02 (3).
    case = client.post("/api/v1/cases", json=case_body(agency, kind="dossier"), headers=clerk)
    assert dates.local_date(datetime.fromisoformat(case.json()["due_at"])) == date(2027, 2, 15)


def test_calendar_page_adds_an_announcement(client, session, settings):
    admin = make_user(session, Role.admin)
    token = session_token(settings, admin)
    client.cookies.set("dondoc_token", token)
    carry_csrf(client)
    page = client.get("/calendar")
    assert page.status_code == 200 and "Tết Dương lịch 2026" in page.text
    bad = client.post("/calendar", data={"title": "X", "source": "Y", "days_off": "31/02/2027"})
    assert bad.status_code == 422 and 'value="31/02/2027"' in bad.text  # refilled
    beside = bad.text[bad.text.index('name="days_off"') :]
    beside = beside[: beside.index("</label>")]
    assert 'aria-invalid="true"' in beside
    assert "Nhập mỗi ngày theo dạng dd/mm/yyyy, cách nhau bằng dấu phẩy." in beside
    empty = client.post("/calendar", data={"title": "", "source": "Y", "days_off": "05/03/2027"})
    assert empty.status_code == 422 and "Mục này cần được nhập." in empty.text
    done = client.post(
        "/calendar",
        data={"title": "Nghỉ của tỉnh", "source": "Quyết định 1/QĐ-UBND", "days_off": "05/03/2027"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    loaded = calendar.load(session=session)
    assert loaded.day_off_reason(date(2027, 3, 5), "vi", lambda text: text) == "Nghỉ của tỉnh"
