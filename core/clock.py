"""Local time: the one time zone of the legal calendar and the local days of instants.

Deadlines are counted in Vietnamese working days and end at 24:00 local time of their last
day (LEGAL.md); reports and registers count local days. The zone is a property of that law,
not of an installation, so it is this one constant: settings (`Settings.tz`), the scheduler, pages,
emails, reports and the deadline arithmetic all take it from here. Instants are stored in
UTC; only these helpers turn them into local days and back.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import Invalid

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(instant: datetime) -> datetime:
    """`instant` on the local wall clock."""
    return instant.astimezone(LOCAL_TZ)


def local_date(instant: datetime) -> date:
    """The local calendar day of `instant`."""
    return instant.astimezone(LOCAL_TZ).date()


def day_start(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware instant."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def at_local(day: date, clock: time) -> datetime:
    """The instant of the local wall time `clock` on `day`."""
    return datetime.combine(day, clock, tzinfo=LOCAL_TZ)


def days_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants [start of `first`, start of the day after `last`) of local days, both
    days included; Invalid when the period ends before it starts."""
    if last < first:
        raise Invalid("the period ends before it starts")
    return day_start(first), day_start(last + timedelta(days=1))


def report_period(
    *, now: datetime, period_from: date | None = None, period_to: date | None = None
) -> tuple[date, date]:
    """A report's period of local days, with the defaults every report uses: up to today,
    from the first of January of the period's last year."""
    period_to = period_to or local_date(now)
    return period_from or date(period_to.year, 1, 1), period_to


def months_before(now: datetime, months: int) -> datetime:
    """The same local wall time `months` calendar months earlier (day clamped to the month)."""
    local = now.astimezone(LOCAL_TZ)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return local.replace(year=year, month=month, day=min(local.day, last_day))
