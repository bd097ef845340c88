"""The ladder's times, quiet hours and acknowledgement holds, without a database."""

from datetime import UTC, date, datetime

import pytest

from workflows.escalation.ladder import Applied, load_policy, parse_policy

POLICY = load_policy()


def local(y, m, d, hh=8, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=POLICY.tz).astimezone(UTC)


def steps_at(kind, due_at):
    return {s.key: POLICY.step_at(s, due_at) for s in POLICY.ladder(kind).steps}


def test_working_days_skip_tet_and_count_working_saturdays():
    calendar = POLICY.calendar
    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)  # and back
    assert calendar.is_working_day(date(2026, 8, 22))  # a Saturday worked in exchange


def test_complaint_steps_fall_on_working_days_around_the_due_date():
    due = local(2026, 3, 10, 17, 0)  # Tuesday
    times = steps_at("complaint", due)
    assert times["reminder"] == local(2026, 3, 5)  # three working days before
    assert times["due_today"] == local(2026, 3, 10)
    assert times["overdue_head"] == local(2026, 3, 11)
    assert times["overdue_parent"] == local(2026, 3, 13)
    assert times["overdue_grandparent"] == local(2026, 3, 18)
    assert times["overdue_grandparent.1"] == local(2026, 4, 1)  # repeated every 10 working days
    assert times["long_pending"] == local(2026, 6, 8)  # 90 calendar days


def test_a_deadline_at_midnight_belongs_to_the_day_before():
    assert steps_at("complaint", local(2026, 3, 11, 0, 0))["due_today"] == local(2026, 3, 10)


def test_reminder_before_a_deadline_after_tet_skips_the_holiday():
    times = steps_at("complaint", local(2026, 2, 24, 17, 0))
    assert times["reminder"] == local(2026, 2, 12)  # Feb 13, 23 and 24 are the working days


def test_dossier_apology_is_due_the_calendar_day_before():
    times = steps_at("dossier", local(2026, 3, 9, 17, 0))  # Monday
    assert times["apology_due"] == local(2026, 3, 8)  # a Sunday: mail waits (quiet hours)
    assert times["reminder"] == local(2026, 3, 6)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 3, 11, 9, 0), None),  # Wednesday morning: send now
        (local(2026, 3, 11, 6, 0), local(2026, 3, 11, 7, 30)),  # before work
        (local(2026, 3, 11, 17, 0), local(2026, 3, 12, 7, 30)),  # after work
        (local(2026, 3, 14, 22, 0), local(2026, 3, 16, 7, 30)),  # Saturday night
        (local(2026, 2, 16, 10, 0), local(2026, 2, 23, 7, 30)),  # Tết
    ],
)
def test_quiet_hours_wait_for_the_next_working_morning(now, expected):
    assert POLICY.send_after(now) == expected


def test_plan_lists_due_steps_in_order_and_the_next_time():
    due = local(2026, 3, 10, 17, 0)
    plan = POLICY.plan(kind="complaint", due_at=due, applied={}, now=local(2026, 3, 11, 9, 0))
    assert [s.key for s, _ in plan.due] == ["reminder", "due_today", "overdue_head"]
    assert plan.next_at == local(2026, 3, 13)


def test_an_acknowledged_step_holds_the_steps_above_it():
    due = local(2026, 3, 10, 17, 0)
    grace = local(2026, 3, 18, 10, 0)
    applied = {key: Applied(level=lvl) for key, lvl in [("reminder", 0), ("due_today", 0)]} | {
        "overdue_head": Applied(level=1, grace_until=grace)
    }
    plan = POLICY.plan(kind="complaint", due_at=due, applied=applied, now=local(2026, 3, 17, 9))
    assert plan.due == []
    assert plan.next_at == grace
    later = POLICY.plan(kind="complaint", due_at=due, applied=applied, now=local(2026, 3, 18, 11))
    assert [s.key for s, _ in later.due] == ["overdue_parent", "overdue_grandparent"]


def test_grace_counts_working_days():
    assert POLICY.grace_until("complaint", local(2026, 3, 11, 10, 0)) == local(2026, 3, 18, 10, 0)


def test_unknown_kind_uses_the_complaint_ladder():
    assert POLICY.ladder("something-new").kind == "complaint"


def test_a_ladder_with_duplicate_keys_is_refused():
    data = {
        "working_hours": {"start": "07:30", "end": "17:00"},
        "kinds": {"complaint": {"steps": [{"key": "a", "offset": 0}, {"key": "a", "offset": 1}]}},
    }
    with pytest.raises(ValueError, match="duplicate"):
        parse_policy(data)
