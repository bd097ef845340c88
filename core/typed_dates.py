"""Dates and times as people in Vietnam type and read them: dd/mm/yyyy and dd/mm/yyyy HH:MM
(24-hour). Every page field that takes a day or a local time is parsed here, whatever the
browser's language (the browser's own date boxes follow its language, so pages use text
boxes). The ISO forms (2026-11-28, 2026-11-28T08:00) are accepted too, for links and scripts.
"""

import re
from datetime import date, datetime, time

from core.clock import LOCAL_TZ, at_local

DAY_FORMAT = "%d/%m/%Y"
MINUTE_FORMAT = "%d/%m/%Y %H:%M"
DAY_PLACEHOLDER = "dd/mm/yyyy"
MINUTE_PLACEHOLDER = "dd/mm/yyyy HH:MM"
# What the page's text box lets through (the server checks the same and more).
DAY_PATTERN = r"\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}\s*"
MINUTE_PATTERN = r"\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}[ ,T]+\d{1,2}[:hH.]\d{2}\s*"

_DAY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CLOCK = re.compile(r"(\d{1,2})[:hH.](\d{2})")


def parse_day(text: str) -> date:
    """A day typed as dd/mm/yyyy (also d/m/yyyy, with '.' or '-'), or ISO yyyy-mm-dd;
    ValueError for anything else, including days that do not exist (31/02/2026)."""
    text = (text or "").strip()
    if match := _DAY.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif match := _ISO_DAY.fullmatch(text):
        year, month, day = map(int, match.groups())
    else:
        raise ValueError(f"{text!r} is not a day dd/mm/yyyy")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the calendar") from None


def parse_minute(text: str) -> datetime:
    """A local wall time typed as dd/mm/yyyy HH:MM (24-hour), or ISO yyyy-mm-ddTHH:MM, as
    an instant in the local zone; ValueError for anything else."""
    text = (text or "").strip()
    parts = re.split(r"[ ,T]+", text)
    if len(parts) != 2 or not (clock := _CLOCK.fullmatch(parts[1])):
        raise ValueError(f"{text!r} is not a time dd/mm/yyyy HH:MM")
    hour, minute = map(int, clock.groups())
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of the day")
    return at_local(parse_day(parts[0]), time(hour, minute))


def format_day(value: date | None) -> str:
    return value.strftime(DAY_FORMAT) if value else ""


def format_minute(value: datetime | None) -> str:
    """An instant on the local wall clock, dd/mm/yyyy HH:MM."""
    return value.astimezone(LOCAL_TZ).strftime(MINUTE_FORMAT) if value else ""
