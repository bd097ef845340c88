"""Who may plan, read and conclude an inspection; bad input is refused and writes nothing."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import func, select

from api.deps import utcnow
from models import (
    Case,
    CaseEvent,
    CaseStatus,
    Inspection,
    InspectionConclusion,
    InspectionMeasure,
    InspectionMember,
    Role,
)
from tests.inspection_factories import bearer, make_case, person
from workflows.cases import lifecycle
from workflows.escalation import schedule

API = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def _clock(client, now):
    client.app.dependency_overrides[utcnow] = lambda: now


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _plan(client, settings, story, now, *, agency="tinh", subtree=True, **extra):
    body = {
        "agency_id": story.agencies[agency].id,
        "include_subtree": subtree,
        "title": "Kiểm tra công vụ",
        "legal_basis": "Quyết định số 853/QĐ-SNV",
        "kind": "planned",
        "meeting_at": now.isoformat(),
        "member_ids": [story.leader.id, story.member.id],
    } | extra
    response = client.post(API, json=body, headers=bearer(settings, story.leader))
    assert response.status_code == 201, response.text
    return response.json()


def test_first_member_leads_when_no_leader_given(client, settings, story, now):
    inspection = _plan(client, settings, story, now)
    assert inspection["legal_basis"] == "Quyết định số 853/QĐ-SNV"
    assert [m["is_leader"] for m in inspection["members"]] == [True, False]
    assert inspection["members"][0]["user_id"] == story.leader.id


@pytest.mark.parametrize("role", [Role.head, Role.officer, Role.clerk])
def test_only_inspectors_and_admins_plan(client, settings, session, story, now, role):
    user = person(session, role, story.agencies["tp"], "Người khác")
    body = {
        "agency_id": story.agencies["tp"].id,
        "title": "Tự kiểm tra",
        "meeting_at": now.isoformat(),
        "member_ids": [user.id],
    }
    response = client.post(API, json=body, headers=bearer(settings, user))
    assert response.status_code == 403
    assert _count(session, Inspection) == 0


def test_a_head_reads_the_self_inspection_they_sit_on(client, settings, story, now):
    head, outsider = story.heads["linhson"], story.heads["phuctriu"]
    planned = _plan(
        client,
        settings,
        story,
        now,
        agency="linhson",
        kind="self_inspection",
        member_ids=[story.leader.id, head.id],
    )
    url = f"{API}/{planned['id']}"
    assert client.get(url, headers=bearer(settings, head)).json()["title"] == "Kiểm tra công vụ"
    assert [i["id"] for i in client.get(API, headers=bearer(settings, head)).json()] == [
        planned["id"]
    ]
    # Not on the team: the same 404 as an inspection that does not exist.
    assert client.get(url, headers=bearer(settings, outsider)).status_code == 404
    assert client.get(API, headers=bearer(settings, outsider)).json() == []


@pytest.mark.parametrize(
    "change",
    [
        {"member_ids": []},
        {"leader_id": -1},
        {"member_ids": [1, 1]},
        {"member_ids": [999999]},
        {"agency_id": 999999},
        {"kind": "audit"},
        {"title": ""},
        {"meeting_at": "2026-03-02T09:00:00"},  # no time zone: not an instant
    ],
)
def test_bad_inspection_is_422_and_writes_nothing(client, settings, session, story, now, change):
    body = {
        "agency_id": story.agencies["tinh"].id,
        "title": "Kiểm tra",
        "meeting_at": now.isoformat(),
        "member_ids": [story.leader.id],
    } | change
    response = client.post(API, json=body, headers=bearer(settings, story.leader))
    assert response.status_code == 422, response.text
    assert (_count(session, Inspection), _count(session, InspectionMember)) == (0, 0)


def test_only_members_conclude(client, settings, session, story, now):
    inspection = _plan(client, settings, story, now)
    url = f"{API}/{inspection['id']}"
    admin = person(session, Role.admin, None, "Quản trị")
    head = story.heads["tinh"]
    body = {"case_id": story.cases["toan"].id, "outcome": "closed", "text": "Đã giải quyết"}
    # An administrator reads the inspection but is not on the team (403); anyone else is
    # told nothing about it (404, as for an id that does not exist).
    for outsider, refused in ((story.other_inspector, 404), (admin, 403), (head, 404)):
        response = client.post(f"{url}/conclusions", json=body, headers=bearer(settings, outsider))
        assert response.status_code == refused, outsider.role
        measure = {
            "target": {"agency_id": story.agencies["tp"].id},
            "measure": "reminder",
            "text": "Nhắc nhở",
        }
        response = client.post(f"{url}/measures", json=measure, headers=bearer(settings, outsider))
        assert response.status_code == refused
    # Another inspector reads neither the agenda nor the report; an administrator does.
    other = bearer(settings, story.other_inspector)
    assert client.get(f"{url}/agenda", headers=other).status_code == 404
    assert client.get(f"{url}/report", headers=other).status_code == 404
    assert client.get(url, headers=other).status_code == 404
    assert client.get(f"{url}/agenda", headers=bearer(settings, admin)).status_code == 200
    assert _count(session, InspectionConclusion) == 0
    assert _count(session, InspectionMeasure) == 0
    case = session.get(Case, story.cases["toan"].id)
    session.refresh(case)
    assert (case.status, case.version) == ("accepted", 1)


def test_case_of_another_agency_is_422(client, settings, session, story, now):
    # Linh Sơn only (no subtree): neither Cần Thơ's case nor Phúc Trìu's may be concluded.
    inspection = _plan(client, settings, story, now, agency="tp", subtree=False)
    url = f"{API}/{inspection['id']}/conclusions"
    leader = bearer(settings, story.leader)
    for key in ("cantho", "thanh"):
        body = {"case_id": story.cases[key].id, "outcome": "closed", "text": "Kết luận"}
        response = client.post(url, json=body, headers=leader)
        assert response.status_code == 422, response.text
        assert "not a case of the inspected agency" in response.json()["detail"]
    assert _count(session, InspectionConclusion) == 0
    assert _count(session, CaseEvent) == 0
    agenda = client.get(f"{API}/{inspection['id']}/agenda", headers=leader).json()
    assert agenda["items"] == []  # TP. Thái Nguyên itself holds no open case


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "directive", "text": "Chỉ đạo"},  # no responsible user, no deadline
        {"outcome": "directive", "text": "Chỉ đạo", "responsible": True, "due_days": -1},
        {"outcome": "directive", "text": "Chỉ đạo", "responsible_user_id": 999999, "due_days": 9},
        # The head of a commune in another branch of the tree (the road case is Linh Sơn's),
        # and an inspector: neither can carry out a directive on this case.
        {"outcome": "directive", "text": "Chỉ đạo", "responsible": "phuctriu", "due_days": 9},
        {"outcome": "directive", "text": "Chỉ đạo", "responsible": "inspector", "due_days": 9},
        {"outcome": "closed", "text": "Đóng", "responsible": True, "due_days": 5},
        {"outcome": "closed", "text": ""},
        {"outcome": "postponed", "text": "Hoãn"},
        {"outcome": "closed", "text": "Đóng", "case_id": 999999},
        {"outcome": "closed", "text": "Đóng", "case": "declined"},  # finished: declined
    ],
)
def test_bad_conclusion_is_422_and_writes_nothing(client, settings, session, story, now, body):
    story.cases["declined"] = make_case(
        session, story.agencies["linhson"], received_at=now, status=CaseStatus.declined
    )
    inspection = _plan(client, settings, story, now)
    payload = {"case_id": story.cases[body.pop("case", "road")].id} | body
    responsible = payload.pop("responsible", None)
    if responsible == "inspector":
        payload["responsible_user_id"] = story.member.id
    elif responsible:
        payload["responsible_user_id"] = story.heads[
            "linhson" if responsible is True else responsible
        ].id
    if "due_days" in payload:
        payload["due_at"] = (now + timedelta(days=payload.pop("due_days"))).isoformat()
    response = client.post(
        f"{API}/{inspection['id']}/conclusions",
        json=payload,
        headers=bearer(settings, story.leader),
    )
    assert response.status_code == 422, response.text
    assert _count(session, InspectionConclusion) == 0
    assert _count(session, CaseEvent) == 0


def test_conclusion_on_a_stale_version_is_409_and_writes_nothing(
    client, settings, session, story, now
):
    inspection = _plan(client, settings, story, now)
    road = story.cases["road"]
    seen = road.version
    # The commune's head acts on the case after the team read the agenda.
    head = story.heads["linhson"]
    lifecycle.apply(
        session=session,
        case=road,
        action="assign",
        actor=head,
        now=now,
        base_url=settings.base_url,
        assignee_id=head.id,
    )
    session.commit()
    events = _count(session, CaseEvent)
    url = f"{API}/{inspection['id']}/conclusions"
    body = {"case_id": road.id, "outcome": "closed", "text": "Kết thúc", "version": seen}
    response = client.post(url, json=body, headers=bearer(settings, story.leader))
    assert response.status_code == 409, response.text
    assert _count(session, InspectionConclusion) == 0
    assert _count(session, CaseEvent) == events
    body["version"] = seen + 1  # read again: the conclusion goes through
    response = client.post(url, json=body, headers=bearer(settings, story.leader))
    assert response.status_code == 201, response.text


def test_resolved_case_is_closed_and_closed_case_reopened_by_directive(
    client, settings, session, story, now
):
    inspection = _plan(client, settings, story, now)
    leader = bearer(settings, story.leader)
    answered = story.cases["answered"]
    body = {"case_id": answered.id, "outcome": "closed", "text": "Đã trả lời công dân"}
    response = client.post(f"{API}/{inspection['id']}/conclusions", json=body, headers=leader)
    assert response.status_code == 201, response.text
    session.refresh(answered)
    assert answered.status == CaseStatus.closed

    # A later inspection finds the answer insufficient: the directive reopens the case.
    second = _plan(client, settings, story, now)
    due_at = now + timedelta(days=20)
    body = {
        "case_id": answered.id,
        "outcome": "directive",
        "text": "Xem xét lại, trả lời đầy đủ",
        "responsible_user_id": story.heads["phuctriu"].id,
        "due_at": due_at.isoformat(),
    }
    response = client.post(f"{API}/{second['id']}/conclusions", json=body, headers=leader)
    assert response.status_code == 201, response.text
    session.refresh(answered)
    assert (answered.status, answered.due_at, answered.closed_at) == ("accepted", due_at, None)
    assert now < schedule.next_action_at(session=session, case_id=answered.id) <= due_at


def test_measures_and_their_tracking(client, settings, session, story, now):
    inspection = _plan(client, settings, story, now)
    url = f"{API}/{inspection['id']}"
    leader = bearer(settings, story.leader)
    a = story.agencies
    measures = [
        ({"agency_id": a["linhson"].id}, "responsibility_review", None),
        ({"agency_id": a["chochu"].id}, "explanation_report", now + timedelta(days=10)),
        ({"agency_id": a["phuctriu"].id}, "reminder", None),
        ({"user_id": story.heads["chochu"].id}, "discipline", None),
    ]
    ids = []
    for target, kind, due_at in measures:
        body = {"target": target, "measure": kind, "text": "Theo kết luận của Đoàn"}
        if due_at:
            body["due_at"] = due_at.isoformat()
        response = client.post(f"{url}/measures", json=body, headers=leader)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    client.app.dependency_overrides[utcnow] = lambda: now + timedelta(days=11)
    counts = {
        m["measure"]: m for m in client.get(f"{url}/report", headers=leader).json()["measures"]
    }
    assert counts["explanation_report"] == {
        "measure": "explanation_report",
        "count": 1,
        "done": 0,
        "overdue": 1,
    }
    assert counts["discipline"]["count"] == 1
    response = client.post(f"{url}/measures/{ids[1]}/done", headers=leader)
    assert response.status_code == 200, response.text
    assert client.post(f"{url}/measures/{ids[1]}/done", headers=leader).status_code == 409
    counts = {
        m["measure"]: m for m in client.get(f"{url}/report", headers=leader).json()["measures"]
    }
    assert (counts["explanation_report"]["done"], counts["explanation_report"]["overdue"]) == (1, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"target": {}, "measure": "reminder", "text": "x"},
        {"target": {"agency_id": 1, "user_id": 1}, "measure": "reminder", "text": "x"},
        {"target": {"agency": "linhson"}, "measure": "explanation_report", "text": "x"},
        {"target": {"agency": "linhson"}, "measure": "warning", "text": "x"},
        {"target": {"agency": "stc"}, "measure": "reminder", "text": "x"},  # outside scope
        {"target": {"agency_id": 999999}, "measure": "reminder", "text": "x"},
        {"target": {"user_id": 999999}, "measure": "reminder", "text": "x"},
    ],
)
def test_bad_measure_is_422_and_writes_nothing(client, settings, session, story, now, body):
    inspection = _plan(client, settings, story, now)
    if "agency" in body["target"]:
        body["target"] = {"agency_id": story.agencies[body["target"]["agency"]].id}
    response = client.post(
        f"{API}/{inspection['id']}/measures", json=body, headers=bearer(settings, story.leader)
    )
    assert response.status_code == 422, response.text
    assert _count(session, InspectionMeasure) == 0


def test_agenda_as_csv_and_print_view(client, settings, story, now):
    inspection = _plan(client, settings, story, now, title="Kiểm tra <đột xuất>")
    url = f"{API}/{inspection['id']}/agenda"
    leader = bearer(settings, story.leader)

    response = client.get(url, params={"format": "csv"}, headers=leader)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][1] == "Mã hồ sơ / Code"
    assert [row[3] for row in rows[1:]] == [
        "Trần Quang Toàn",
        "17 hộ dân thị trấn Chợ Chu",
        "Bùi Thị Thanh",
        "Các hộ dân xóm Nam Sơn",
    ]
    assert rows[1][6] == "12/05/2014"

    page = client.get(url, params={"format": "html"}, headers=leader)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Nguyễn Văn Hiển (Trưởng đoàn)" in page.text
    assert "Kiểm tra &lt;đột xuất&gt;" in page.text  # escaped, not markup
    assert page.text.index("Trần Quang Toàn") < page.text.index("Bùi Thị Thanh")
    assert client.get(url, params={"format": "pdf"}, headers=leader).status_code == 422


def test_printed_agenda_is_in_vietnamese_from_the_catalogue(client, settings, story, now):
    inspection = _plan(client, settings, story, now)
    url = f"{API}/{inspection['id']}/agenda?format=html&lang=en"
    page = client.get(url, headers=bearer(settings, story.leader)).text
    assert "<h1>Danh sách vụ việc tồn đọng</h1>" in page
    assert "<th>Số ngày quá hạn</th>" in page and "TRƯỞNG ĐOÀN KIỂM TRA" in page
    assert "(Trưởng đoàn)" in page and "Days overdue" not in page
