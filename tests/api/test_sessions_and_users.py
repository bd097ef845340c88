"""Issue 13: sessions end at once (sign-out, disabling, a new password); an administrator
changes users; the password policy; sign-ins and changes are audited."""

import pytest
from sqlmodel import select

from models import Role, SecurityEvent, User
from tests.factories import PASSWORD, auth, make_agency, make_user

ME = "/api/v1/users/me"


def test_sign_out_ends_the_token_at_once(client, session):
    user = make_user(session, Role.officer, make_agency(session))
    headers = auth(client, user)
    assert client.get(ME, headers=headers).status_code == 200
    assert client.post("/api/v1/auth/sign-out", headers=headers).status_code == 204
    assert client.get(ME, headers=headers).status_code == 401
    assert client.post("/api/v1/auth/sign-out", headers=headers).status_code == 401


def test_disabling_a_user_ends_every_session(client, session):
    admin = make_user(session, Role.admin)
    user = make_user(session, Role.officer, make_agency(session))
    phone, desk = auth(client, user), auth(client, user)
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=auth(client, admin)
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get(ME, headers=phone).status_code == 401
    assert client.get(ME, headers=desk).status_code == 401
    form = {"username": user.username, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", data=form).status_code == 401


def test_password_reset_ends_sessions_and_the_new_one_works(client, session):
    admin = make_user(session, Role.admin)
    user = make_user(session, Role.clerk, make_agency(session))
    old = auth(client, user)
    new_password = "Mùa thu Hà Nội 2026"
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"password": new_password}, headers=auth(client, admin)
    )
    assert response.status_code == 200, response.text
    assert client.get(ME, headers=old).status_code == 401
    form = {"username": user.username, "password": new_password}
    assert client.post("/api/v1/auth/token", data=form).status_code == 200
    form["password"] = PASSWORD
    assert client.post("/api/v1/auth/token", data=form).status_code == 401


@pytest.mark.parametrize("password", ["short1", "1234567890", "Password123", "aaaaaaaaaaaa"])
def test_weak_passwords_are_refused(client, session, password):
    admin = make_user(session, Role.admin)
    user = make_user(session, Role.clerk, make_agency(session))
    headers = auth(client, admin)
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"password": password}, headers=headers
    )
    assert response.status_code == 422 and "password" in response.json()["detail"]
    body = {
        "username": "newclerk",
        "full_name": "Nhân viên mới",
        "email": "newclerk@example.gov.vn",
        "role": "clerk",
        "agency_id": user.agency_id,
        "password": password,
    }
    assert client.post("/api/v1/users", json=body, headers=headers).status_code == 422
    assert session.exec(select(User).where(User.username == "newclerk")).first() is None


def test_admin_changes_role_and_agency(client, session):
    admin = make_user(session, Role.admin)
    first, second = make_agency(session), make_agency(session)
    user = make_user(session, Role.clerk, first)
    url, headers = f"/api/v1/users/{user.id}", auth(client, admin)
    response = client.patch(url, json={"role": "officer", "agency_id": second.id}, headers=headers)
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["agency_id"]) == ("officer", second.id)
    assert client.patch(url, json={"agency_id": 999999}, headers=headers).status_code == 422
    assert client.patch(url, json={"role": "boss"}, headers=headers).status_code == 422
    assert client.patch("/api/v1/users/999999", json={}, headers=headers).status_code == 404
    own = client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=headers)
    assert own.status_code == 422


def test_only_admins_change_users(client, session):
    head = make_user(session, Role.head, make_agency(session))
    response = client.patch(
        f"/api/v1/users/{head.id}", json={"role": "admin"}, headers=auth(client, head)
    )
    assert response.status_code == 403
    assert session.get(User, head.id).role == Role.head


def test_sign_ins_and_changes_are_audited(client, session):
    admin = make_user(session, Role.admin)
    user = make_user(session, Role.clerk, make_agency(session))
    client.post("/api/v1/auth/token", data={"username": user.username, "password": "wrong one!"})
    headers = auth(client, admin)
    client.patch(f"/api/v1/users/{user.id}", json={"full_name": "Tên mới"}, headers=headers)
    rows = session.exec(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    kinds = [(row.kind, row.username) for row in rows]
    assert ("sign_in_failed", user.username) in kinds
    assert ("sign_in", admin.username) in kinds
    changed = [row for row in rows if row.kind == "user_changed"]
    assert changed[0].actor_id == admin.id and "full_name" in changed[0].detail


def test_the_api_refuses_the_cookie_for_changes(client, session):
    """A page cookie reads the API but cannot change anything through it (bearer only)."""
    from tests.factories import token

    admin = make_user(session, Role.admin)
    user = make_user(session, Role.clerk, make_agency(session))
    client.cookies.set("dondoc_token", token(client, admin))
    assert client.get("/api/v1/users").status_code == 200
    response = client.patch(f"/api/v1/users/{user.id}", json={"is_active": False})
    assert response.status_code == 401
    assert session.get(User, user.id).is_active is True
