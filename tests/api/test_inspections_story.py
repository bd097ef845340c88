"""Seed 002 as a test: the province's team inspects, goes through Thái Nguyên's four
long-pending cases in order, closes two and gives two directives with new deadlines."""

from datetime import timedelta

import pytest
from sqlmodel import select

from api.deps import utcnow
from models import Case, CaseEvent, CaseStatus, InspectionConclusion
from tests.inspection_factories import bearer, thai_nguyen
from workflows.escalation import schedule

API = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def _clock(client, now):
    """The application reads the same fixed instant as the test."""
    client.app.dependency_overrides[utcnow] = lambda: now


def _plan(client, settings, story, now):
    response = client.post(
        API,
        json={
            "agency_id": story.agencies["tinh"].id,
            "include_subtree": True,
            "title": "Kiểm tra công vụ năm 2023 tại các đơn vị, địa phương",
            "legal_basis": "Kế hoạch số 45/KH-UBND ngày 17/3/2023",
            "kind": "surprise",
            "meeting_at": (now + timedelta(hours=1)).isoformat(),
            "member_ids": [story.member.id, story.leader.id],
            "leader_id": story.leader.id,
        },
        headers=bearer(settings, story.leader),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_seed_002_meeting(client, settings, session, now):
    story = thai_nguyen(session)
    inspection = _plan(client, settings, story, now)
    assert [(m["full_name"], m["is_leader"]) for m in inspection["members"]] == [
        ("Nguyễn Văn Hiển", True),
        ("Đinh Thị Mai", False),
    ]
    leader = bearer(settings, story.leader)
    url = f"{API}/{inspection['id']}"

    # The agenda: the four long-pending cases, longest pending first.
    agenda = client.get(f"{url}/agenda", headers=leader)
    assert agenda.status_code == 200, agenda.text
    items = agenda.json()["items"]
    cases = story.cases
    assert [i["citizen_name"] for i in items] == [
        "Trần Quang Toàn",
        "17 hộ dân thị trấn Chợ Chu",
        "Bùi Thị Thanh",
        "Các hộ dân xóm Nam Sơn",
    ]
    toan = items[0]
    assert toan["days_pending"] == (now - cases["toan"].received_at).days  # since May 2014
    assert toan["days_pending"] > 11 * 365
    assert toan["days_overdue"] == toan["days_pending"] - 30
    assert toan["agency_name"] == "UBND thị trấn Hóa Thượng"
    assert items[1]["transfer_count"] == 2
    assert items[3]["escalation_level"] == 3
    assert all(i["concluded"] is None for i in items)

    # The meeting: two cases closed, two directives with a responsible person and a date.
    closed_text = {
        "thanh": "Đã cấp giấy chứng nhận quyền sử dụng đất cho bà Bùi Thị Thanh tại buổi làm việc",
        "toan": "Đồng ý chuyển mục đích sử dụng đất; trả kết quả cho ông Trần Quang Toàn",
    }
    for key, text in closed_text.items():
        response = client.post(
            f"{url}/conclusions",
            json={"case_id": cases[key].id, "outcome": "closed", "text": text},
            headers=leader,
        )
        assert response.status_code == 201, response.text
    directives = {
        "chochu": (story.heads["chochu"], now + timedelta(days=30)),
        "road": (story.heads["linhson"], now + timedelta(days=15)),
    }
    for key, (responsible, due_at) in directives.items():
        response = client.post(
            f"{url}/conclusions",
            json={
                "case_id": cases[key].id,
                "outcome": "directive",
                "text": "Giải quyết dứt điểm, báo cáo Đoàn kiểm tra",
                "responsible_user_id": responsible.id,
                "due_at": due_at.isoformat(),
            },
            headers=bearer(settings, story.member),
        )
        assert response.status_code == 201, response.text

    for key, text in closed_text.items():
        case = session.get(Case, cases[key].id)
        session.refresh(case)
        assert case.status == CaseStatus.closed
        assert schedule.next_action_at(session=session, case_id=case.id) is None
        event = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "conclude")
        ).one()
        assert (event.from_status, event.to_status) == ("accepted", "closed")
        assert event.data["text"] == text
        assert event.actor_id == story.leader.id

    # A directive puts the case under its new deadline, with the responsible person as
    # assignee, so the escalation sweep picks it up when that deadline passes.
    for key, (responsible, due_at) in directives.items():
        case = session.get(Case, cases[key].id)
        session.refresh(case)
        assert case.status == CaseStatus.accepted
        assert case.due_at == due_at
        assert case.assignee_id == responsible.id
        # the sweep looks at it by then
        assert now < schedule.next_action_at(session=session, case_id=case.id) <= due_at
        assert case.version == 2

    # Only the directives stay on the agenda, marked as such.
    items = client.get(f"{url}/agenda", headers=leader).json()["items"]
    assert [(i["case_id"], i["concluded"]) for i in items] == [
        (cases["chochu"].id, "directive"),
        (cases["road"].id, "directive"),
    ]
    assert items[1]["assignee_name"] == story.heads["linhson"].full_name
    assert items[1]["days_overdue"] == 0

    report = client.get(f"{url}/report", headers=leader).json()
    assert (report["cases_reviewed"], report["cases_closed"]) == (4, 2)
    assert (report["directives_issued"], report["directives_pending"]) == (2, 2)
    assert report["directives_overdue"] == 0


def test_missed_directive_shows_overdue_in_report_and_agenda(client, settings, session, now):
    story = thai_nguyen(session)
    inspection = _plan(client, settings, story, now)
    url = f"{API}/{inspection['id']}"
    leader = bearer(settings, story.leader)
    due_at = now + timedelta(days=15)
    response = client.post(
        f"{url}/conclusions",
        json={
            "case_id": story.cases["road"].id,
            "outcome": "directive",
            "text": "Vận động hộ dân trả lại lối đi chung",
            "responsible_user_id": story.heads["linhson"].id,
            "due_at": due_at.isoformat(),
        },
        headers=leader,
    )
    assert response.status_code == 201, response.text

    later = due_at + timedelta(days=3)
    client.app.dependency_overrides[utcnow] = lambda: later
    report = client.get(f"{url}/report", headers=leader).json()
    assert (report["directives_pending"], report["directives_overdue"]) == (0, 1)
    assert report["directives"][0]["state"] == "overdue"
    assert report["directives"][0]["responsible_name"] == story.heads["linhson"].full_name
    road = next(
        i
        for i in client.get(f"{url}/agenda", headers=leader).json()["items"]
        if i["case_id"] == story.cases["road"].id
    )
    assert road["days_overdue"] == 3


def test_concluding_twice_is_a_conflict(client, settings, session, now):
    story = thai_nguyen(session)
    inspection = _plan(client, settings, story, now)
    body = {"case_id": story.cases["toan"].id, "outcome": "closed", "text": "Đã giải quyết"}
    leader = bearer(settings, story.leader)
    url = f"{API}/{inspection['id']}/conclusions"
    assert client.post(url, json=body, headers=leader).status_code == 201
    assert client.post(url, json=body, headers=leader).status_code == 409
    assert len(session.exec(select(InspectionConclusion)).all()) == 1
