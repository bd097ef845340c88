"""The embedded scheduler: four jobs with fixed ids, and a setting that turns it off."""

from apscheduler.schedulers.background import BackgroundScheduler

from workflows.flows.scheduler import Schedule, register_jobs, start_scheduler

JOBS = {"scheduler-lease", "escalation-sweep", "fetch-mailboxes", "daily-digest"}


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
    for job in jobs.values():
        assert (job.max_instances, job.coalesce) == (1, True)


def test_the_setting_turns_the_scheduler_off(settings):
    assert not settings.scheduler_enabled  # the test settings turn it off
    assert start_scheduler(settings) is None


def test_serve_starts_and_stops_the_scheduler(settings, monkeypatch):
    monkeypatch.setattr(settings, "scheduler_enabled", True)
    scheduler = start_scheduler(settings)
    try:
        assert scheduler.running
        assert {job.id for job in scheduler.get_jobs()} == JOBS
    finally:
        scheduler.shutdown(wait=False)
