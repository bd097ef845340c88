"""Properties of the deadline engine over any start date, length and added holiday."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.deadlines import dates as deadlines
from workflows.deadlines.calendar import Override, WorkingCalendar

CAL = WorkingCalendar()
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
units = st.sampled_from(["days", "working_days"])
amounts = st.integers(min_value=0, max_value=120)


@settings(max_examples=300, deadline=None)
@given(start=starts, amount=amounts, unit=units)
def test_due_date_never_falls_on_a_day_off(start, amount, unit):
    day, _ = deadlines.last_day(start=start, amount=amount, unit=unit, calendar=CAL)
    assert CAL.is_working_day(day)
    assert day >= start


@settings(max_examples=300, deadline=None)
@given(start=starts, amount=st.integers(min_value=1, max_value=60), paused=st.integers(0, 30))
def test_pausing_n_working_days_moves_due_by_exactly_n_working_days(start, amount, paused):
    before, _ = deadlines.last_day(start=start, amount=amount, unit="working_days", calendar=CAL)
    after, _ = deadlines.last_day(
        start=start, amount=amount + paused, unit="working_days", calendar=CAL
    )
    assert CAL.working_days_between(before + timedelta(days=1), after + timedelta(days=1)) == paused


@settings(max_examples=300, deadline=None)
@given(
    pause_start=starts,
    length=st.integers(min_value=0, max_value=40),
    amount=st.integers(min_value=1, max_value=60),
)
def test_a_pause_is_measured_in_working_days_it_covers(pause_start, length, amount):
    pause_end = pause_start + timedelta(days=length)
    n = CAL.working_days_between(pause_start, pause_end)
    start = pause_start - timedelta(days=3)
    unpaused, _ = deadlines.last_day(start=start, amount=amount, unit="working_days", calendar=CAL)
    paused, _ = deadlines.last_day(
        start=start, amount=amount + n, unit="working_days", calendar=CAL
    )
    assert CAL.working_days_between(unpaused + timedelta(days=1), paused + timedelta(days=1)) == n


@settings(max_examples=300, deadline=None)
@given(start=starts, amount=amounts, unit=units, offset=st.integers(min_value=-10, max_value=200))
def test_adding_a_holiday_never_makes_a_due_date_earlier(start, amount, unit, offset):
    holiday = start + timedelta(days=offset)
    with_holiday = WorkingCalendar({holiday: Override(False, "Nghỉ thêm")})
    before, _ = deadlines.last_day(start=start, amount=amount, unit=unit, calendar=CAL)
    after, _ = deadlines.last_day(start=start, amount=amount, unit=unit, calendar=with_holiday)
    assert after >= before
