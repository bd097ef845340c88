"""Signed access tokens (JWT, HS256) with an expiry."""

from datetime import datetime, timedelta

import jwt

ALGORITHM = "HS256"


def create_token(*, user_id: int, secret: str, now: datetime, minutes: int) -> str:
    payload = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, *, secret: str) -> int | None:
    """The user id of a valid, unexpired token; None for anything else."""
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return int(payload["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None
