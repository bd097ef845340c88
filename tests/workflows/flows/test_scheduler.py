"""The embedded scheduler: two jobs with fixed ids, and a setting that turns it off."""

from apscheduler.schedulers.background import BackgroundScheduler

from workflows.flows.scheduler import register_jobs, start_scheduler


def test_jobs_are_registered_once_with_fixed_ids(settings):
    scheduler = BackgroundScheduler(timezone=settings.tz)
    register_jobs(scheduler, settings)
    register_jobs(scheduler, settings)  # replaces, never duplicates
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"escalation-sweep", "daily-digest"}
    assert (
        jobs["escalation-sweep"].trigger.interval.total_seconds() == settings.sweep_interval_seconds
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
        assert {job.id for job in scheduler.get_jobs()} == {"escalation-sweep", "daily-digest"}
    finally:
        scheduler.shutdown(wait=False)
