"""Agencies: a tree of any depth (provinces, departments, communes, …)."""

from datetime import datetime

from pydantic import EmailStr
from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from models.base import Id, Text, UTCDateTime


class AgencyBase(SQLModel):
    name: Text = Field(min_length=1, max_length=255)
    parent_id: Id | None = Field(default=None, foreign_key="agencies.id", index=True)
    email: EmailStr | None = Field(default=None, max_length=255)
    remote_area: bool = False


class AgencyCreate(AgencyBase):
    head_user_id: Id | None = None


class AgencyUpdate(SQLModel):
    name: Text | None = Field(default=None, min_length=1, max_length=255)
    parent_id: Id | None = None
    head_user_id: Id | None = None
    email: EmailStr | None = Field(default=None, max_length=255)
    remote_area: bool | None = None


class AgencyPublic(AgencyBase):
    id: int
    head_user_id: int | None
    successor_id: int | None
    dissolved_at: datetime | None


class Agency(AgencyBase, table=True):
    __tablename__ = "agencies"

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=255)
    # users.agency_id points back here: the cycle is closed with ALTER on PostgreSQL.
    head_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", use_alter=True), nullable=True),
    )
    successor_id: int | None = Field(default=None, foreign_key="agencies.id")
    dissolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
