"""The lease that lets exactly one server process of `dondoc serve --workers N` run the
embedded schedule.

Every process tries `hold` every third of a sweep interval: an atomic UPDATE takes the row if
its lease has expired, or renews it if this process already holds it; any other live holder
makes it match nothing. A process that dies stops renewing, and its lease expires after two
of those thirds, so another process takes it and sweeps within one sweep interval of the
death. `claim_sweep` is the schedule itself: the holder sweeps when the last recorded sweep
(by any process) is an interval old, so a takeover neither skips nor doubles one.

Instants come from each process's clock: the machines of one installation keep theirs in
sync (NTP); a skew of a few seconds shortens or lengthens one lease by as much.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.scheduler import SchedulerLease

SCHEDULE = "embedded"
# What a released lease expires at: long past, so any process's next try takes it.
RELEASED = datetime(2000, 1, 1, tzinfo=UTC)


def hold(*, session: Session, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take the lease if it is free or expired, renew it if `holder` has it; whether held."""
    row = SchedulerLease
    taken = session.execute(
        update(row)
        .where(row.name == SCHEDULE, or_(row.expires_at < now, row.holder == holder))
        .values(holder=holder, expires_at=now + ttl)
    ).rowcount
    if taken:
        return True
    if session.get(row, SCHEDULE) is not None:  # another live process holds it
        return False
    try:  # the first process ever: the one whose insert wins holds it
        with session.begin_nested():
            # As if it had just swept: the first sweep comes one interval after the start,
            # as it did with one process.
            session.add(row(name=SCHEDULE, holder=holder, expires_at=now + ttl, swept_at=now))
    except IntegrityError:
        return False
    return True


def release(*, session: Session, holder: str) -> bool:
    """Give the lease up (a clean shutdown), if `holder` has it: another process takes it at
    its next try instead of when it would have expired. Whether it was held."""
    row = SchedulerLease
    return bool(
        session.execute(
            update(row)
            .where(row.name == SCHEDULE, row.holder == holder)
            .values(expires_at=RELEASED)
        ).rowcount
    )


def claim_sweep(*, session: Session, holder: str, now: datetime, every: timedelta) -> bool:
    """Whether `holder` sweeps now: it holds an unexpired lease and the last sweep is `every`
    old (or there was none). The claim is recorded (`swept_at`, `swept_by`) in the same
    statement, so two processes never claim one sweep."""
    row = SchedulerLease
    return bool(
        session.execute(
            update(row)
            .where(
                row.name == SCHEDULE,
                row.holder == holder,
                row.expires_at > now,
                or_(row.swept_at.is_(None), row.swept_at <= now - every),
            )
            .values(swept_at=now, swept_by=holder)
        ).rowcount
    )


def holds(*, session: Session, holder: str, now: datetime) -> bool:
    """Whether `holder` holds an unexpired lease (the daily digest runs only there)."""
    lease = session.get(SchedulerLease, SCHEDULE)
    return lease is not None and lease.holder == holder and lease.expires_at > now
