"""Signed access tokens (JWT, HS256): each names a server-side session that must be open."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlmodel import Session

from models import User, UserSession
from workflows.org import sessions

ALGORITHM = "HS256"


@dataclass
class SignedIn:
    user: User
    record: UserSession


def create_token(*, user_id: int, session_id: str, secret: str, now: datetime, minutes: int) -> str:
    payload = {
        "sub": str(user_id),
        "sid": session_id,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode(token: str, *, secret: str) -> tuple[int, str] | None:
    """The user id and session id of a valid, unexpired token; None for anything else."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sid"]}
        )
        return int(payload["sub"]), str(payload["sid"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def issue(*, session: Session, user: User, secret: str, now: datetime, minutes: int) -> str:
    """Open a session for the user and return its token (the caller commits)."""
    record = sessions.start(session=session, user_id=user.id, now=now, minutes=minutes)
    return create_token(
        user_id=user.id, session_id=record.id, secret=secret, now=now, minutes=minutes
    )


def signed_in(*, session: Session, token: str, secret: str) -> SignedIn | None:
    """The active user and open session of a token, or None."""
    claims = decode(token, secret=secret)
    if claims is None:
        return None
    user_id, session_id = claims
    found = sessions.get_open(session=session, session_id=session_id, user_id=user_id)
    if found is None or not found[1].is_active:
        return None
    record, user = found
    return SignedIn(user=user, record=record)
