"""Notifications for admins: the outbox by state, its delivery ledger, retry by hand."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import SQLModel

from api.deps import AdminUser, Now, SessionDep, SettingsDep
from models import DeliveryAttemptPublic, NotificationPublic, NotificationState
from models.base import MAX_INT, Id
from notifications import mailbox, outbox

router = APIRouter(prefix="/notifications", tags=["notifications"])


class NotificationPage(SQLModel):
    items: list[NotificationPublic]
    total: int
    limit: int
    offset: int


class NotificationDetail(NotificationPublic):
    context: dict
    delivery_attempts: list[DeliveryAttemptPublic]


@router.get("")
def list_notifications(
    session: SessionDep,
    _admin: AdminUser,
    state: NotificationState | None = None,
    case_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> NotificationPage:
    items, total = outbox.list_notifications(
        session=session, state=state, case_id=case_id, limit=limit, offset=offset
    )
    return NotificationPage(
        items=[NotificationPublic.model_validate(n) for n in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/mailbox")
def list_mailbox(settings: SettingsDep, _admin: AdminUser) -> list[dict]:
    """The emails written to the mail folder (no SMTP server configured), newest first."""
    return [vars(mail) for mail in mailbox.list_mail(settings.mail_dir)]


@router.get("/{notification_id}")
def get_notification(
    notification_id: Id, session: SessionDep, _admin: AdminUser
) -> NotificationDetail:
    notification = outbox.get(session=session, notification_id=notification_id)
    ledger = outbox.attempts(session=session, notification_id=notification_id)
    return NotificationDetail(
        **NotificationPublic.model_validate(notification).model_dump(),
        context=notification.context,
        delivery_attempts=[DeliveryAttemptPublic.model_validate(a) for a in ledger],
    )


@router.post("/{notification_id}/retry")
def retry_notification(
    notification_id: Id, session: SessionDep, _admin: AdminUser, now: Now
) -> NotificationPublic:
    notification = outbox.retry(session=session, notification_id=notification_id, now=now)
    session.commit()
    return NotificationPublic.model_validate(notification)
