"""The embedded scheduler of `dondoc serve`: APScheduler runs the flows in-process.

Turned off with DONDOC_SCHEDULER_ENABLED=false when Prefect deployments take over.
"""

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.settings import Settings
from workflows.flows import edge

JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 600}


def sweep_and_deliver() -> str:
    from workflows.flows.escalation_sweep import run_sweep

    return run_sweep(None)


def digest_on_working_days() -> int:
    """The digest flow, every morning: it writes nothing on a day off (the calendar in force,
    with the operator's own days)."""
    from workflows.flows.daily_digest import daily_digest

    with edge.in_process_runs():
        return daily_digest(as_of=datetime.now(UTC))


def register_jobs(scheduler: BackgroundScheduler, settings: Settings) -> None:
    """Every job of the embedded scheduler, with fixed ids (re-registering replaces them)."""
    scheduler.add_job(
        sweep_and_deliver,
        IntervalTrigger(seconds=settings.sweep_interval_seconds),
        id="escalation-sweep",
        name="escalation sweep and outbox delivery",
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    scheduler.add_job(
        digest_on_working_days,
        CronTrigger(hour=7, minute=30, timezone=settings.tz),
        id="daily-digest",
        name="daily digest for agency heads",
        replace_existing=True,
        **JOB_DEFAULTS,
    )


def start_scheduler(settings: Settings) -> BackgroundScheduler | None:
    """A running scheduler with the jobs registered, or None when the setting turns it off."""
    if not settings.scheduler_enabled:
        return None
    scheduler = BackgroundScheduler(timezone=settings.tz)
    register_jobs(scheduler, settings)
    scheduler.start()
    return scheduler
