"""Sign-in and tokens: wrong passwords, expired and tampered tokens get 401."""

from datetime import UTC, datetime, timedelta

import jwt

from models import Role
from tests.factories import PASSWORD, make_agency, make_user, session_token, token


def test_sign_in_returns_a_bearer_token_that_opens_the_api(client, session):
    user = make_user(session, Role.officer, make_agency(session))
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == user.username


def test_wrong_password_is_401(client, session):
    user = make_user(session, Role.officer, make_agency(session))
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": "wrong password"}
    )
    assert response.status_code == 401
    assert response.json()["detail"]


def test_unknown_user_is_401(client, session):
    response = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x" * 9})
    assert response.status_code == 401


def test_username_with_a_nul_is_401(client, session):
    """PostgreSQL cannot compare text holding a NUL character: this was a 500 there."""
    response = client.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x" * 9})
    assert response.status_code == 401


def test_expired_token_is_401(client, session, settings):
    user = make_user(session, Role.officer, make_agency(session))
    stale = session_token(settings, user, now=datetime.now(UTC) - timedelta(hours=10))
    response = client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {stale}"})
    assert response.status_code == 401


def test_tampered_token_is_401(client, session):
    user = make_user(session, Role.officer, make_agency(session))
    header, payload, signature = token(client, user).split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    response = client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_token_signed_with_another_secret_is_401(client, session, settings):
    user = make_user(session, Role.admin)
    genuine = session_token(settings, user)
    claims = jwt.decode(genuine, settings.secret_key, algorithms=["HS256"])
    foreign = jwt.encode(claims, "another", algorithm="HS256")
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {foreign}"})
    assert response.status_code == 401


def test_no_token_is_401(client, engine):
    assert client.get("/api/v1/agencies").status_code == 401


def test_missing_form_fields_is_422(client, engine):
    assert client.post("/api/v1/auth/token", data={"username": "x"}).status_code == 422
