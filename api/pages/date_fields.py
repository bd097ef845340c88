"""Page form fields for days and local times, typed as dd/mm/yyyy and dd/mm/yyyy HH:MM
(core/typed_dates.py parses them). A bad one is the error `day_format` / `minute_format`,
which api/pages/forms.py says beside the field in those words."""

from datetime import date, datetime
from typing import Annotated

from annotated_types import Interval
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from core import typed_dates
from core.clock import LOCAL_TZ
from models.base import Day


def _day(value: object) -> object:
    if isinstance(value, str):
        try:
            return typed_dates.parse_day(value)
        except ValueError:
            raise PydanticCustomError("day_format", "a day as dd/mm/yyyy") from None
    return value


def _minute(value: object) -> object:
    if isinstance(value, str):
        try:
            value = typed_dates.parse_minute(value)
        except ValueError:
            raise PydanticCustomError("minute_format", "a time as dd/mm/yyyy HH:MM") from None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=LOCAL_TZ)
    return value


PageDay = Annotated[Day, BeforeValidator(_day)]
_MINUTES = Interval(
    ge=datetime(1900, 1, 1, tzinfo=LOCAL_TZ), lt=datetime(2101, 1, 1, tzinfo=LOCAL_TZ)
)
PageMinute = Annotated[datetime, BeforeValidator(_minute), _MINUTES]


def day_or_none(text: str | None) -> date | None:
    """A day from a query string (empty: none); ValueError if it is not one."""
    if not (text or "").strip():
        return None
    day = typed_dates.parse_day(text or "")
    if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
        raise ValueError("a day between the years 1900 and 2100")
    return day
