"""Local time in one place: the zone, local days, the default report period, and settings
that refuse to count deadlines in another zone."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from core.clock import LOCAL_TZ, days_bounds, local_date, months_before, report_period
from core.errors import Invalid
from core.settings import Settings


def test_an_instant_after_17_utc_is_the_next_local_day():
    assert local_date(datetime(2026, 3, 1, 16, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert local_date(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_a_period_of_local_days_runs_from_local_midnight_to_the_next():
    start, end = days_bounds(date(2026, 1, 1), date(2026, 1, 31))
    assert start == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    with pytest.raises(Invalid):
        days_bounds(date(2026, 2, 1), date(2026, 1, 31))


def test_the_default_report_period_is_this_local_year_to_today():
    new_year_local = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)  # 01:00 on 1 January, Hà Nội
    assert report_period(now=new_year_local) == (date(2026, 1, 1), date(2026, 1, 1))
    asked_end = date(2024, 6, 30)
    assert report_period(now=new_year_local, period_to=asked_end) == (date(2024, 1, 1), asked_end)
    both = (date(2026, 2, 1), date(2026, 2, 28))
    assert report_period(now=new_year_local, period_from=both[0], period_to=both[1]) == both


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    now = datetime(2026, 3, 31, 3, 0, tzinfo=UTC)
    assert months_before(now, 1).date() == date(2026, 2, 28)
    assert months_before(now, 13).date() == date(2025, 2, 28)


def test_settings_take_the_zone_from_core_and_refuse_another(monkeypatch, tmp_path):
    monkeypatch.setenv("DONDOC_VAR_DIR", str(tmp_path))
    assert Settings().tz is LOCAL_TZ
    monkeypatch.setenv("DONDOC_TIMEZONE", "Europe/Paris")
    with pytest.raises(ValidationError, match="DONDOC_TIMEZONE must be Asia/Ho_Chi_Minh"):
        Settings()
