"""Writing to the outbox, inside the caller's transaction."""

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.notification import Notification, NotificationState


def enqueue(
    *,
    session: Session,
    key: str,
    template: str,
    recipient: str,
    context: dict[str, Any],
    now: datetime,
    recipient_name: str = "",
    case_id: int | None = None,
    send_after: datetime | None = None,
    language: str = "vi",
) -> bool:
    """Add a notification unless one with this key exists; True when a row was written.

    The insert joins the caller's transaction, so the notification exists exactly when the
    change that caused it was committed.
    """
    values = dict(
        idempotency_key=key,
        template=template,
        recipient=recipient,
        recipient_name=recipient_name,
        context=context,
        case_id=case_id,
        language=language,
        state=NotificationState.pending,
        attempts=0,
        next_attempt_at=send_after or now,
        created_at=now,
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    return session.execute(statement).rowcount == 1
