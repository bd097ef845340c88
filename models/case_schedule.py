"""When the escalation sweep next looks at each case.

A row per case with a ladder step to come (a running case), none for a paused or finished
one. It lives apart from `cases` for the sweep's sake: rescheduling a case after a reminder
writes this narrow row and its one index, where a column of `cases` wrote a new version of
the case into each of its twenty indexes, which at 10,000,000 cases no longer fit in memory
(docs/benchmarks.md, "National scale"; migration 0027).
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class CaseSchedule(SQLModel, table=True):
    __tablename__ = "case_schedule"
    # The sweep's query: the due rows, earliest first.
    __table_args__ = (Index("ix_case_schedule_due", "next_action_at", "case_id"),)

    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    )
    next_action_at: datetime = Field(sa_type=UTCDateTime)
