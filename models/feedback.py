"""The citizen's rating of how their case was handled: once per case, after resolution."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime

# The SIPAS aspects (Chỉ số hài lòng về sự phục vụ hành chính, QĐ 3037/QĐ-BNV), each 1-5.
ASPECTS = ("access", "procedure", "officials", "result", "timeliness")


class CaseFeedback(SQLModel, table=True):
    __tablename__ = "case_feedback"

    id: int | None = Field(default=None, primary_key=True)
    # Unique: a second rating of the same case, even a concurrent one, is refused.
    case_id: int = Field(foreign_key="cases.id", unique=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    score: int
    comment: str = ""
    access: int | None = None
    procedure: int | None = None
    officials: int | None = None
    result: int | None = None
    timeliness: int | None = None
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
