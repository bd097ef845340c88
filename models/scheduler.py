"""The embedded scheduler's lease: which server process runs the schedule, and its last sweep."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class SchedulerLease(SQLModel, table=True):
    """One row per schedule. A process holds it until `expires_at`, renewing it while alive;
    a dead process loses it when it expires (workflows/flows/lease.py)."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=120)  # host:pid:token of the server process
    expires_at: datetime = Field(sa_type=UTCDateTime)
    swept_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    swept_by: str | None = Field(default=None, max_length=120)
