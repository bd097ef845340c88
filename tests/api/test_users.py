"""Users: one of each role, admin-only, bad input writes nothing."""

import pytest
from sqlmodel import func, select

from models import Role, User
from tests.factories import PASSWORD, auth, make_agency, make_user


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_admin_creates_user_with_each_role_who_can_sign_in(client, session, role):
    admin = auth(client, make_user(session, Role.admin, username="root"))
    agency = make_agency(session)
    response = client.post(
        "/api/v1/users",
        json={
            "username": f"nv_{role}",
            "password": PASSWORD,
            "full_name": "Nguyễn Thị Hoa",
            "email": f"{role}@thainguyen.gov.vn",
            "role": role,
            "agency_id": agency.id,
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["role"] == role and body["full_name"] == "Nguyễn Thị Hoa"
    assert "password" not in body and "password_hash" not in body
    stored = session.exec(select(User).where(User.username == f"nv_{role}")).one()
    assert stored.password_hash.startswith("$argon2")
    signed_in = client.post(
        "/api/v1/auth/token", data={"username": f"nv_{role}", "password": PASSWORD}
    )
    assert signed_in.status_code == 200


def test_clerk_cannot_create_users(client, session):
    agency = make_agency(session)
    clerk = auth(client, make_user(session, Role.clerk, agency))
    response = client.post(
        "/api/v1/users",
        json={
            "username": "x1",
            "password": PASSWORD,
            "full_name": "X",
            "email": "x@a.vn",
            "role": "admin",
        },
        headers=clerk,
    )
    assert response.status_code == 403
    assert client.get("/api/v1/users", headers=clerk).status_code == 403
    assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_duplicate_username_is_409(client, session):
    admin_user = make_user(session, Role.admin, username="root")
    admin = auth(client, admin_user)
    response = client.post(
        "/api/v1/users",
        json={
            "username": "root",
            "password": PASSWORD,
            "full_name": "X",
            "email": "x@a.vn",
            "role": "inspector",
        },
        headers=admin,
    )
    assert response.status_code == 409


GOOD = {
    "username": "nv1",
    "password": PASSWORD,
    "full_name": "Trần Văn A",
    "email": "a@ubnd.gov.vn",
    "role": "inspector",
}


@pytest.mark.parametrize(
    "change",
    [
        {"username": ""},
        {"username": "có dấu"},
        {"password": "short"},
        {"email": "nope"},
        {"role": "mayor"},
        {"full_name": ""},
        {"agency_id": 999999},
        {"role": "officer"},  # an officer must belong to an agency
        {"agency_id": "one"},
    ],
)
def test_bad_user_input_is_422_and_writes_nothing(client, session, change):
    admin = auth(client, make_user(session, Role.admin, username="root"))
    response = client.post("/api/v1/users", json=GOOD | change, headers=admin)
    assert response.status_code == 422, response.text
    assert session.exec(select(func.count()).select_from(User)).one() == 1
