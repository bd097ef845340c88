"""The outbox: writing to it inside the caller's transaction, and what admins do with it."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.errors import Conflict, NotFound
from models.notification import DeliveryAttempt, Notification, NotificationState


def enqueue(*, session: Session, **fields: Any) -> bool:
    """Add a notification unless one with this key exists; True when a row was written.
    `fields` are `row`'s arguments (key, template, recipient, context, now, …).

    The insert joins the caller's transaction, so the notification exists exactly when the
    change that caused it was committed.
    """
    values = row(**fields)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    return session.execute(statement).rowcount == 1


def row(
    *,
    key: str,
    template: str,
    recipient: str,
    context: dict[str, Any],
    now: datetime,
    recipient_name: str = "",
    case_id: int | None = None,
    send_after: datetime | None = None,
    language: str = "vi",
    channel: str = "email",
) -> dict[str, Any]:
    """The columns of a new pending notification (for callers that write it in a statement
    of their own, as intake does on PostgreSQL; enqueue otherwise)."""
    return dict(
        idempotency_key=key,
        template=template,
        recipient=recipient,
        recipient_name=recipient_name,
        context=context,
        case_id=case_id,
        language=language,
        channel=channel,
        state=NotificationState.pending,
        attempts=0,
        next_attempt_at=send_after or now,
        created_at=now,
    )


def list_notifications(
    *,
    session: Session,
    state: NotificationState | None = None,
    case_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Notification], int]:
    """Notifications, newest first, with the total matching the filters."""
    filters = []
    if state is not None:
        filters.append(Notification.state == state)
    if case_id is not None:
        filters.append(Notification.case_id == case_id)
    total = session.scalar(select(func.count()).select_from(Notification).where(*filters))
    rows = session.scalars(
        select(Notification)
        .where(*filters)
        .order_by(Notification.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total or 0


def attempts(*, session: Session, notification_id: int) -> list[DeliveryAttempt]:
    """The delivery ledger of one notification, oldest first."""
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.notification_id == notification_id)
            .order_by(DeliveryAttempt.id)
        )
    )


def get(*, session: Session, notification_id: int) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("no such notification")
    return notification


def retry(*, session: Session, notification_id: int, now: datetime) -> Notification:
    """Put a failed notification back in the queue for a fresh round of attempts."""
    notification = session.get(Notification, notification_id, with_for_update=True)
    if notification is None:
        raise NotFound("no such notification")
    if notification.state != NotificationState.failed:
        raise Conflict(
            f"only a failed notification can be retried (this one is {notification.state})"
        )
    notification.state = NotificationState.pending
    notification.attempts = 0
    notification.next_attempt_at = now
    session.add(notification)
    session.flush()
    return notification
