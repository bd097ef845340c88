"""The working-day calendar: Vietnam's holidays plus the days an administrator adds.

`holidays.VN` knows weekends, the public holidays of Labour Code Art. 112 (Tết included),
and some substituted days off with the Saturdays worked in exchange. On top of it come, in
order of precedence: the `calendar_days` table (announcements an administrator adds), then
the data file `workflows/deadlines/calendar_days.yaml` (the state sector's announced days off
and swaps 2025-2026, each announcement with its source; e.g. New Year 2026, which the package
does not carry).
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
    source: str = ""


@dataclass(frozen=True)
class Announcement:
    """Days off and worked days announced together, with the text that announced them."""

    title: str
    source: str
    days: tuple[tuple[date, bool], ...]
    shipped: bool  # True: in the data file; False: added by an administrator


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
        name = self._vn.get(day)
        if override is not None and (lang == "vi" or not name):
            return override.note or gettext("extra day off")
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

    def worked_weekend_days_between(self, first: date, last: date) -> list[date]:
        """The Saturdays and Sundays in [first, last] that are working days (swaps)."""
        out, day = [], first
        while day <= last:
            if day.weekday() >= 5 and self.is_working_day(day):
                out.append(day)
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
def _file_announcements(path: Path) -> tuple[tuple[Announcement, dict[date, Override]], ...]:
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for raw in data.get("announcements") or []:
        days = {
            date.fromisoformat(str(row["day"])): Override(
                bool(row["is_working"]), row.get("note", ""), raw["source"]
            )
            for row in raw["days"]
        }
        announcement = Announcement(
            title=raw["title"],
            source=raw["source"],
            days=tuple((day, o.is_working) for day, o in sorted(days.items())),
            shipped=True,
        )
        out.append((announcement, days))
    return tuple(out)


def load(*, session: Session, path: Path = DATA_FILE) -> WorkingCalendar:
    """The calendar in force: holidays.VN, then the data file, then the admin's table."""
    overrides: dict[date, Override] = {}
    for _announcement, days in _file_announcements(path):
        overrides.update(days)
    for row in session.exec(select(CalendarDay)):
        overrides[row.day] = Override(row.is_working, row.note, row.source)
    return WorkingCalendar(overrides=overrides)


def announcements(*, session: Session, path: Path = DATA_FILE) -> list[Announcement]:
    """The shipped announcements, then the admin's days grouped by their title and source."""
    out = [announcement for announcement, _days in _file_announcements(path)]
    groups: dict[tuple[str, str], list[tuple[date, bool]]] = {}
    for row in list_days(session=session):
        groups.setdefault((row.note, row.source), []).append((row.day, row.is_working))
    for (title, source), days in groups.items():
        out.append(Announcement(title=title, source=source, days=tuple(days), shipped=False))
    return out


def add_announcement(
    *, session: Session, title: str, source: str, days: list[tuple[date, bool]]
) -> Announcement:
    """Record an announcement (e.g. next year's Tết): each day with its title and source."""
    if not title.strip() or not source.strip():
        raise Invalid("an announcement needs a title and the text that announced it (source)")
    if not days:
        raise Invalid("an announcement needs at least one day")
    if len({day for day, _ in days}) != len(days):
        raise Invalid("a day is listed twice")
    for day, is_working in sorted(days):
        set_day(session=session, day=day, is_working=is_working, note=title, source=source)
    return Announcement(title=title, source=source, days=tuple(sorted(days)), shipped=False)


def list_days(*, session: Session) -> list[CalendarDay]:
    return list(session.exec(select(CalendarDay).order_by(CalendarDay.day)))


def set_day(
    *, session: Session, day: date, is_working: bool, note: str, source: str = ""
) -> CalendarDay:
    """Add or replace an admin override for one day."""
    if day.year < 2000 or day.year > 2100:
        raise Invalid("the day must lie between 2000 and 2100")
    row = session.get(CalendarDay, day) or CalendarDay(day=day, is_working=is_working)
    row.is_working, row.note, row.source = is_working, note, source
    session.add(row)
    session.flush()
    return row


def delete_day(*, session: Session, day: date) -> None:
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound(f"no override for {day.isoformat()}")
    session.delete(row)
    session.flush()
