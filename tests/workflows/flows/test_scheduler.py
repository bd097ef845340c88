"""The embedded scheduler: five jobs with fixed ids, a setting that turns it off, a lease given
up on a clean stop (and not taken back by a late renewal), and no warning for a job still
running at its next tick."""

import logging
import threading
import time
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from models.db import session_scope
from workflows.flows import lease
from workflows.flows.scheduler import (
    Schedule,
    quiet_overruns,
    register_jobs,
    renew_lease,
    start_scheduler,
)

JOBS = {"scheduler-lease", "escalation-sweep", "fetch-mailboxes", "daily-digest", "housekeeping"}


def test_jobs_are_registered_once_with_fixed_ids(settings):
    scheduler = BackgroundScheduler(timezone=settings.tz)
    schedule = Schedule.for_this_process(settings)
    register_jobs(scheduler, settings, schedule)
    register_jobs(scheduler, settings, schedule)  # replaces, never duplicates
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == JOBS
    # The lease and the sweep are looked at every third of the interval.
    for job in ("scheduler-lease", "escalation-sweep"):
        assert jobs[job].trigger.interval.total_seconds() == settings.sweep_interval_seconds / 3
    # The mailboxes are fetched once an interval.
    assert (
        jobs["fetch-mailboxes"].trigger.interval.total_seconds() == settings.sweep_interval_seconds
    )
    assert str(jobs["daily-digest"].trigger) == "cron[hour='7', minute='30']"
    assert str(jobs["daily-digest"].trigger.timezone) == "Asia/Ho_Chi_Minh"
    assert jobs["housekeeping"].trigger.interval.total_seconds() == 3600
    for job in jobs.values():
        assert (job.max_instances, job.coalesce) == (1, True)


def test_the_setting_turns_the_scheduler_off(settings):
    assert not settings.scheduler_enabled  # the test settings turn it off
    assert start_scheduler(settings) is None


def test_serve_starts_the_scheduler_and_a_clean_stop_hands_the_lease_on(
    settings, engine, monkeypatch
):
    monkeypatch.setattr(settings, "scheduler_enabled", True)
    embedded = start_scheduler(settings)
    try:
        assert embedded.scheduler.running
        assert {job.id for job in embedded.scheduler.get_jobs()} == JOBS
        assert _held_within(engine, embedded.schedule.holder, seconds=10)  # taken at start
    finally:
        embedded.stop()
    assert not embedded.scheduler.running
    # Another process takes the schedule at its very next try, not when the lease expires.
    with session_scope(engine) as session:
        now = datetime.now(UTC)
        assert lease.hold(session=session, holder="other", now=now, ttl=embedded.schedule.ttl)


def test_a_renewal_that_runs_after_the_stop_does_not_take_the_lease_back(
    settings, engine, monkeypatch
):
    monkeypatch.setattr(settings, "scheduler_enabled", True)
    embedded = start_scheduler(settings)
    try:
        assert _held_within(engine, embedded.schedule.holder, seconds=10)
    finally:
        embedded.stop()
    # A renewal APScheduler handed to a worker thread just before the shutdown runs late.
    assert renew_lease(embedded.schedule) is False
    with session_scope(engine) as session:
        now = datetime.now(UTC)
        assert not lease.holds(session=session, holder=embedded.schedule.holder, now=now)
        assert lease.hold(session=session, holder="other", now=now, ttl=embedded.schedule.ttl)


def _held_within(engine, holder: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            if lease.holds(session=session, holder=holder, now=datetime.now(UTC)):
                return True
        time.sleep(0.05)
    return False


def test_a_job_still_running_at_its_next_tick_is_not_a_warning(caplog):
    """A sweep longer than a tick made APScheduler warn at every tick; now DEBUG, and the
    logger's other warnings still reach the log."""
    apscheduler_log = logging.getLogger("apscheduler.scheduler")
    quiet_overruns(apscheduler_log)
    caplog.set_level(logging.DEBUG)
    release = threading.Event()
    scheduler = BackgroundScheduler()
    scheduler.add_job(release.wait, "interval", seconds=0.05, max_instances=1, coalesce=True)
    scheduler.start()
    try:
        time.sleep(0.6)  # the first run blocks; the ticks after it find it running
    finally:
        release.set()
        scheduler.shutdown(wait=True)
    apscheduler_log.warning("a job store is unreachable")
    overruns = [r for r in caplog.records if "maximum number of running instances" in r.message]
    assert overruns, "the overrunning job should have been noticed"
    assert all(r.levelno == logging.DEBUG for r in overruns)
    warnings = [r.message for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["a job store is unreachable"]
