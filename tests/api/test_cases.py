"""The case endpoints of the HTTP contract."""

import pytest
from sqlmodel import func, select

from api.deps import utcnow
from models import Case, CaseEvent, CodeCounter, Role
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_head, make_user, session_token

NOW = at("2026-03-02")


@pytest.fixture
def auth(settings):
    """Bearer headers signed with the real clock (the app's clock is frozen at NOW)."""

    def headers(_client, user):
        token = session_token(settings, user)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def desk(client, session, auth):
    client.app.dependency_overrides[utcnow] = lambda: NOW
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    commune = make_agency(session, "UBND xã Tân Cương", parent=province)
    officer = make_user(session, Role.officer, commune)
    return {
        "province": province,
        "commune": commune,
        "officer": officer,
        "h_officer": auth(client, officer),
        "h_clerk": auth(client, make_user(session, Role.clerk, commune)),
    }


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def post_case(client, desk, headers=None, **overrides):
    return client.post(
        "/api/v1/cases",
        json=case_body(desk["commune"], **overrides),
        headers={**desk["h_clerk"], **(headers or {})},
    )


def test_intake_gives_a_code_and_the_acceptance_deadline(client, desk):
    response = post_case(client, desk)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"] == "KN-2026-000001"
    assert body["status"] == "received" and body["version"] == 1
    # Received Mon 02/03/2026: 10 working days = Mon 16/03/2026; the deadline ends at 24:00
    # local (Civil Code Art. 148.6), stored as its last instant, 16:59:59.999999 UTC.
    assert body["due_at"].startswith("2026-03-16T16:59:59.999999")
    assert post_case(client, desk, kind="dossier").json()["code"] == "HS-2026-000001"
    assert post_case(client, desk).json()["code"] == "KN-2026-000002"


def test_backlog_intake_is_overdue_at_once(client, desk):
    response = post_case(client, desk, received_at="2019-06-03T09:00:00+07:00")
    assert response.status_code == 201, response.text
    assert response.json()["overdue"] is True
    listed = client.get("/api/v1/cases?overdue=true", headers=desk["h_officer"]).json()
    assert [c["id"] for c in listed["items"]] == [response.json()["id"]]


def test_idempotency_key_returns_the_first_case(client, session, desk, auth):
    key = {"Idempotency-Key": "a2c1f0d6-retry"}
    body = case_body(desk["commune"])
    first = client.post("/api/v1/cases", json=body, headers={**desk["h_clerk"], **key})
    again = client.post("/api/v1/cases", json=body, headers={**desk["h_clerk"], **key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = client.post(
        "/api/v1/cases", json={**body, "title": "Khác"}, headers={**desk["h_clerk"], **key}
    )
    assert other.status_code == 422
    someone_else = auth(client, make_user(session, Role.clerk, desk["commune"]))
    replayed = client.post("/api/v1/cases", json=body, headers={**someone_else, **key})
    assert replayed.status_code == 422  # a key never hands one user's case to another
    assert count(session, Case) == 1


def test_duplicate_hint_ignores_diacritics(client, desk):
    first = post_case(client, desk, citizen={"name": "Lê Thị Bình", "phone": "0987 654 321"})
    second = post_case(
        client,
        desk,
        title="cham cap giay chung nhan quyen su dung dat",
        citizen={"name": "Le Thi Binh", "phone": "0987.654.321"},
    )
    hints = second.json()["possible_duplicates"]
    assert [h["code"] for h in hints] == [first.json()["code"]]
    unrelated = post_case(
        client, desk, title="Đường bị lấn chiếm", citizen={"name": "Bình", "phone": "0987654321"}
    )
    assert unrelated.json()["possible_duplicates"] == []


def test_scope_officer_head_and_inspector(client, session, desk, auth):
    case_id = post_case(client, desk).json()["id"]
    elsewhere = make_agency(session, "UBND xã khác")
    stranger = auth(client, make_user(session, Role.officer, elsewhere))
    head = auth(client, make_head(session, desk["province"]))
    inspector = auth(client, make_user(session, Role.inspector))
    assert client.get(f"/api/v1/cases/{case_id}", headers=desk["h_officer"]).status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}", headers=head).status_code == 200
    for headers in (stranger, inspector):
        assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 404
        assert client.get("/api/v1/cases", headers=headers).json()["total"] == 0
    assert client.get("/api/v1/cases", headers=head).json()["total"] == 1


def test_list_filters_and_pagination(client, desk):
    for n in range(5):
        post_case(client, desk, title=f"Đơn số {n}", kind="petition" if n % 2 else "complaint")
    page = client.get("/api/v1/cases?limit=2&offset=0&kind=complaint", headers=desk["h_officer"])
    assert page.status_code == 200
    assert (page.json()["total"], len(page.json()["items"])) == (3, 2)
    found = client.get("/api/v1/cases?q=số 3", headers=desk["h_officer"]).json()
    assert [c["title"] for c in found["items"]] == ["Đơn số 3"]
    # Vietnamese letters match whatever their case, on SQLite as on PostgreSQL.
    found = client.get("/api/v1/cases?q=ĐƠN SỐ 3", headers=desk["h_officer"]).json()
    assert [c["title"] for c in found["items"]] == ["Đơn số 3"]
    none = client.get(
        "/api/v1/cases?received_before=2026-01-01T00:00:00Z", headers=desk["h_officer"]
    ).json()
    assert none["total"] == 0


def test_actions_over_http_with_versions(client, session, desk):
    case = post_case(client, desk).json()
    url = f"/api/v1/cases/{case['id']}/actions"
    ok = client.post(f"{url}/accept", json={"version": 1}, headers=desk["h_officer"])
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["version"]) == ("accepted", 2)
    assert (
        client.post(
            f"{url}/resolve", json={"version": 1, "answer": "x"}, headers=desk["h_officer"]
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"{url}/decline", json={"version": 2, "reason": "x"}, headers=desk["h_officer"]
        ).status_code
        == 422
    )
    assert (
        client.post(f"{url}/withdraw", json={"version": 2}, headers=desk["h_officer"]).status_code
        == 422
    )
    assert (
        client.post(f"{url}/conclude", json={"version": 2}, headers=desk["h_officer"]).status_code
        == 404
    )
    assert (
        client.post(f"{url}/accept", json={"version": 2}, headers=desk["h_clerk"]).status_code
        == 403
    )  # a clerk never accepts
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=desk["h_officer"]).json()
    assert [(e["action"], e["to_status"]) for e in events] == [
        ("receive", "received"),
        ("accept", "accepted"),
    ]
    assert session.get(Case, case["id"]).version == 2


def test_deadline_explained_in_vietnamese_and_english(client, desk):
    case = post_case(client, desk, received_at="2026-02-12T09:00:00+07:00").json()
    url = f"/api/v1/cases/{case['id']}/deadline"
    vi = client.get(url, headers=desk["h_officer"]).json()
    assert vi["policy"]["version"] == "complaint-2011.1"
    assert vi["days_counted"] == 10 and vi["last_day"] == "2026-03-05"
    assert "Tết Nguyên Đán" in vi["text"] and "hết ngày 05/03/2026 (24 giờ 00" in vi["text"]
    assert {"date": "2026-02-14", "reason": "thứ Bảy"} in vi["skipped_days"]
    en = client.get(url + "?lang=en", headers=desk["h_officer"]).json()
    assert "Due: the end of 05/03/2026 (24:00" in en["text"] and "Lunar New Year" in en["text"]
    assert client.get(url + "?lang=fr", headers=desk["h_officer"]).status_code == 422


def test_public_look_up_needs_code_and_phone_digits(client, desk):
    case = post_case(client, desk, citizen={"name": "Trần Văn C", "phone": "0912 345 678"}).json()
    ok = client.get(f"/api/v1/public/cases/{case['code']}?phone_last4=5678")
    assert ok.status_code == 200
    assert ok.json()["agency_name"] == "UBND xã Tân Cương"
    # Neither the name nor the phone in any field (the instants' digits may hold anything).
    shown = [str(v) for k, v in ok.json().items() if not k.endswith("_at")]
    assert not [text for text in shown if "Trần" in text or "0912" in text]
    wrong_digits = client.get(f"/api/v1/public/cases/{case['code']}?phone_last4=0000")
    wrong_code = client.get("/api/v1/public/cases/KN-2026-999999?phone_last4=5678")
    not_a_code = client.get("/api/v1/public/cases/KN-2026%00?phone_last4=5678")
    assert wrong_digits.status_code == wrong_code.status_code == not_a_code.status_code == 404
    assert wrong_digits.json() == wrong_code.json() == not_a_code.json()


BAD_INTAKES = [
    {},
    {"kind": "lawsuit"},
    {"title": ""},
    {"channel": "fax"},
    {"citizen": {"name": ""}},
    {"citizen": {"name": "A", "phone": "abc"}},
    {"agency_id": 999999},
    {"agency_id": "x"},
    {"agency_id": 2**31},  # no INTEGER column on PostgreSQL holds it
    {"agency_id": 2**63},  # nor SQLite's
    {"received_at": "2030-01-01T00:00:00Z"},
    {"received_at": "2026-01-01T00:00:00"},
    {"received_at": "0001-01-01T00:00:00+07:00"},  # before year 1 in UTC: was a 500
    {"title": "Đơn\x00"},  # PostgreSQL cannot store a NUL: was a 500 there
    {"citizen": {"name": "A\x00"}},
    {"complexity": "very"},
]


@pytest.mark.parametrize("overrides", BAD_INTAKES)
def test_bad_intake_is_422_and_writes_nothing(client, session, desk, overrides):
    body = case_body(desk["commune"], **overrides) if overrides else {}
    response = client.post("/api/v1/cases", json=body, headers=desk["h_clerk"])
    assert response.status_code == 422, response.text
    assert (count(session, Case), count(session, CaseEvent), count(session, CodeCounter)) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "kind=x",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "offset=9223372036854775808",
        "agency_id=2147483648",
        "overdue=maybe",
        "received_before=yesterday",
        "received_after=2026-01-01T00:00:00",
        "received_before=9999-12-31T23:00:00-05:00",  # after year 9999 in UTC: was a 500
        "q=a%00b",  # PostgreSQL cannot compare text holding a NUL: was a 500 there
    ],
)
def test_bad_list_query_is_422(client, desk, query):
    assert client.get(f"/api/v1/cases?{query}", headers=desk["h_officer"]).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"version": "1"},
        {"version": 0},
        {"version": True},
        {"version": 2**31},
        {"version": 1, "note": "\x00"},
        [],
        {"version": 1, "note": 5},
        {"version": 1, "reason": "x"},
    ],
)
def test_bad_action_body_is_422_and_writes_nothing(client, session, desk, body):
    case = post_case(client, desk).json()
    response = client.post(
        f"/api/v1/cases/{case['id']}/actions/accept", json=body, headers=desk["h_officer"]
    )
    assert response.status_code == 422, response.text
    stored = session.get(Case, case["id"])
    assert (stored.status, stored.version, count(session, CaseEvent)) == ("received", 1, 1)


@pytest.mark.parametrize("case_id", [0, 2**31, 2**63, -(2**63) - 1])
@pytest.mark.parametrize("path", ["", "/events", "/deadline"])
def test_case_id_no_column_can_hold_is_422(client, desk, case_id, path):
    response = client.get(f"/api/v1/cases/{case_id}{path}", headers=desk["h_officer"])
    assert response.status_code == 422, response.text


def test_public_look_up_rejects_malformed_digits(client):
    assert client.get("/api/v1/public/cases/KN-2026-000001?phone_last4=12a4").status_code == 422
    assert client.get("/api/v1/public/cases/KN-2026-000001").status_code == 422
