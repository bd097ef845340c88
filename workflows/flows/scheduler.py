"""The embedded scheduler of `dondoc serve`: APScheduler runs the flows in-process.

Every server process of `dondoc serve --workers N` starts one, and they share the schedule
through a lease row (workflows/flows/lease.py): the process holding it sweeps every
`DONDOC_SWEEP_INTERVAL_SECONDS`, fetches the agencies' feedback mailboxes as often, writes
the morning digest and removes stale rows every hour (workflows/flows/housekeeping.py); the
others only try to take it, every third of an interval, so one of them carries on when the
holder dies. A process that stops cleanly gives the lease up, so another takes it at its
next try. Turned off with DONDOC_SCHEDULER_ENABLED=false when Prefect deployments take over.
"""

import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from core.settings import Settings
from models.db import session_scope
from workflows.flows import edge, housekeeping, lease

JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 600}
HOUSEKEEPING_EVERY_SECONDS = 3600
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """This process's part of the shared schedule."""

    holder: str  # host:pid:token, unique per process
    interval: timedelta  # between two sweeps, whichever process runs them
    # Set by a clean stop: a renewal already handed to a thread must not take the lease
    # back after it was given up. Renewals and the stop take `renewing` in turn.
    stopping: threading.Event = field(default_factory=threading.Event, compare=False)
    renewing: threading.Lock = field(default_factory=threading.Lock, compare=False)

    @property
    def tick(self) -> timedelta:
        """How often the lease is renewed (or tried) and a sweep looked for."""
        return max(self.interval / 3, timedelta(seconds=1))

    @property
    def ttl(self) -> timedelta:
        """A lease outlives one missed renewal; a dead holder's expires within two ticks,
        and the next tick of another process takes it: within one interval."""
        return 2 * self.tick

    @classmethod
    def for_this_process(cls, settings: Settings) -> "Schedule":
        holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        return cls(holder=holder, interval=timedelta(seconds=settings.sweep_interval_seconds))


def renew_lease(schedule: Schedule) -> bool:
    """Take or renew the lease; never once this process has begun to stop."""
    with schedule.renewing:
        if schedule.stopping.is_set():
            return False
        with session_scope(edge.engine()) as session:
            return lease.hold(
                session=session, holder=schedule.holder, now=datetime.now(UTC), ttl=schedule.ttl
            )


def sweep_and_deliver(schedule: Schedule) -> str | None:
    """The sweep and the delivery, when this process holds the lease and one is due."""
    from workflows.flows.escalation_sweep import run_sweep

    # Half a tick of slack: a tick that fires a hair early still sweeps on time.
    every = schedule.interval - schedule.tick / 2
    with session_scope(edge.engine()) as session:
        claimed = lease.claim_sweep(
            session=session, holder=schedule.holder, now=datetime.now(UTC), every=every
        )
    return run_sweep(None) if claimed else None


def digest_on_working_days(schedule: Schedule) -> int | None:
    """The digest flow, every morning, in the process holding the lease: it writes nothing on
    a day off (the calendar in force, with the operator's own days)."""
    from workflows.flows.daily_digest import daily_digest

    now = datetime.now(UTC)
    with session_scope(edge.engine()) as session:
        if not lease.holds(session=session, holder=schedule.holder, now=now):
            return None
    with edge.in_process_runs():
        return daily_digest(as_of=now)


def fetch_mail(schedule: Schedule) -> dict[str, int] | None:
    """The feedback mailboxes, every interval, in the process holding the lease (one reader
    per mailbox at a time). A mailbox that cannot be read is reported, never raised."""
    from workflows.flows.fetch_mailboxes import run_fetch

    with session_scope(edge.engine()) as session:
        if not lease.holds(session=session, holder=schedule.holder, now=datetime.now(UTC)):
            return None
    return run_fetch()


def tidy_up(schedule: Schedule) -> dict[str, int] | None:
    """Stale rows removed, every hour, in the process holding the lease; how many, by table."""
    now = datetime.now(UTC)
    with session_scope(edge.engine()) as session:
        if not lease.holds(session=session, holder=schedule.holder, now=now):
            return None
        return housekeeping.tidy(session=session, now=now)


def register_jobs(scheduler: BackgroundScheduler, settings: Settings, schedule: Schedule) -> None:
    """Every job of the embedded scheduler, with fixed ids (re-registering replaces them)."""
    every_tick = IntervalTrigger(seconds=schedule.tick.total_seconds())
    first = datetime.now(UTC)  # the lease at once, not a tick after the start
    scheduler.add_job(renew_lease, every_tick, args=[schedule], id="scheduler-lease",
                      name="take or renew the schedule's lease", replace_existing=True,
                      next_run_time=first, **JOB_DEFAULTS)  # fmt: skip
    scheduler.add_job(sweep_and_deliver, every_tick, args=[schedule], id="escalation-sweep",
                      name="escalation sweep and outbox delivery", replace_existing=True,
                      **JOB_DEFAULTS)  # fmt: skip
    scheduler.add_job(fetch_mail, IntervalTrigger(seconds=schedule.interval.total_seconds()),
                      args=[schedule], id="fetch-mailboxes", name="agencies' feedback mailboxes",
                      replace_existing=True, **JOB_DEFAULTS)  # fmt: skip
    scheduler.add_job(digest_on_working_days, CronTrigger(hour=7, minute=30, timezone=settings.tz),
                      args=[schedule], id="daily-digest", name="daily digest for agency heads",
                      replace_existing=True, **JOB_DEFAULTS)  # fmt: skip
    scheduler.add_job(tidy_up, IntervalTrigger(seconds=HOUSEKEEPING_EVERY_SECONDS),
                      args=[schedule], id="housekeeping", name="stale rows removed",
                      replace_existing=True, **JOB_DEFAULTS)  # fmt: skip


class QuietOverruns(logging.Filter):
    """APScheduler warns on every tick that finds the job's previous run still going
    (`max_instances=1`): while a long sweep runs, every third of an interval. That is the
    schedule working as meant, not something for an operator; it is passed on at DEBUG and
    every other record of the logger is left alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "maximum number of running instances" in str(
            record.msg
        ):
            log.debug(record.getMessage())
            return False
        return True


def quiet_overruns(logger: logging.Logger) -> None:
    """Install QuietOverruns on APScheduler's logger, once."""
    if not any(isinstance(f, QuietOverruns) for f in logger.filters):
        logger.addFilter(QuietOverruns())


@dataclass
class EmbeddedScheduler:
    """The scheduler of this process and its part of the schedule."""

    scheduler: BackgroundScheduler
    schedule: Schedule

    def stop(self) -> None:
        """Stop the jobs (a run under way finishes in its thread) and give the lease up, so
        another process takes the schedule at its next try, not when the lease expires.
        A renewal under way is waited for; one that starts later takes nothing."""
        with self.schedule.renewing:
            self.schedule.stopping.set()
        self.scheduler.shutdown(wait=False)
        try:
            with session_scope(edge.engine()) as session:
                lease.release(session=session, holder=self.schedule.holder)
        except SQLAlchemyError:  # the database is gone: the lease expires on its own
            log.warning("the schedule's lease could not be released", exc_info=True)


def start_scheduler(settings: Settings) -> EmbeddedScheduler | None:
    """A running scheduler with the jobs registered, or None when the setting turns it off."""
    if not settings.scheduler_enabled:
        return None
    scheduler = BackgroundScheduler(timezone=settings.tz)
    quiet_overruns(logging.getLogger("apscheduler.scheduler"))
    schedule = Schedule.for_this_process(settings)
    register_jobs(scheduler, settings, schedule)
    scheduler.start()
    return EmbeddedScheduler(scheduler=scheduler, schedule=schedule)
