"""The generation of the reference data each server process caches (the agency tree and the
administrator's calendar days): database triggers set it to a new random value in the same
transaction as any change to those tables (migration 0021), so a process whose cached copy
carries another generation reads the tables again (workflows/reference.py)."""

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class ReferenceGeneration(SQLModel, table=True):
    __tablename__ = "reference_generation"

    name: str = Field(primary_key=True, max_length=40)  # one row: "reference"
    value: int = Field(sa_type=BigInteger)
