"""Stale rows removed by the hourly housekeeping: old throttle counters, ended sessions; by
the embedded scheduler, or by the `housekeeping` flow on the real Prefect engine (the
deployment of prefect.yaml in scale-out)."""

from datetime import timedelta

import sqlalchemy as sa

from api import throttle
from models import Role, ThrottleCounter, UserSession
from tests.factories import make_agency, make_user
from workflows.flows.housekeeping import (
    THROTTLE_KEPT,
    housekeeping,
    prune_throttle_counters,
    tidy,
)


def test_old_throttle_counters_go_and_the_ones_a_rule_still_reads_stay(session, now):
    for minutes in (10, 20, 50, 70, 600):
        session.add(
            ThrottleCounter(rule="lookup-client", key=f"k{minutes}", hits=3,
                            window_start=now - timedelta(minutes=minutes))
        )  # fmt: skip
    session.commit()
    assert prune_throttle_counters(session=session, now=now) == 2
    session.commit()
    left = session.scalars(sa.select(ThrottleCounter.key).order_by(ThrottleCounter.key)).all()
    assert left == ["k10", "k20", "k50"]


def test_no_rule_reads_a_counter_older_than_what_is_kept():
    """A rule reads its current window and the one before it."""
    rules = [value for value in vars(throttle).values() if isinstance(value, throttle.Rule)]
    assert rules
    assert all(2 * rule.window <= THROTTLE_KEPT for rule in rules)


def test_sessions_go_a_day_after_they_ended_or_expired(session, now):
    user = make_user(session, Role.officer, make_agency(session, "UBND xã Tân Cương"))
    hour, day = timedelta(hours=1), timedelta(days=1)
    rows = {
        "live": (now + 8 * hour, None),
        "expired-an-hour-ago": (now - hour, None),
        "expired-two-days-ago": (now - 2 * day, None),
        "signed-out-two-days-ago": (now + 8 * hour, now - 2 * day),
    }
    for key, (expires_at, ended_at) in rows.items():
        session.add(UserSession(id=key, user_id=user.id, csrf_token="t", created_at=now - 3 * day,
                                expires_at=expires_at, ended_at=ended_at))  # fmt: skip
    session.commit()
    assert tidy(session=session, now=now) == {"throttle_counters": 0, "user_sessions": 2}
    session.commit()
    left = session.scalars(sa.select(UserSession.id).order_by(UserSession.id)).all()
    assert left == ["expired-an-hour-ago", "live"]


def test_the_flow_removes_stale_rows_once(settings, engine, session, now):
    user = make_user(session, Role.clerk, make_agency(session, "UBND xã Phúc Trìu"))
    day = timedelta(days=1)
    session.add(UserSession(id="old", user_id=user.id, csrf_token="t", created_at=now - 9 * day,
                            expires_at=now - 8 * day))  # fmt: skip
    session.add(UserSession(id="live", user_id=user.id, csrf_token="t", created_at=now,
                            expires_at=now + day))  # fmt: skip
    session.add(ThrottleCounter(rule="lookup-client", key="k", hits=1,
                                window_start=now - timedelta(hours=3)))  # fmt: skip
    session.commit()
    assert housekeeping(as_of=now) == {"throttle_counters": 1, "user_sessions": 1}
    assert housekeeping(as_of=now) == {"throttle_counters": 0, "user_sessions": 0}
    assert session.scalars(sa.select(UserSession.id)).all() == ["live"]
