"""Days and times as typed on the pages: dd/mm/yyyy and dd/mm/yyyy HH:MM, 24-hour."""

from datetime import date, datetime

import pytest

from core.clock import LOCAL_TZ
from core.typed_dates import format_day, format_minute, parse_day, parse_minute


@pytest.mark.parametrize(
    "typed, day",
    [
        ("28/11/2026", date(2026, 11, 28)),
        (" 1/7/2025 ", date(2025, 7, 1)),
        ("01.07.2025", date(2025, 7, 1)),
        ("01-07-2025", date(2025, 7, 1)),
        ("2025-07-01", date(2025, 7, 1)),  # ISO, for links and scripts
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_days_are_read_day_first(typed, day):
    assert parse_day(typed) == day


@pytest.mark.parametrize(
    "typed", ["11/28/2026", "31/02/2026", "29/02/2027", "28/11/26", "", "mai", "2026/11/28"]
)
def test_a_day_that_is_none_is_refused(typed):
    with pytest.raises(ValueError):
        parse_day(typed)


@pytest.mark.parametrize(
    "typed, minute",
    [
        ("28/11/2026 08:00", datetime(2026, 11, 28, 8, 0, tzinfo=LOCAL_TZ)),
        ("28/11/2026 14:30", datetime(2026, 11, 28, 14, 30, tzinfo=LOCAL_TZ)),
        ("5/3/2026 7h30", datetime(2026, 3, 5, 7, 30, tzinfo=LOCAL_TZ)),
        ("2026-03-05T14:00", datetime(2026, 3, 5, 14, 0, tzinfo=LOCAL_TZ)),
    ],
)
def test_times_are_read_on_the_24_hour_clock(typed, minute):
    assert parse_minute(typed) == minute


@pytest.mark.parametrize(
    "typed", ["28/11/2026", "28/11/2026 24:00", "28/11/2026 08:60", "11/28/2026, 08:00 AM"]
)
def test_a_time_that_is_none_is_refused(typed):
    with pytest.raises(ValueError):
        parse_minute(typed)


def test_days_and_times_are_written_day_first():
    assert format_day(date(2026, 7, 1)) == "01/07/2026"
    assert format_minute(datetime(2026, 11, 28, 8, 0, tzinfo=LOCAL_TZ)) == "28/11/2026 08:00"
