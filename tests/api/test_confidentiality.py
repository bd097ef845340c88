"""A denouncer's identity (Luật Tố cáo 2018 Art. 47-48): shown to the assignee, the head of the
resolving agency and administrators, recorded as an event; masked for everyone else on every
surface (JSON, lists, search, exports, agenda, pages, emails)."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from api.deps import TOKEN_COOKIE, utcnow
from models import Agency, Case, CaseEvent, Role, User
from tests.factories import make_agency, make_head, make_user, session_token
from workflows.cases.confidentiality import HIDDEN

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Mon 02/03/2026 09:00 in Hà Nội
NAME, PHONE = "Lê Thị Tố Giác", "0987 654 321"
CODE, CITIZEN = "Mã hồ sơ / Code", "Công dân / Citizen"  # columns of the case exports
ADDRESS, ID_NUMBER, EMAIL = "Số 5 ngõ 12, phường Quang Trung", "001234567890", "to.giac@example.vn"
ALLOWED = ("assignee", "head", "admin")
MASKED = ("inspector", "officer", "clerk", "parent_head", "other_head")


@dataclass
class Scene:
    province: Agency
    commune: Agency
    users: dict[str, User]
    case_id: int
    complaint_id: int
    inspection_id: int
    baseline: int  # the last event of the setup (the head's assign answer showed the case)


def _headers(settings, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {session_token(settings, user)}"}


@pytest.fixture
def scene(client, session, settings) -> Scene:
    # Registered and assigned the day before the tests read it (showings are counted per day).
    client.app.dependency_overrides[utcnow] = lambda: NOW - timedelta(days=1)
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    commune = make_agency(session, "UBND xã Phúc Trìu", parent=province)
    snv = make_agency(session, "Sở Nội vụ tỉnh Thái Nguyên", parent=province)
    neighbour = make_agency(session, "UBND xã Linh Sơn", parent=province)
    users = {
        "clerk": make_user(session, Role.clerk, commune),
        "assignee": make_user(session, Role.officer, commune),
        "officer": make_user(session, Role.officer, commune),
        "head": make_head(session, commune),
        "parent_head": make_head(session, province),
        "other_head": make_head(session, neighbour),
        "inspector": make_user(session, Role.inspector, snv),
        "admin": make_user(session, Role.admin),
    }
    h = {key: _headers(settings, user) for key, user in users.items()}
    body = {
        "kind": "denunciation",
        "title": "Tố cáo cán bộ địa chính nhận tiền",
        "description": "Cán bộ địa chính xã đòi tiền để làm nhanh hồ sơ.",
        "channel": "in_person",
        "citizen": {
            "name": NAME,
            "phone": PHONE,
            "address": ADDRESS,
            "id_number": ID_NUMBER,
            "email": EMAIL,
        },
        "agency_id": commune.id,
    }
    created = client.post("/api/v1/cases", json=body, headers=h["clerk"])
    assert created.status_code == 201, created.text
    # The desk necessarily sees what it typed, in the answer to its own request.
    assert created.json()["citizen"]["name"] == NAME
    case = created.json()
    assigned = client.post(
        f"/api/v1/cases/{case['id']}/actions/assign",
        json={"version": case["version"], "assignee_id": users["assignee"].id},
        headers=h["head"],
    )
    assert assigned.status_code == 200, assigned.text
    complaint = client.post(
        "/api/v1/cases",
        json=body | {"kind": "complaint", "citizen": {"name": "Phạm Văn Khiếu", "phone": PHONE}},
        headers=h["clerk"],
    ).json()
    inspection = client.post(
        "/api/v1/inspections",
        json={
            "agency_id": commune.id,
            "title": "Kiểm tra công vụ xã Phúc Trìu",
            "meeting_at": (NOW + timedelta(days=7)).isoformat(),
            "member_ids": [users["inspector"].id],
        },
        headers=h["inspector"],
    )
    assert inspection.status_code == 201, inspection.text
    baseline = session.exec(select(func.max(CaseEvent.id))).one()
    client.app.dependency_overrides[utcnow] = lambda: NOW
    return Scene(
        province, commune, users, case["id"], complaint["id"], inspection.json()["id"], baseline
    )


def _shown_events(session, scene: Scene, case_id: int | None = None) -> list[CaseEvent]:
    """The identity_shown events of the test itself (after the scene's setup)."""
    return list(
        session.exec(
            select(CaseEvent)
            .where(
                CaseEvent.case_id == (case_id or scene.case_id),
                CaseEvent.action == "identity_shown",
                CaseEvent.id > scene.baseline,
            )
            .order_by(CaseEvent.id)
        )
    )


def _leaks(text: str) -> bool:
    return any(value in text for value in (NAME, PHONE, ADDRESS, ID_NUMBER, EMAIL))


@pytest.mark.parametrize("reader", ALLOWED + MASKED)
def test_case_json_shows_the_denouncer_only_to_those_allowed(
    client, session, settings, scene, reader
):
    user = scene.users[reader]
    headers = _headers(settings, user)
    if reader == "other_head":  # outside the case's scope altogether: not even found
        assert client.get(f"/api/v1/cases/{scene.case_id}", headers=headers).status_code == 404
        return
    # An inspector reads the cases of the inspection they sit on, a parent head the subtree.
    response = client.get(f"/api/v1/cases/{scene.case_id}", headers=headers)
    assert response.status_code == 200, response.text
    citizen = response.json()["citizen"]
    events = _shown_events(session, scene)
    if reader in ALLOWED:
        assert citizen == {
            "name": NAME,
            "phone": PHONE,
            "email": EMAIL,
            "address": ADDRESS,
            "id_number": ID_NUMBER,
        }
        assert response.json()["identity_hidden"] is False
        assert [(e.actor_id, e.data["where"]) for e in events] == [(user.id, "api")]
    else:
        assert citizen == {
            "name": HIDDEN["vi"],
            "phone": None,
            "email": None,
            "address": None,
            "id_number": None,
        }
        assert response.json()["identity_hidden"] is True
        assert events == []
    # A complaint's citizen is no secret: shown to every reader of the case, no event.
    complaint = client.get(f"/api/v1/cases/{scene.complaint_id}", headers=headers).json()
    assert complaint["citizen"]["name"] == "Phạm Văn Khiếu"
    assert _shown_events(session, scene, scene.complaint_id) == []


def test_one_event_per_reader_per_local_day(client, session, settings, scene):
    headers = _headers(settings, scene.users["assignee"])
    url = f"/api/v1/cases/{scene.case_id}"
    for _ in range(3):
        assert client.get(url, headers=headers).json()["citizen"]["name"] == NAME
    client.get("/api/v1/cases", headers=headers)
    assert len(_shown_events(session, scene)) == 1
    # 23:59 the same day in Hà Nội is still the same day; 00:01 the next day is another.
    client.app.dependency_overrides[utcnow] = lambda: datetime(2026, 3, 2, 16, 59, tzinfo=UTC)
    client.get(url, headers=headers)
    assert len(_shown_events(session, scene)) == 1
    client.app.dependency_overrides[utcnow] = lambda: datetime(2026, 3, 2, 17, 1, tzinfo=UTC)
    client.get(url, headers=headers)
    client.get(url, headers=_headers(settings, scene.users["head"]))
    events = _shown_events(session, scene)
    assert [e.actor_id for e in events] == [
        scene.users["assignee"].id,
        scene.users["assignee"].id,
        scene.users["head"].id,
    ]
    # The timeline says so, in the case's history.
    history = client.get(f"{url}/events", headers=headers).json()
    shown = [e["id"] for e in history if e["action"] == "identity_shown"]
    assert shown[-3:] == [e.id for e in events]


@pytest.mark.parametrize("reader", ALLOWED + ("inspector", "officer", "clerk", "parent_head"))
def test_list_and_search_by_name_or_phone(client, session, settings, scene, reader):
    headers = _headers(settings, scene.users[reader])
    listed = client.get("/api/v1/cases", params={"kind": "denunciation"}, headers=headers).json()
    assert [c["id"] for c in listed["items"]] == [scene.case_id]
    citizen = listed["items"][0]["citizen"]
    by_name = client.get("/api/v1/cases", params={"q": "tố giác"}, headers=headers).json()
    exported = client.get(
        "/api/v1/exports/cases", params={"format": "csv", "q": "Tố Giác"}, headers=headers
    )
    client.cookies.set(TOKEN_COOKIE, _token(settings, scene, reader))
    hint = client.get("/cases/similar", params={"phone": PHONE})  # the desk's duplicate hint
    if reader in ALLOWED:
        assert citizen["name"] == NAME and citizen["phone"] == PHONE
        assert [c["id"] for c in by_name["items"]] == [scene.case_id]
        assert exported.text.count("TC-2026-") == 1
        assert "TC-2026-" in hint.text
    else:
        assert citizen["name"] == HIDDEN["vi"] and citizen["phone"] is None
        # Searching for the name must not tell which case the person denounced from.
        assert by_name["items"] == [] and by_name["total"] == 0
        assert "TC-2026-" not in exported.text
        assert "TC-2026-" not in hint.text
        # The complaint of the same phone is still found: only the denunciation is hidden.
        assert "KN-2026-" in hint.text
    assert _leaks(str(listed)) == (reader in ALLOWED)


def _token(settings, scene: Scene, reader: str) -> str:
    return session_token(settings, scene.users[reader])


@pytest.mark.parametrize("reader", ALLOWED + ("inspector", "officer", "parent_head"))
def test_exports_csv_and_xlsx(client, session, settings, scene, reader):
    headers = _headers(settings, scene.users[reader])
    response = client.get("/api/v1/exports/cases", params={"format": "csv"}, headers=headers)
    assert response.status_code == 200
    rows = {r[CODE]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    denunciation = next(r for code, r in rows.items() if code.startswith("TC-"))
    complaint = next(r for code, r in rows.items() if code.startswith("KN-"))
    assert complaint[CITIZEN] == "Phạm Văn Khiếu"
    xlsx = client.get("/api/v1/exports/cases", params={"format": "xlsx"}, headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
    if reader in ALLOWED:
        assert denunciation[CITIZEN] == NAME and NAME in cells
        assert [e.data["where"] for e in _shown_events(session, scene)] == ["export"]
    else:
        assert denunciation[CITIZEN].startswith(HIDDEN["vi"])
        assert NAME not in cells and not _leaks(response.text)
        assert _shown_events(session, scene) == []


@pytest.mark.parametrize("reader", ("inspector", "admin"))
def test_agenda_json_csv_and_print(client, session, settings, scene, reader):
    headers = _headers(settings, scene.users[reader])
    url = f"/api/v1/inspections/{scene.inspection_id}/agenda"
    items = client.get(url, headers=headers).json()["items"]
    names = {i["case_id"]: i["citizen_name"] for i in items}
    as_csv = client.get(url, params={"format": "csv"}, headers=headers).text
    printed = client.get(url, params={"format": "html"}, headers=headers).text
    client.cookies.set(TOKEN_COOKIE, _token(settings, scene, reader))
    meeting = client.get(f"/inspections/{scene.inspection_id}")  # the meeting page
    assert meeting.status_code == 200
    assert names[scene.complaint_id] == "Phạm Văn Khiếu"
    if reader == "admin":
        assert names[scene.case_id] == NAME and NAME in as_csv and NAME in printed
        assert NAME in meeting.text
        assert [e.data["where"] for e in _shown_events(session, scene)] == ["agenda"]
    else:
        assert names[scene.case_id].startswith(HIDDEN["vi"])
        assert HIDDEN["vi"] in as_csv and HIDDEN["vi"] in printed
        assert not _leaks(as_csv) and not _leaks(printed) and not _leaks(str(items))
        assert HIDDEN["vi"] in meeting.text and not _leaks(meeting.text)
        assert _shown_events(session, scene) == []


@pytest.mark.parametrize("reader", ALLOWED + ("inspector", "officer", "clerk", "parent_head"))
def test_case_page_queue_and_receipt(client, session, settings, scene, reader):
    client.cookies.set(TOKEN_COOKIE, _token(settings, scene, reader))
    page = client.get(f"/cases/{scene.case_id}")
    receipt = client.get(f"/cases/{scene.case_id}/receipt")
    assert page.status_code == 200 and receipt.status_code == 200
    if reader in ALLOWED:
        assert NAME in page.text and PHONE in page.text and ADDRESS in page.text
        assert NAME in receipt.text
        # Facts, and the citizen's receipt email in the timeline, name the denouncer.
        assert page.text.count(NAME) == 2
        assert [e.data["where"] for e in _shown_events(session, scene)] == ["page"]
    else:
        for text in (page.text, receipt.text):
            assert not _leaks(text)
        assert HIDDEN["vi"] in page.text and HIDDEN["vi"] in receipt.text
        assert _shown_events(session, scene) == []
    english = client.get(f"/cases/{scene.case_id}", params={"lang": "en"})
    assert (HIDDEN["en"].replace("'", "&#39;") in english.text) == (reader not in ALLOWED)


def test_a_new_assignee_sees_it_and_the_former_one_no_longer(client, session, settings, scene):
    head = _headers(settings, scene.users["head"])
    version = session.get(Case, scene.case_id).version
    officer = scene.users["officer"]
    moved = client.post(
        f"/api/v1/cases/{scene.case_id}/actions/assign",
        json={"version": version, "assignee_id": officer.id},
        headers=head,
    )
    assert moved.status_code == 200
    url = f"/api/v1/cases/{scene.case_id}"
    assert client.get(url, headers=_headers(settings, officer)).json()["citizen"]["name"] == NAME
    former = client.get(url, headers=_headers(settings, scene.users["assignee"])).json()
    assert former["citizen"]["name"] == HIDDEN["vi"]


@pytest.mark.parametrize("reader", ("officer", "head", "admin"))
def test_queue_of_an_unassigned_denunciation(client, session, settings, scene, reader):
    """Unassigned, the denunciation is in every officer's queue: named for the head only."""
    clerk = _headers(settings, scene.users["clerk"])
    body = {
        "kind": "denunciation",
        "title": "Tố cáo việc thu tiền sai quy định",
        "channel": "hotline",
        "citizen": {"name": "Đỗ Văn Ẩn Danh", "phone": "0911 222 333"},
        "agency_id": scene.commune.id,
    }
    assert client.post("/api/v1/cases", json=body, headers=clerk).status_code == 201
    client.cookies.set(TOKEN_COOKIE, _token(settings, scene, reader))
    queue = client.get("/queue")
    assert queue.status_code == 200 and "Tố cáo việc thu tiền sai quy định" in queue.text
    assert ("Đỗ Văn Ẩn Danh" in queue.text) == (reader != "officer")
    assert (HIDDEN["vi"] in queue.text) == (reader == "officer")
