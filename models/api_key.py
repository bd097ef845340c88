"""API keys for partner systems (Open311): stored hashed, scoped to one agency, revocable."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    # The account the partner's cases are registered by (a clerk of the agency that cannot
    # sign in), so the case history says which partner system sent each case.
    user_id: int = Field(foreign_key="users.id")
    # sha256 of the key; the key itself is shown once, when made.
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
