"""Agency trees of any depth, admin-only writes, and no cycles."""

import pytest
from sqlmodel import func, select

from models import Agency, Role
from tests.factories import auth, make_agency, make_user
from workflows.org import agencies


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5])
def test_tree_of_any_depth(client, session, depth):
    admin = auth(client, make_user(session, Role.admin))
    parent_id = None
    ids = []
    for level in range(depth):
        response = client.post(
            "/api/v1/agencies",
            json={"name": f"Cấp {level + 1}", "parent_id": parent_id},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        parent_id = response.json()["id"]
        ids.append(parent_id)
    assert agencies.subtree_ids(session=session, agency_id=ids[0]) == ids
    chain = agencies.ancestors(session=session, agency_id=ids[-1])
    assert [a.id for a in chain] == list(reversed(ids[:-1]))


def test_any_signed_in_user_reads_agencies(client, session):
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    clerk = auth(client, make_user(session, Role.clerk, province))
    response = client.get(f"/api/v1/agencies/{province.id}", headers=clerk)
    assert response.status_code == 200
    assert response.json()["name"] == "UBND tỉnh Thái Nguyên"
    assert [a["id"] for a in client.get("/api/v1/agencies", headers=clerk).json()] == [province.id]


def test_clerk_cannot_create_agency(client, session):
    clerk = auth(client, make_user(session, Role.clerk, make_agency(session)))
    response = client.post("/api/v1/agencies", json={"name": "X"}, headers=clerk)
    assert response.status_code == 403
    assert session.exec(select(func.count()).select_from(Agency)).one() == 1


def test_patch_sets_head_and_moves_agency(client, session):
    admin = auth(client, make_user(session, Role.admin))
    old_parent, new_parent = make_agency(session), make_agency(session)
    agency = make_agency(session, parent=old_parent)
    head = make_user(session, Role.head, agency)
    response = client.patch(
        f"/api/v1/agencies/{agency.id}",
        json={"parent_id": new_parent.id, "head_user_id": head.id, "email": "vp@ubnd.gov.vn"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["parent_id"] == new_parent.id
    assert response.json()["head_user_id"] == head.id


def test_moving_an_agency_below_itself_is_422_and_changes_nothing(client, session):
    admin = auth(client, make_user(session, Role.admin))
    top = make_agency(session)
    child = make_agency(session, parent=top)
    grandchild = make_agency(session, parent=child)
    response = client.patch(
        f"/api/v1/agencies/{top.id}", json={"parent_id": grandchild.id}, headers=admin
    )
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Agency, top.id).parent_id is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": 5},
        {"name": "X", "parent_id": "abc"},
        {"name": "X", "parent_id": 999999},
        {"name": "X", "email": "not an email"},
        {"name": "X", "head_user_id": 999999},
        {"name": "x" * 300},
        {"name": "Sở\x00"},  # PostgreSQL cannot store a NUL: was a 500 there
    ],
)
def test_bad_agency_input_is_422_and_writes_nothing(client, session, body):
    admin = auth(client, make_user(session, Role.admin))
    response = client.post("/api/v1/agencies", json=body, headers=admin)
    assert response.status_code == 422
    assert "detail" in response.json()
    assert session.exec(select(func.count()).select_from(Agency)).one() == 0


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"name": None}, {"parent_id": 999999}, {"email": "@@"}, {"name": "S\x00"}],
)
def test_bad_agency_patch_is_422_and_changes_nothing(client, session, body):
    admin = auth(client, make_user(session, Role.admin))
    agency = make_agency(session, "Sở Tư pháp")
    response = client.patch(f"/api/v1/agencies/{agency.id}", json=body, headers=admin)
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Agency, agency.id).name == "Sở Tư pháp"


def test_unknown_agency_is_404(client, session):
    admin = auth(client, make_user(session, Role.admin))
    assert client.get("/api/v1/agencies/424242", headers=admin).status_code == 404
    assert client.get("/api/v1/agencies/abc", headers=admin).status_code == 422
