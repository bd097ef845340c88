"""Sign-in and sign-out shared by the JSON API and the pages: throttled, audited, and
backed by a server-side session (workflows/org/sessions.py)."""

from datetime import datetime

from fastapi import Request
from sqlmodel import Session

from api import throttle
from api.security import SignedIn, issue
from core.settings import Settings
from workflows.org import audit, sessions, users


def sign_in(
    *,
    session: Session,
    request: Request,
    settings: Settings,
    username: str,
    password: str,
    now: datetime,
) -> str | None:
    """A token for the right credentials, None for wrong ones; TooManyRequests when this
    username or this client failed too often lately. Commits the audit row either way."""
    client = throttle.client_key(request)
    checks = [
        (throttle.SIGN_IN_PER_USERNAME, username.lower()[:64]),
        (throttle.SIGN_IN_PER_CLIENT, client),
    ]
    try:
        throttle.refuse_if_over(session=session, checks=checks, now=now)
    except throttle.TooManyRequests:
        audit.record(
            session=session, kind="sign_in_throttled", now=now, username=username, client=client
        )
        session.commit()
        raise
    user = users.authenticate(session=session, username=username, password=password)
    if user is None:
        throttle.count(session=session, checks=checks, now=now)
        audit.record(
            session=session, kind="sign_in_failed", now=now, username=username, client=client
        )
        session.commit()
        return None
    token = issue(
        session=session,
        user=user,
        secret=settings.secret_key,
        now=now,
        minutes=settings.token_minutes,
    )
    audit.record(
        session=session,
        kind="sign_in",
        now=now,
        username=user.username,
        user_id=user.id,
        client=client,
    )
    session.commit()
    return token


def sign_out(*, session: Session, request: Request, found: SignedIn, now: datetime) -> None:
    """End the session at once (its token and cookie stop working)."""
    sessions.end(session=session, record=found.record, now=now)
    audit.record(
        session=session,
        kind="sign_out",
        now=now,
        username=found.user.username,
        user_id=found.user.id,
        client=throttle.client_key(request),
    )
    session.commit()
