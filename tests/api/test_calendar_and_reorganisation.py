"""Admin calendar days change new due dates; dissolving an agency moves its open cases."""

import pytest
from sqlmodel import func, select

from api.deps import utcnow
from models import Agency, CalendarDay, Case, CaseEvent, Role
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_user, session_token

NOW = at("2026-03-02")


@pytest.fixture
def bearer(settings):
    def headers(user):
        token = session_token(settings, user)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def frozen(client):
    client.app.dependency_overrides[utcnow] = lambda: NOW
    return client


def test_admin_day_off_moves_the_next_due_date(frozen, session, bearer):
    client = frozen
    agency = make_agency(session)
    admin, clerk = (
        bearer(make_user(session, Role.admin)),
        bearer(make_user(session, Role.clerk, agency)),
    )
    # Received Mon 02/03/2026: 10 working days = Mon 16/03. A day off on Fri 06/03 -> Tue 17/03.
    response = client.post(
        "/api/v1/calendar/days",
        json={"day": "2026-03-06", "is_working": False, "note": "Nghỉ bù của tỉnh"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    assert (
        client.post(
            "/api/v1/calendar/days", json={"day": "2026-03-07", "is_working": True}, headers=clerk
        ).status_code
        == 403
    )
    assert [d["day"] for d in client.get("/api/v1/calendar/days", headers=clerk).json()] == [
        "2026-03-06"
    ]
    case = client.post("/api/v1/cases", json=case_body(agency), headers=clerk).json()
    assert case["due_at"].startswith("2026-03-17T16:59:59.999999")
    explained = client.get(f"/api/v1/cases/{case['id']}/deadline", headers=clerk).json()
    assert "06/03/2026 (Nghỉ bù của tỉnh)" in explained["text"]
    assert client.delete("/api/v1/calendar/days/2026-03-06", headers=admin).status_code == 204
    assert client.delete("/api/v1/calendar/days/2026-03-06", headers=admin).status_code == 404
    assert session.exec(select(func.count()).select_from(CalendarDay)).one() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"day": "06/03/2026", "is_working": False},
        {"day": "2026-03-06"},
        {"day": "1999-01-01", "is_working": False},
    ],
)
def test_bad_calendar_day_is_422_and_writes_nothing(client, session, bearer, body):
    admin = bearer(make_user(session, Role.admin))
    assert client.post("/api/v1/calendar/days", json=body, headers=admin).status_code == 422
    assert session.exec(select(func.count()).select_from(CalendarDay)).one() == 0


def test_dissolving_a_district_moves_open_cases_to_the_successor(frozen, session, bearer):
    client = frozen
    district = make_agency(session, "UBND huyện Đồng Hỷ")
    commune = make_agency(session, "UBND xã Đồng Hỷ (mới)")
    admin = bearer(make_user(session, Role.admin))
    clerk = bearer(make_user(session, Role.clerk, district))
    open_id = client.post("/api/v1/cases", json=case_body(district), headers=clerk).json()["id"]
    done = client.post("/api/v1/cases", json=case_body(district), headers=clerk).json()
    declined = client.post(
        f"/api/v1/cases/{done['id']}/actions/withdraw",
        json={"version": 1, "reason": "Rút đơn"},
        headers=clerk,
    )
    assert declined.status_code == 200, declined.text
    response = client.post(
        f"/api/v1/agencies/{district.id}/dissolve", json={"successor_id": commune.id}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["moved_case_ids"] == [open_id]
    session.expire_all()
    assert session.get(Case, open_id).agency_id == commune.id
    assert session.get(Case, done["id"]).agency_id == district.id
    old = client.get(f"/api/v1/agencies/{district.id}", headers=admin).json()
    assert old["successor_id"] == commune.id and old["dissolved_at"] is not None
    event = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == open_id).order_by(CaseEvent.id.desc())
    ).first()
    assert event.action == "reorganise" and "giải thể" in event.data["reason"]
    again = client.post(
        f"/api/v1/agencies/{district.id}/dissolve", json={"successor_id": commune.id}, headers=admin
    )
    assert again.status_code == 422
    assert client.post("/api/v1/cases", json=case_body(district), headers=admin).status_code == 422


@pytest.mark.parametrize("body", [{}, {"successor_id": "x"}, {"successor_id": 999999}])
def test_bad_dissolution_is_422_and_writes_nothing(client, session, bearer, body):
    agency = make_agency(session)
    admin = bearer(make_user(session, Role.admin))
    response = client.post(f"/api/v1/agencies/{agency.id}/dissolve", json=body, headers=admin)
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Agency, agency.id).dissolved_at is None
