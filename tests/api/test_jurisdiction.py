"""Issue 13, item 1: an inspector plans only inside their jurisdiction, a head only a
self-inspection of their own subtree; nobody widens their own access."""

import pytest
from sqlmodel import func, select

from api.deps import utcnow
from models import Inspection, InspectionMember, Role
from tests.inspection_factories import bearer, person

API = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def _clock(client, now):
    client.app.dependency_overrides[utcnow] = lambda: now


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _body(story, now, agency: str, members, **extra) -> dict:
    return {
        "agency_id": story.agencies[agency].id,
        "include_subtree": True,
        "title": "Kiểm tra công vụ",
        "kind": "planned",
        "meeting_at": now.isoformat(),
        "member_ids": [m.id for m in members],
    } | extra


def test_can_tho_inspector_cannot_plan_thai_nguyen(client, settings, session, story, now):
    """The exact attack: with include_subtree, the whole other province; refused, nothing
    written, and the inspector still cannot read its cases."""
    can_tho = person(session, Role.inspector, story.agencies["stc"], "Thanh tra Cần Thơ")
    body = _body(story, now, "tinh", [can_tho])
    response = client.post(API, json=body, headers=bearer(settings, can_tho))
    assert response.status_code == 403, response.text
    assert "jurisdiction" in response.json()["detail"]
    assert _count(session, Inspection) == 0 and _count(session, InspectionMember) == 0
    case = story.cases["thanh"]
    response = client.get(f"/api/v1/cases/{case.id}", headers=bearer(settings, can_tho))
    assert response.status_code == 404


def test_foreign_head_cannot_be_added_as_member(client, settings, session, story, now):
    can_tho = person(session, Role.inspector, story.agencies["stc"], "Thanh tra Cần Thơ")
    can_tho_head = person(session, Role.head, story.agencies["stc"], "Giám đốc", head=True)
    # Inside Cần Thơ the plan itself is fine; a Thái Nguyên head on the team is not…
    body = _body(story, now, "cantho", [can_tho, story.heads["tp"]])
    response = client.post(API, json=body, headers=bearer(settings, can_tho))
    assert response.status_code == 403
    assert "outside your jurisdiction" in response.json()["detail"]
    # …nor is a Cần Thơ head on a Thái Nguyên team.
    body = _body(story, now, "tinh", [story.leader, can_tho_head])
    response = client.post(API, json=body, headers=bearer(settings, story.leader))
    assert response.status_code == 403
    assert _count(session, Inspection) == 0
    body = _body(story, now, "cantho", [can_tho, can_tho_head])
    assert client.post(API, json=body, headers=bearer(settings, can_tho)).status_code == 201


def test_an_administrator_sets_another_jurisdiction(client, settings, session, story, now):
    """An inspectorate's jurisdiction narrowed to one district: the province is refused."""
    inspector = person(session, Role.inspector, story.agencies["snv"], "Thanh tra huyện")
    inspector.jurisdiction_agency_id = story.agencies["dinhhoa"].id
    session.add(inspector)
    session.commit()
    headers = bearer(settings, inspector)
    response = client.post(API, json=_body(story, now, "tinh", [inspector]), headers=headers)
    assert response.status_code == 403
    response = client.post(API, json=_body(story, now, "chochu", [inspector]), headers=headers)
    assert response.status_code == 201, response.text


def test_a_head_plans_a_self_inspection_of_their_subtree_only(
    client, settings, session, story, now
):
    head = story.heads["tp"]
    headers = bearer(settings, head)
    own = _body(story, now, "tp", [head], kind="self_inspection")
    assert client.post(API, json=own, headers=headers).status_code == 201
    above = _body(story, now, "tinh", [head], kind="self_inspection")
    assert client.post(API, json=above, headers=headers).status_code == 403
    sibling = _body(story, now, "dinhhoa", [head], kind="self_inspection")
    assert client.post(API, json=sibling, headers=headers).status_code == 403
    planned = _body(story, now, "tp", [head], kind="planned")
    assert client.post(API, json=planned, headers=headers).status_code == 403
    outsider = _body(story, now, "tp", [head, story.heads["dinhhoa"]], kind="self_inspection")
    assert client.post(API, json=outsider, headers=headers).status_code == 403
    assert _count(session, Inspection) == 1
