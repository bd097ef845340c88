"""Notices the law requires the citizen be given, each a due step on its case."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JSONType, UTCDateTime


class CaseNoticePublic(SQLModel):
    id: int
    case_id: int
    kind: str
    source: str
    due_at: datetime
    created_at: datetime
    channel: str  # email: sent through the outbox; print: to hand over or post as the form
    sent_at: datetime | None
    data: dict[str, Any]


class CaseNotice(SQLModel, table=True):
    __tablename__ = "case_notices"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    # acceptance, completion_request, transfer, denunciation_accepted, extension
    kind: str = Field(max_length=32)
    source: str = Field(default="", max_length=255)
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=8)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_by_id: int | None = Field(default=None, foreign_key="users.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
