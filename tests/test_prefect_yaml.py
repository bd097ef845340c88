"""prefect.yaml names real flows, on the process pool, on the Hà Nội clock."""

import importlib
from pathlib import Path

import yaml
from prefect import Flow

from core.clock import LOCAL_TZ

ROOT = Path(__file__).resolve().parent.parent


def load():
    return yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))


def test_every_entrypoint_imports_as_a_flow():
    deployments = load()["deployments"]
    assert {d["name"] for d in deployments} == {
        "escalation-sweep",
        "deliver-notifications",
        "daily-digest",
        "fetch-mailboxes",
        "housekeeping",
    }
    for deployment in deployments:
        path, name = deployment["entrypoint"].split(":")
        assert (ROOT / path).exists()
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, name), Flow), deployment["entrypoint"]


def test_deployments_run_on_the_process_pool_without_overlap():
    for deployment in load()["deployments"]:
        assert deployment["work_pool"]["name"] == "dondoc"
        assert deployment["concurrency_limit"] == 1
        for schedule in deployment["schedules"]:
            assert schedule["timezone"] == LOCAL_TZ.key  # the one zone, core/clock.py


def test_the_digest_runs_at_half_past_seven():
    (digest,) = [d for d in load()["deployments"] if d["name"] == "daily-digest"]
    assert digest["schedules"][0]["cron"] == "30 7 * * 1-6"
