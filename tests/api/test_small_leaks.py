"""Issue 13, item 9: LIKE wildcards are plain characters in searches; a conclusion's error
does not name a case outside the inspection."""

from api.deps import utcnow
from models import Role
from tests.factories import auth, make_agency, make_user
from tests.inspection_factories import at, bearer, make_case


def test_percent_and_underscore_match_only_themselves(client, session, now):
    agency = make_agency(session)
    make_case(session, agency, title="Giảm 50% phí trước bạ", received_at=at(2026, 1, 5))
    make_case(session, agency, title="Đường vào xóm Nam Sơn", received_at=at(2026, 1, 6))
    make_case(session, agency, title="Mã số thue_ca_nhan sai", received_at=at(2026, 1, 7))
    headers = auth(client, make_user(session, Role.officer, agency))
    client.app.dependency_overrides[utcnow] = lambda: now

    def titles(q: str) -> list[str]:
        response = client.get("/api/v1/cases", params={"q": q}, headers=headers)
        assert response.status_code == 200
        return sorted(item["title"] for item in response.json()["items"])

    assert titles("%") == ["Giảm 50% phí trước bạ"]
    assert titles("_") == ["Mã số thue_ca_nhan sai"]
    assert titles("nam s") == ["Đường vào xóm Nam Sơn"]


def test_conclusion_error_does_not_name_a_foreign_case(client, settings, session, story, now):
    client.app.dependency_overrides[utcnow] = lambda: now
    leader = bearer(settings, story.leader)
    body = {
        "agency_id": story.agencies["dinhhoa"].id,
        "include_subtree": True,
        "title": "Kiểm tra",
        "meeting_at": now.isoformat(),
        "member_ids": [story.leader.id],
    }
    inspection = client.post("/api/v1/inspections", json=body, headers=leader).json()
    foreign = story.cases["cantho"]
    response = client.post(
        f"/api/v1/inspections/{inspection['id']}/conclusions",
        json={"case_id": foreign.id, "outcome": "closed", "text": "Đóng"},
        headers=leader,
    )
    assert response.status_code == 422
    assert foreign.code not in response.text
