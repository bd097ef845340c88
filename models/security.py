"""Sign-in sessions, the audit of sign-ins and user changes, and throttle counters."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class UserSession(SQLModel, table=True):
    """One signed-in token: it works while this row is not ended and not expired."""

    __tablename__ = "user_sessions"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SecurityEvent(SQLModel, table=True):
    """A sign-in (success or failure), a sign-out, or a change of a user, with who and when."""

    __tablename__ = "security_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    kind: str = Field(max_length=32)
    username: str = Field(default="", max_length=64, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    client: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=500)


class ThrottleCounter(SQLModel, table=True):
    """Hits of one key (a client, a username, a code) in one fixed window of one rule."""

    __tablename__ = "throttle_counters"

    rule: str = Field(sa_column=Column(String(32), primary_key=True))
    key: str = Field(sa_column=Column(String(128), primary_key=True))
    window_start: datetime = Field(sa_type=UTCDateTime, primary_key=True)
    hits: int = 0
