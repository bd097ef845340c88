"""Flow runs in this process run without heartbeats unless a Prefect server is in charge."""

import threading

from prefect import flow
from prefect.context import FlowRunContext
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)

from workflows.flows import edge


@flow(name="heartbeat-probe")
def heartbeat_probe() -> tuple[bool, int | None]:
    """What the flow engine reads for this run's heartbeat interval (None: no heartbeat)."""
    return FlowRunContext.get() is not None, get_current_settings().flows.heartbeat_frequency


def in_a_new_thread(function):
    """As APScheduler calls a job: in a thread of its own, without the caller's context."""
    out = []
    thread = threading.Thread(target=lambda: out.append(function()))
    thread.start()
    thread.join(timeout=120)
    return out[0]


def probe_in_process():
    with edge.in_process_runs():
        return heartbeat_probe()


def test_an_embedded_flow_run_has_no_heartbeat_even_in_a_scheduler_thread(settings):
    assert PREFECT_API_URL.value() is None  # embedded: the ephemeral server of the tests
    assert in_a_new_thread(probe_in_process) == (True, None)
    # Outside it (and so for workers), Prefect's default stays.
    assert in_a_new_thread(heartbeat_probe) == (True, 180)


def test_with_a_prefect_server_in_charge_the_heartbeat_stays():
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        with edge.in_process_runs():
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180
    with edge.in_process_runs():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180
