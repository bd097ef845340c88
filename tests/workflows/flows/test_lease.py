"""The schedule's lease: one holder at a time, lost when it expires, one sweep per interval."""

from datetime import timedelta

from models.db import session_scope
from models.scheduler import SchedulerLease
from workflows.flows import lease

TTL = timedelta(seconds=20)
EVERY = timedelta(seconds=30)


def hold(engine, holder, now):
    with session_scope(engine) as session:
        return lease.hold(session=session, holder=holder, now=now, ttl=TTL)


def claim(engine, holder, now):
    with session_scope(engine) as session:
        return lease.claim_sweep(session=session, holder=holder, now=now, every=EVERY)


def test_one_holder_at_a_time_until_its_lease_expires(engine, session, now):
    assert hold(engine, "a", now)
    assert not hold(engine, "b", now)
    assert hold(engine, "a", now + timedelta(seconds=10))  # renewed: expires at +30 s
    assert not hold(engine, "b", now + timedelta(seconds=25))
    assert hold(engine, "b", now + timedelta(seconds=31))  # "a" stopped renewing: "b" has it
    assert not hold(engine, "a", now + timedelta(seconds=32))
    row = session.get(SchedulerLease, lease.SCHEDULE)
    assert (row.holder, row.expires_at) == ("b", now + timedelta(seconds=51))


def test_the_holder_sweeps_once_an_interval_and_a_takeover_keeps_the_rhythm(engine, session, now):
    assert hold(engine, "a", now)
    assert not claim(engine, "a", now)  # the first sweep comes an interval after the start
    assert hold(engine, "a", now + timedelta(seconds=15))  # renewed: expires at +35 s
    assert not claim(engine, "b", now + EVERY)  # not the holder
    assert claim(engine, "a", now + EVERY)
    assert not claim(engine, "a", now + EVERY + timedelta(seconds=10))  # already swept
    # "a" dies after renewing at +40 s; "b" takes over when that lease expires, at +60 s.
    assert hold(engine, "a", now + timedelta(seconds=40))
    assert not claim(engine, "a", now + timedelta(seconds=61))  # expired: not a holder
    assert hold(engine, "b", now + timedelta(seconds=61))
    assert claim(engine, "b", now + timedelta(seconds=61))  # the sweep "a" owed at +60 s
    row = session.get(SchedulerLease, lease.SCHEDULE)
    assert (row.swept_by, row.swept_at) == ("b", now + timedelta(seconds=61))


def test_the_digest_runs_only_where_the_lease_is_held(engine, now):
    assert hold(engine, "a", now)
    with session_scope(engine) as session:
        assert lease.holds(session=session, holder="a", now=now)
        assert not lease.holds(session=session, holder="b", now=now)
        assert not lease.holds(session=session, holder="a", now=now + TTL)


def test_a_released_lease_is_taken_at_the_next_try(engine, session, now):
    """A process that stops cleanly gives the lease up; nobody else can give it up for it."""
    assert hold(engine, "a", now)
    with session_scope(engine) as s:
        assert not lease.release(session=s, holder="b")
    assert not hold(engine, "b", now)
    with session_scope(engine) as s:
        assert lease.release(session=s, holder="a")
    assert hold(engine, "b", now)  # at once, not 20 s later
    assert not hold(engine, "a", now)
