"""One-time tokens of the intake form: each form the desk opens registers at most one case."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class FormToken(SQLModel, table=True):
    """A form token claimed by its first submission, in the transaction that registers the
    case (workflows/cases/form_tokens.py); a rolled-back intake frees it again."""

    __tablename__ = "form_tokens"

    token: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id")
    case_id: int | None = Field(default=None, foreign_key="cases.id")
    claimed_at: datetime = Field(sa_type=UTCDateTime)
