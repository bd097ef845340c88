"""The outbox: notifications written in the domain transaction, delivered later."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from models.base import JSONType, UTCDateTime


class NotificationState(StrEnum):
    pending = "pending"
    # Claimed by a deliverer; `next_attempt_at` is then the end of its lease. A lease that
    # runs out (the deliverer died) makes the row due again.
    sending = "sending"
    sent = "sent"
    failed = "failed"  # gave up after the last attempt; an admin can retry it


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # One notification per cause: a rerun that writes the same key writes nothing.
    idempotency_key: str = Field(max_length=200, unique=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    recipient: str = Field(max_length=255)
    recipient_name: str = Field(default="", max_length=255)
    template: str = Field(max_length=64)
    language: str = Field(default="vi", max_length=8)
    context: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # "email", or "sms" (the recipient is then a phone number; notifications/sms.py)
    channel: str = Field(
        default="email", max_length=8, sa_column_kwargs={"server_default": "email"}
    )
    state: NotificationState = Field(default=NotificationState.pending, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPublic(SQLModel):
    id: int
    idempotency_key: str
    case_id: int | None
    recipient: str
    recipient_name: str
    template: str
    language: str
    state: NotificationState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryAttempt(SQLModel, table=True):
    """The delivery ledger: one row per attempt to send a notification; never updated."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notifications.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    # "smtp" or "mail_dir"; "render" when the template could not be rendered,
    # "lease" when an earlier attempt was cut off (outcome unknown).
    transport: str = Field(max_length=16)
    smtp_code: int | None = None
    # The server's reply (or the error) as text.
    response: str | None = None


class DeliveryAttemptPublic(SQLModel):
    id: int
    at: datetime
    ok: bool
    transport: str
    smtp_code: int | None
    response: str | None
