"""Stale rows removed by the scheduler's hourly housekeeping."""

from datetime import timedelta

import sqlalchemy as sa

from api import throttle
from models import ThrottleCounter
from workflows.flows.housekeeping import THROTTLE_KEPT, prune_throttle_counters


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
