"""Applied escalation steps: one row per (case, deadline, step), never two."""

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, UTCDateTime


class EscalationStep(SQLModel, table=True):
    """A ladder step applied to a case for one deadline; the unique key makes reruns no-ops."""

    __tablename__ = "escalation_steps"
    __table_args__ = (UniqueConstraint("case_id", "deadline_key", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    # The deadline the step belongs to (its UTC ISO instant): a new deadline, a new ladder.
    deadline_key: str = Field(max_length=40)
    step: str = Field(max_length=48)
    level: int | None = None
    scheduled_at: datetime = Field(sa_type=UTCDateTime)
    applied_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="users.id")
    # While this instant is ahead, steps above this one's level wait.
    grace_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
