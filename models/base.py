"""Shared column types and the metadata naming convention."""

from datetime import UTC, date, datetime
from typing import Annotated

from annotated_types import Interval
from pydantic import AfterValidator, AwareDatetime
from sqlalchemy import JSON, DateTime, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character")
    return value


# Text a caller sends. PostgreSQL cannot store the NUL character (SQLite can): a NUL in a name,
# a reason or a search was a 500 there; now it is a 422 on both databases.
Text = Annotated[str, AfterValidator(_refuse_nul)]

# The largest number an INTEGER column holds on PostgreSQL (SQLite's hold more). Every id and
# version a caller sends is checked against it: an impossible id is a 422, never a database
# error.
MAX_INT = 2**31 - 1
Id = Annotated[int, Interval(ge=1, le=MAX_INT)]

# Days and instants a caller sends lie in the years 1900 to 2100, the years Vietnam's holiday
# calendar knows. Python's dates end at years 1 and 9999: a day near either end overflowed
# once it was moved to UTC or a day was added to it (a 500), now it is a 422. A naive instant
# passes here, for the domain to refuse in its own words.
Day = Annotated[date, Interval(ge=date(1900, 1, 1), le=date(2100, 12, 31))]
_INSTANTS = Interval(ge=datetime(1900, 1, 1, tzinfo=UTC), lt=datetime(2101, 1, 1, tzinfo=UTC))
Instant = Annotated[datetime, _INSTANTS]
AwareInstant = Annotated[AwareDatetime, _INSTANTS]

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """An instant: stored in UTC, always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an instant is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc(value: datetime) -> datetime:
    """The same instant in UTC; refuses naive datetimes."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC)
