"""The security audit: sign-ins (success and failure), sign-outs and changes of users."""

from datetime import datetime

from sqlmodel import Session, select

from models import SecurityEvent


def record(
    *,
    session: Session,
    kind: str,
    now: datetime,
    username: str = "",
    user_id: int | None = None,
    actor_id: int | None = None,
    client: str = "",
    detail: str = "",
) -> SecurityEvent:
    """One audit row (the caller commits, also when the request then fails)."""
    event = SecurityEvent(
        at=now,
        kind=kind,
        username=_text(username, 64),
        user_id=user_id,
        actor_id=actor_id,
        client=_text(client, 64),
        detail=_text(detail, 500),
    )
    session.add(event)
    session.flush()
    return event


def recent(*, session: Session, limit: int = 200) -> list[SecurityEvent]:
    statement = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    return list(session.exec(statement))


def _text(value: str, limit: int) -> str:
    """As typed, bounded, without NUL characters (PostgreSQL text cannot hold them)."""
    return value.replace("\x00", "\ufffd")[:limit]
