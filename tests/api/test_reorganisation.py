"""Reorganisation: a district dissolved as of 01/07/2025 into its successor (cases, staff,
agencies below, remote-area limits), and one moved case re-routed, which is not a transfer."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from api.deps import utcnow
from models import Agency, Case, CaseEvent, Role, User
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_head, make_user
from tests.inspection_factories import bearer
from workflows.deadlines.dates import local_date

ACCEPTED = at("2025-06-02")  # Monday
RECORDED = at("2025-07-03", "10:00")  # the administrator records the reform two days late


@pytest.fixture
def reform(client, session, settings):
    """Huyện Đồng Hỷ (a remote area) with a commune below, its staff and one accepted
    complaint; the province above; two new communes, one of them without a head yet."""
    clock = {"now": ACCEPTED}
    client.app.dependency_overrides[utcnow] = lambda: clock["now"]
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    district = make_agency(session, "UBND huyện Đồng Hỷ", parent=province, remote_area=True)
    town = make_agency(session, "UBND thị trấn Hóa Thượng", parent=district)
    successor = make_agency(session, "UBND xã Đồng Hỷ", parent=province)
    sibling = make_agency(session, "UBND xã Quang Sơn", parent=province)
    people = {
        "province_head": make_head(session, province),
        "district_head": make_head(session, district),
        "officer": make_user(session, Role.officer, district),
        "clerk": make_user(session, Role.clerk, district),
        "sibling_head": make_head(session, sibling),
        "admin": make_user(session, Role.admin),
    }
    h = {k: bearer(settings, u) for k, u in people.items()}
    case = client.post("/api/v1/cases", json=case_body(district), headers=h["clerk"]).json()
    for action, fields in (
        ("assign", {"assignee_id": people["officer"].id}),
        ("accept", {}),
    ):
        version = session.get(Case, case["id"]).version
        response = client.post(
            f"/api/v1/cases/{case['id']}/actions/{action}",
            json={"version": version, **fields},
            headers=h["district_head"],
        )
        assert response.status_code == 200, response.text
    clock["now"] = RECORDED
    return {
        "clock": clock,
        "agencies": {
            "province": province,
            "district": district,
            "town": town,
            "successor": successor,
            "sibling": sibling,
        },
        "people": people,
        "h": h,
        "case_id": case["id"],
    }


def _dissolve(client, reform, **body):
    a = reform["agencies"]
    body = {
        "successor_id": a["successor"].id,
        "effective_on": "2025-07-01",
        "basis": "Tổ chức chính quyền địa phương hai cấp",
        "children_parent_id": a["province"].id,
    } | body
    return client.post(
        f"/api/v1/agencies/{a['district'].id}/dissolve", json=body, headers=reform["h"]["admin"]
    )


def test_dissolution_as_of_its_effective_date_moves_cases_staff_and_agencies(
    client, session, reform
):
    a, people, case_id = reform["agencies"], reform["people"], reform["case_id"]
    before = session.get(Case, case_id)
    # Accepted Mon 02/06/2025; a complaint's 30 days from acceptance (Art. 28), 45 in a remote
    # area: the day of acceptance is not counted, so 02/06 + 45 = Thu 17/07/2025.
    assert local_date(before.due_at).isoformat() == "2025-07-17"
    clock_started, received = before.clock_started_at, before.received_at

    response = _dissolve(client, reform)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["moved_case_ids"] == [case_id]
    assert body["moved_agency_ids"] == [a["town"].id]
    staff = {people[k].id for k in ("district_head", "officer", "clerk")}
    assert set(body["moved_user_ids"]) == staff
    # Dissolved at 00:00 on 01/07/2025 in Vietnam, not at the moment it was recorded.
    assert datetime.fromisoformat(body["agency"]["dissolved_at"]) == datetime(
        2025, 6, 30, 17, 0, tzinfo=UTC
    )

    session.expire_all()
    case = session.get(Case, case_id)
    assert case.agency_id == a["successor"].id
    # A re-routing, not a transfer: no transfer counted, the legal clock not restarted.
    assert case.transfer_count == 0
    assert (case.clock_started_at, case.received_at) == (clock_started, received)
    # The officer moved with the case and still holds it.
    assert case.assignee_id == people["officer"].id
    # The successor is not a remote area: 30 days, 02/06 + 30 = Wed 02/07/2025 (now overdue).
    assert case.remote_area is False
    assert local_date(case.due_at).isoformat() == "2025-07-02"
    event = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id.desc())
    ).first()
    assert event.action == "reorganise"
    assert event.data["effective_on"] == "2025-07-01"
    assert event.data["from_agency_id"] == a["district"].id and event.data["remote_area"] is False
    assert "UBND huyện Đồng Hỷ giải thể từ ngày 01/07/2025" in event.data["reason"]
    assert "hai cấp" in event.data["reason"]
    # Staff moved with their roles; the successor had no head and takes the district's.
    assert {u.agency_id for u in session.exec(select(User).where(User.id.in_(staff)))} == {
        a["successor"].id
    }
    assert session.get(Agency, a["successor"].id).head_user_id == people["district_head"].id
    assert session.get(Agency, a["town"].id).parent_id == a["province"].id
    # Nothing new is registered at the abolished district.
    new = client.post("/api/v1/cases", json=case_body(a["district"]), headers=reform["h"]["admin"])
    assert new.status_code == 422


def test_remote_area_follows_a_remote_successor(client, session, reform):
    a = reform["agencies"]
    a["successor"].remote_area = True
    session.add(a["successor"])
    session.commit()
    assert _dissolve(client, reform).status_code == 200
    session.expire_all()
    case = session.get(Case, reform["case_id"])
    assert case.remote_area is True
    assert local_date(case.due_at).isoformat() == "2025-07-17"  # still 45 days


@pytest.mark.parametrize(
    "body",
    [
        {"effective_on": "2025-07-04"},  # tomorrow, as of 03/07/2025: not yet in force
        {"effective_on": "01/07/2025"},
        {"successor_id": "x"},
        {"successor_id": 999999},
        {"children_parent_id": 999999},
        {"basis": "x" * 501},
    ],
)
def test_bad_dissolution_is_422_and_changes_nothing(client, session, reform, body):
    a = reform["agencies"]
    assert _dissolve(client, reform, **body).status_code == 422
    session.expire_all()
    assert session.get(Agency, a["district"].id).dissolved_at is None
    assert session.get(Case, reform["case_id"]).agency_id == a["district"].id
    assert session.get(User, reform["people"]["officer"].id).agency_id == a["district"].id


def test_successor_below_the_dissolved_agency_is_refused(client, session, reform):
    town = reform["agencies"]["town"]
    assert _dissolve(client, reform, successor_id=town.id).status_code == 422
    assert _dissolve(client, reform, children_parent_id=town.id).status_code == 422


def test_only_an_admin_dissolves(client, reform):
    a = reform["agencies"]
    response = client.post(
        f"/api/v1/agencies/{a['district'].id}/dissolve",
        json={"successor_id": a["successor"].id},
        headers=reform["h"]["province_head"],
    )
    assert response.status_code == 403


def test_reroute_one_moved_case_is_not_a_transfer(client, session, reform):
    a, h, case_id = reform["agencies"], reform["h"], reform["case_id"]
    assert _dissolve(client, reform).status_code == 200
    url = f"/api/v1/cases/{case_id}/reroute"
    version = session.get(Case, case_id).version
    body = {
        "version": version,
        "agency_id": a["sibling"].id,
        "reason": "Thửa đất thuộc địa bàn xã Quang Sơn sau sắp xếp",
    }
    # Neither an officer, nor the head of the target alone (the case is not theirs), nor the
    # head of the successor sending it out of their agency: those would be transfers.
    assert client.post(url, json=body, headers=h["clerk"]).status_code in (403, 404)
    assert client.post(url, json=body, headers=h["sibling_head"]).status_code == 404
    assert client.post(url, json=body, headers=h["district_head"]).status_code == 403
    stale = client.post(url, json=body | {"version": version - 1}, headers=h["province_head"])
    assert stale.status_code == 409
    response = client.post(url, json=body, headers=h["province_head"])
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["agency_id"] == a["sibling"].id and moved["transfer_count"] == 0
    assert local_date(datetime.fromisoformat(moved["due_at"])).isoformat() == "2025-07-02"
    assert moved["assignee_id"] is None  # the officer stayed at the successor
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=h["province_head"]).json()
    assert [e["action"] for e in events][-2:] == ["reorganise", "reorganise"]
    assert events[-1]["data"]["reason"].startswith("Thửa đất")


def test_reroute_refuses_a_case_no_reorganisation_moved(client, session, reform):
    a, h = reform["agencies"], reform["h"]
    case = client.post(
        "/api/v1/cases", json=case_body(a["sibling"]), headers=h["sibling_head"]
    ).json()
    url = f"/api/v1/cases/{case['id']}/reroute"
    body = {"version": case["version"], "agency_id": a["successor"].id, "reason": "Nhầm địa bàn"}
    response = client.post(url, json=body, headers=h["admin"])
    assert response.status_code == 422 and "transfer" in response.json()["detail"]
    assert session.get(Case, case["id"]).agency_id == a["sibling"].id


@pytest.mark.parametrize(
    "bad",
    [
        {"agency_id": "district"},  # dissolved
        {"agency_id": "successor"},  # already there
        {"agency_id": 999999},
        {"reason": ""},
        {"version": "1"},
        {"version": None},
    ],
)
def test_bad_reroute_is_422_and_changes_nothing(client, session, reform, bad):
    a, h, case_id = reform["agencies"], reform["h"], reform["case_id"]
    assert _dissolve(client, reform).status_code == 200
    version = session.get(Case, case_id).version
    body = {"version": version, "agency_id": a["sibling"].id, "reason": "Sai địa bàn"} | bad
    if isinstance(body["agency_id"], str):
        body["agency_id"] = a[body["agency_id"]].id
    response = client.post(f"/api/v1/cases/{case_id}/reroute", json=body, headers=h["admin"])
    assert response.status_code == 422, response.text
    session.expire_all()
    assert session.get(Case, case_id).agency_id == a["successor"].id
    assert session.get(Case, case_id).version == version


def test_the_recorded_time_is_now_and_the_effective_day_is_kept(client, session, reform):
    reform["clock"]["now"] = RECORDED + timedelta(days=30)
    assert _dissolve(client, reform).status_code == 200
    event = session.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == reform["case_id"])
        .order_by(CaseEvent.id.desc())
    ).first()
    assert event.at == RECORDED + timedelta(days=30)
    assert event.data["effective_on"] == "2025-07-01"


def test_an_inspector_covering_the_dissolved_agency_covers_its_successor(
    client, session, settings, reform
):
    """Security (issue 13) meets the reform: a jurisdiction set to the dissolved district
    moves to the successor, so the inspector plans there and not in the empty old district."""
    a = reform["agencies"]
    inspector = make_user(session, Role.inspector, a["province"])
    inspector.jurisdiction_agency_id = a["district"].id
    session.add(inspector)
    session.commit()
    plan = {
        "agency_id": a["successor"].id,
        "include_subtree": True,
        "title": "Kiểm tra công vụ",
        "kind": "planned",
        "meeting_at": RECORDED.isoformat(),
        "member_ids": [inspector.id],
    }
    headers = bearer(settings, inspector)
    assert client.post("/api/v1/inspections", json=plan, headers=headers).status_code == 403
    assert _dissolve(client, reform).status_code == 200
    session.expire_all()
    assert session.get(User, inspector.id).jurisdiction_agency_id == a["successor"].id
    response = client.post("/api/v1/inspections", json=plan, headers=headers)
    assert response.status_code == 201, response.text
