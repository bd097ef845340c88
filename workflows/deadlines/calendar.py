"""The working-day calendar: Vietnam's holidays plus the days an administrator adds.

`holidays.VN` knows weekends, the public holidays of Labour Code Art. 112 (Tết included),
the substituted days off and the Saturdays worked in exchange. On top of it come, in order
of precedence: the `calendar_days` table (admin API), then the optional data file
`workflows/deadlines/calendar_days.yaml` (a province's extra day off, a late announcement).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays
import yaml
from sqlmodel import Session, select

from core.errors import Invalid, NotFound
from models import CalendarDay

DATA_FILE = Path(__file__).with_name("calendar_days.yaml")


@dataclass(frozen=True)
class Override:
    is_working: bool
    note: str = ""


@dataclass
class WorkingCalendar:
    """Answers 'is this a working day?' and counts working days; overrides win."""

    overrides: dict[date, Override] = field(default_factory=dict)
    _vn: holidays.HolidayBase = field(default_factory=lambda: _vietnam())

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override.is_working
        return self._vn.is_working_day(day)

    def day_off_reason(self, day: date, lang: str, gettext: Callable[[str], str]) -> str | None:
        """Why `day` is not a working day (None when it is one): the holiday's name in `lang`
        (from `holidays`), or our own words through `gettext`."""
        if self.is_working_day(day):
            return None
        override = self.overrides.get(day)
        if override is not None:
            return override.note or gettext("extra day off")
        name = self._vn.get(day)
        if name:
            return name if lang == "vi" else _english().get(day, name)
        if day.weekday() == 5:
            return gettext("Saturday")
        return gettext("Sunday")

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0; start itself not
        counted). n = 0 gives `start` if it is a working day, else the next one.
        """
        day = self.next_working_day(start) if n == 0 else start
        step = timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def working_days_between(self, first: date, last_exclusive: date) -> int:
        """How many working days lie in [first, last_exclusive)."""
        count, day = 0, first
        while day < last_exclusive:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def days_off_between(
        self, first: date, last: date, lang: str, gettext: Callable[[str], str]
    ) -> list[dict]:
        """Each day off in [first, last] with its reason (for the explanation)."""
        out, day = [], first
        while day <= last:
            reason = self.day_off_reason(day, lang, gettext)
            if reason is not None:
                out.append({"date": day.isoformat(), "reason": reason})
            day += timedelta(days=1)
        return out


@lru_cache
def _vietnam() -> holidays.HolidayBase:
    """Vietnam's calendar, shared and read-only: its years are computed once per process
    (60 ms), not for each calendar a request loads."""
    return holidays.VN(language="vi", years=range(2000, 2101))


@lru_cache
def _english() -> holidays.HolidayBase:
    return holidays.VN(language="en_US")


@lru_cache
def _file_overrides(path: Path) -> dict[date, Override]:
    if not path.exists():
        return {}
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {
        date.fromisoformat(str(row["day"])): Override(bool(row["is_working"]), row.get("note", ""))
        for row in rows
    }


def load(*, session: Session, path: Path = DATA_FILE) -> WorkingCalendar:
    """The calendar in force: holidays.VN, then the data file, then the admin's table."""
    overrides = dict(_file_overrides(path))
    for row in session.exec(select(CalendarDay)):
        overrides[row.day] = Override(row.is_working, row.note)
    return WorkingCalendar(overrides=overrides)


def list_days(*, session: Session) -> list[CalendarDay]:
    return list(session.exec(select(CalendarDay).order_by(CalendarDay.day)))


def set_day(*, session: Session, day: date, is_working: bool, note: str) -> CalendarDay:
    """Add or replace an admin override for one day."""
    if day.year < 2000 or day.year > 2100:
        raise Invalid("the day must lie between 2000 and 2100")
    row = session.get(CalendarDay, day) or CalendarDay(day=day, is_working=is_working)
    row.is_working, row.note = is_working, note
    session.add(row)
    session.flush()
    return row


def delete_day(*, session: Session, day: date) -> None:
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound(f"no override for {day.isoformat()}")
    session.delete(row)
    session.flush()
