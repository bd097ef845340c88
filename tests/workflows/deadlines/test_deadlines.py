"""Due dates on real 2026 dates, each worked out by hand (the reason is beside each one)."""

from datetime import UTC, date, datetime

import pytest

from workflows.deadlines import dates as deadlines
from workflows.deadlines import policies
from workflows.deadlines.calendar import Override, WorkingCalendar

POLICIES = policies.default()
ON = date(2026, 1, 1)


def due_day(kind: str, phase: str, start: date, calendar=None, **variant) -> date:
    policy = POLICIES.in_force(kind, ON)
    step = getattr(policy, phase)
    day, _ = deadlines.last_day(
        start=start,
        amount=step.amount(variant.get("complexity", "normal"), variant.get("remote", False)),
        unit=step.unit,
        calendar=calendar or WorkingCalendar(),
    )
    return day


def test_deadline_ends_at_24_local_stored_in_utc():
    # Civil Code 2015 Art. 148.6: a time limit in days ends at 24:00 of its last day. 24:00 in
    # Hà Nội (UTC+7) on 05/03 is 17:00 UTC; the stored instant is the microsecond before it.
    end = deadlines.end_of_day(date(2026, 3, 5))
    assert end == datetime(2026, 3, 5, 16, 59, 59, 999999, tzinfo=UTC)
    assert deadlines.local_date(end) == date(2026, 3, 5)


def test_complaint_received_just_before_tet_is_accepted_after_it():
    # Received Thu 12/02/2026. Working days after it: Fri 13/02 (1); Sat 14, Sun 15 and Tết
    # Mon 16 - Fri 20/02 and the weekend 21-22 are off; 23-27/02 (2-6); 28/02-01/03 weekend;
    # 02, 03, 04, 05/03 (7-10). Acceptance is due Thu 05/03/2026.
    assert due_day("complaint", "accept", date(2026, 2, 12)) == date(2026, 3, 5)


def test_complaint_resolution_ending_on_a_saturday_moves_to_monday():
    # Accepted Thu 05/03/2026: 30 days later is Sat 04/04/2026, a day off, so the deadline
    # moves to the next working day, Mon 06/04/2026.
    assert due_day("complaint", "resolve", date(2026, 3, 5)) == date(2026, 4, 6)


def test_complaint_resolution_ending_on_30_april_moves_past_the_long_weekend():
    # Accepted Tue 31/03/2026: +30 days = Thu 30/04 (holiday); Fri 01/05 (holiday); 02-03/05
    # weekend: the deadline moves to Mon 04/05/2026.
    assert due_day("complaint", "resolve", date(2026, 3, 31)) == date(2026, 5, 4)


def test_petition_answer_across_hung_kings_and_30_april_1_may():
    # Received Wed 22/04/2026: Thu 23 (1), Fri 24 (2); Sat 25, Sun 26 (Giỗ Tổ), Mon 27 (Giỗ Tổ
    # observed) off; Tue 28 (3), Wed 29 (4); 30/04, 01/05 and the weekend off; 04-08/05 (5-9);
    # weekend; Mon 11/05 (10).
    assert due_day("petition", "accept", date(2026, 4, 22)) == date(2026, 5, 11)


def test_petition_answer_counts_worked_saturday_and_skips_national_day():
    # Received Thu 20/08/2026: Fri 21 (1), Sat 22/08 is a worked Saturday (2); Sun 23 off;
    # 24-28/08 (3-7); Sat 29, Sun 30 off; Mon 31/08 (day off swapped for 22/08), Tue 01/09 and
    # Wed 02/09 (National Day) off; Thu 03 (8), Fri 04 (9); weekend; Mon 07/09 (10).
    assert due_day("petition", "accept", date(2026, 8, 20)) == date(2026, 9, 7)


def test_complaint_resolution_ending_on_national_day_moves_to_3_september():
    # Accepted Sun 02/08/2026: +30 days = Tue 01/09 (National Day); Wed 02/09 also off;
    # the deadline moves to Thu 03/09/2026.
    assert due_day("complaint", "resolve", date(2026, 8, 2)) == date(2026, 9, 3)


def test_cultural_day_24_november_is_off_from_2026():
    # Received Fri 20/11/2026: Mon 23 (1); Tue 24/11 Vietnam Cultural Day off (from 2026);
    # 25, 26, 27 (2-4); weekend; 30/11-04/12 (5-9); weekend; Mon 07/12 (10).
    assert due_day("complaint", "accept", date(2026, 11, 20)) == date(2026, 12, 7)
    # In 2025 the same day was an ordinary Monday.
    assert WorkingCalendar().is_working_day(date(2025, 11, 24))


def test_remote_complex_complaint_gets_60_days():
    # Accepted Mon 02/03/2026: remote and complex: 60 days = Fri 01/05/2026 (holiday), then the
    # weekend 02-03/05: due Mon 04/05/2026.
    day = due_day("complaint", "resolve", date(2026, 3, 2), complexity="complex", remote=True)
    assert day == date(2026, 5, 4)


def test_admin_day_off_and_worked_saturday_change_the_count():
    # An extra day off on Fri 13/02/2026 pushes the Tết acceptance one working day later:
    # Fri 06/03/2026. A worked Sat 28/02 pulls it back to Thu 05/03.
    extra_off = WorkingCalendar({date(2026, 2, 13): Override(False, "Nghỉ bù của tỉnh")})
    assert due_day("complaint", "accept", date(2026, 2, 12), extra_off) == date(2026, 3, 6)
    both = WorkingCalendar(
        {
            date(2026, 2, 13): Override(False, "Nghỉ bù của tỉnh"),
            date(2026, 2, 28): Override(True, "Làm bù"),
        }
    )
    assert due_day("complaint", "accept", date(2026, 2, 12), both) == date(2026, 3, 5)


def test_pause_across_the_april_holidays_counts_only_working_days():
    # Tue 28/04 to Mon 04/05/2026: 28 and 29/04 are working days; 30/04, 01/05 and the weekend
    # are not: the pause took 2 working days, or 6 calendar days.
    cal = WorkingCalendar()
    start, end = datetime(2026, 4, 28, 2, tzinfo=UTC), datetime(2026, 5, 4, 2, tzinfo=UTC)
    assert (
        deadlines.paused_units(paused_at=start, resumed_at=end, unit="working_days", calendar=cal)
        == 2
    )
    assert deadlines.paused_units(paused_at=start, resumed_at=end, unit="days", calendar=cal) == 6


@pytest.mark.parametrize(
    ("complexity", "remote", "expected"),
    [
        ("normal", False, 30),
        ("complex", False, 45),
        ("normal", True, 45),
        ("complex", True, 60),
        ("especially_complex", False, 45),
        ("especially_complex", True, 60),
    ],
)
def test_complaint_resolve_variants(complexity, remote, expected):
    step = POLICIES.in_force("complaint", ON).resolve
    assert step.amount(complexity, remote) == expected
