"""Small factories: agencies, users and signed-in clients."""

import itertools
from datetime import UTC, datetime
from functools import cache

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Agency, Role, User, UserCreate
from workflows.org import users

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_agency(
    session: Session, name: str | None = None, parent: Agency | None = None, **fields
) -> Agency:
    agency = Agency(
        name=name or f"Agency {next(_counter)}",
        parent_id=parent.id if parent else None,
        **fields,
    )
    session.add(agency)
    session.commit()
    return agency


def make_user(
    session: Session,
    role: Role | str,
    agency: Agency | None = None,
    username: str | None = None,
    full_name: str | None = None,
) -> User:
    """A user who signs in with PASSWORD (hashed once per test run: argon2 is slow on purpose)."""
    n = next(_counter)
    data = UserCreate(
        username=username or f"{role}{n}",
        full_name=full_name or f"Người dùng {n}",
        email=f"{role}{n}@example.gov.vn",
        role=Role(role),
        agency_id=agency.id if agency else None,
        password=PASSWORD,
    )
    user = User.model_validate(
        data, update={"password_hash": _password_hash(), "created_at": datetime.now(UTC)}
    )
    session.add(user)
    session.commit()
    return user


@cache
def _password_hash() -> str:
    return users.hash_password(PASSWORD)


def make_head(session: Session, agency: Agency, **kwargs) -> User:
    head = make_user(session, Role.head, agency, **kwargs)
    agency.head_user_id = head.id
    session.add(agency)
    session.commit()
    return head


def token(client: TestClient, user: User) -> str:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def auth(client: TestClient, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, user)}"}


def session_token(settings, user: User, *, now: datetime | None = None, minutes: int = 60) -> str:
    """A token with an open server-side session, signed with the real clock by default (so
    it stays valid while a test moves the application's clock)."""
    from api.security import issue
    from models.db import engine_for

    with Session(engine_for(settings.database_url)) as session:
        token = issue(
            session=session,
            user=user,
            secret=settings.secret_key,
            now=now or datetime.now(UTC),
            minutes=minutes,
        )
        session.commit()
    return token
