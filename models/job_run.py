"""When each scheduled job last ran: the health check reads it (one row per job)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"

    # "escalation-sweep", "deliver-notifications"
    job: str = Field(primary_key=True, max_length=64)
    # Wall-clock time the last successful run finished (a sweep `--as-of` another instant
    # still records when it ran).
    finished_at: datetime = Field(sa_type=UTCDateTime)
    # What it did, printable ("12 due cases, 15 steps", "3 sent, 1 to retry").
    summary: str = Field(default="", max_length=500)
