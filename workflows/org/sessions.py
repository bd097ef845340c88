"""Server-side sign-in sessions: a token works only while its row is open.

Signing out ends one session; disabling a user or resetting their password ends all of
theirs. Each session also holds the token page forms must send back (CSRF).
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from models import User, UserSession


def start(*, session: Session, user_id: int, now: datetime, minutes: int) -> UserSession:
    """A new open session for the user, valid for `minutes`."""
    record = UserSession(
        id=secrets.token_urlsafe(32),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(record)
    session.flush()
    return record


# Read on every signed-in request: both rows in one statement, built once.
_OPEN_WITH_USER = (
    select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .where(
        UserSession.id == bindparam("session_id"),
        UserSession.user_id == bindparam("user_id"),
        UserSession.ended_at.is_(None),
    )
)


def get_open(*, session: Session, session_id: str, user_id: int) -> tuple[UserSession, User] | None:
    """The session, if it belongs to the user and was not ended, with its user (the token's
    own expiry is checked where the token is read; whether the user is active, by the
    caller)."""
    row = session.execute(_OPEN_WITH_USER, {"session_id": session_id, "user_id": user_id}).first()
    return None if row is None else (row[0], row[1])


def end(*, session: Session, record: UserSession, now: datetime) -> None:
    if record.ended_at is None:
        record.ended_at = now
        session.add(record)
        session.flush()


def end_all(*, session: Session, user_id: int, now: datetime) -> int:
    """End every open session of the user; how many were open."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return result.rowcount
