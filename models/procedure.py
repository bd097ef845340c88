"""Administrative procedures a desk takes in, as a province publishes them (loaded from CSV)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class ProcedurePublic(SQLModel):
    code: str
    name: str
    processing_days: int  # working days from receipt to the return date
    remote_extra_days: int  # added for agencies in remote or difficult areas
    source: str
    verified: bool  # False: a product default, not checked against a published list


class Procedure(SQLModel, table=True):
    """A row of the province's published list; it wins over the shipped default."""

    __tablename__ = "procedures"

    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=500)
    processing_days: int
    remote_extra_days: int = 0
    source: str = Field(default="", max_length=500)
    loaded_at: datetime = Field(sa_type=UTCDateTime)
