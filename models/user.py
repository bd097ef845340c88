"""Users, their role and their agency."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, StringConstraints
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from models.base import Id, Text, UTCDateTime


class Role(StrEnum):
    clerk = "clerk"
    officer = "officer"
    head = "head"
    inspector = "inspector"
    admin = "admin"


Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$")]


class UserBase(SQLModel):
    username: Username = Field(min_length=2, max_length=64)
    full_name: Text = Field(min_length=1, max_length=255)
    email: EmailStr = Field(max_length=255)
    role: Role
    agency_id: Id | None = Field(default=None, foreign_key="agencies.id", index=True)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=128)


class UserUpdate(SQLModel):
    """What an administrator changes (PATCH /users/{id}); a field left out stays as it is."""

    is_active: bool | None = None
    password: str | None = Field(default=None, max_length=128)
    role: Role | None = None
    agency_id: Id | None = None
    jurisdiction_agency_id: Id | None = None
    full_name: Text | None = Field(default=None, min_length=1, max_length=255)
    email: EmailStr | None = Field(default=None, max_length=255)


class UserPublic(UserBase):
    id: int
    is_active: bool
    jurisdiction_agency_id: int | None = None


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=255)
    role: Role = Field(sa_type=String(16))
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    # Where an inspector may plan inspections; None: the province their agency belongs to.
    jurisdiction_agency_id: int | None = Field(default=None, foreign_key="agencies.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
