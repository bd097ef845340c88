"""The embedded scheduler of `dondoc serve`: APScheduler runs the flows in-process.

Every server process of `dondoc serve --workers N` starts one, and they share the schedule
through a lease row (workflows/flows/lease.py): the process holding it sweeps every
`DONDOC_SWEEP_INTERVAL_SECONDS`, fetches the agencies' feedback mailboxes as often and writes
the morning digest; the others only try to take
it, every third of an interval, so one of them carries on when the holder dies.
Turned off with DONDOC_SCHEDULER_ENABLED=false when Prefect deployments take over.
"""

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.settings import Settings
from models.db import session_scope
from workflows.flows import edge, lease

JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 600}


@dataclass(frozen=True)
class Schedule:
    """This process's part of the shared schedule."""

    holder: str  # host:pid:token, unique per process
    interval: timedelta  # between two sweeps, whichever process runs them

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


def start_scheduler(settings: Settings) -> BackgroundScheduler | None:
    """A running scheduler with the jobs registered, or None when the setting turns it off."""
    if not settings.scheduler_enabled:
        return None
    scheduler = BackgroundScheduler(timezone=settings.tz)
    register_jobs(scheduler, settings, Schedule.for_this_process(settings))
    scheduler.start()
    return scheduler
