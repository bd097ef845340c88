"""Prefect flow `escalation_sweep`: apply every due ladder step, in batches of cases.

Why a flow: the sweep runs every few minutes, from APScheduler in `dondoc serve` or from a
Prefect deployment on any number of workers. It selects due cases by the indexed
`next_action_at`, and applies them 1,000 cases per task (one transaction each, retried); the
logic lives in workflows/escalation/sweep.py and is tested without Prefect.

Why 1,000: a batch costs a fixed handful of statements and a Prefect task run (about 10 ms of
orchestration), so fewer, larger batches are cheaper, while a batch still commits in a few
hundred milliseconds and holds its cases' row locks no longer (docs/benchmarks.md).
"""

import os
import signal
from datetime import UTC, datetime
from typing import Annotated

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import Field

from core.settings import get_settings
from models.db import get_engine, session_scope
from workflows.escalation.sweep import BatchResult, apply_batch, due_case_ids
from workflows.health import SWEEP, record_run

BATCH_SIZE = 1000
# Fault injection for the crash tests: "committed:N" kills the process after N committed
# batches, "uncommitted:N" inside batch N+1 after its steps are written, before the commit.
KILL_ENV = "DONDOC_SWEEP_KILL_AT"


def _kill_point(where: str, batches_done: int) -> None:
    spec = os.environ.get(KILL_ENV, "")
    if spec and spec == f"{where}:{batches_done}":
        os.kill(os.getpid(), signal.SIGKILL)


@task(retries=2, retry_delay_seconds=[5, 15])
def find_due_cases(as_of: datetime) -> list[int]:
    with session_scope(get_engine()) as session:
        return due_case_ids(session=session, as_of=as_of)


# NO_CACHE: a batch is always run, never answered from a cached result (and its key, a hash
# of 1,000 ids, is not computed for nothing).
@task(retries=2, retry_delay_seconds=[5, 15], cache_policy=NO_CACHE)
def apply_steps(case_ids: list[int], as_of: datetime, batches_done: int = 0) -> dict[str, int]:
    """One batch, one transaction: rerunning it after a failure applies nothing twice."""
    with session_scope(get_engine()) as session:
        result = apply_batch(
            session=session, case_ids=case_ids, now=as_of, base_url=get_settings().base_url
        )
        session.flush()
        _kill_point("uncommitted", batches_done)
    _kill_point("committed", batches_done + 1)
    return result.__dict__


@flow(name="escalation-sweep", log_prints=False)
def escalation_sweep(
    as_of: datetime | None = None,
    batch_size: Annotated[int, Field(ge=1, le=5000)] = BATCH_SIZE,
) -> dict[str, int]:
    """Apply the ladder steps due at `as_of` (now when not given)."""
    as_of = as_of or datetime.now(UTC)
    ids = find_due_cases(as_of)
    total = BatchResult()
    for n, start in enumerate(range(0, len(ids), batch_size)):
        # quote(): Prefect passes the ids as they are instead of visiting each of them twice
        # looking for futures (16 ms per task of 1,000 ids).
        batch = quote(ids[start : start + batch_size])
        total.add(BatchResult(**apply_steps(batch, as_of, n)))
    with session_scope(get_engine()) as session:  # for /readyz: when the sweep last ran
        summary = f"{total.cases} due cases, {total.steps} steps, as of {as_of.isoformat()}"
        record_run(session=session, job=SWEEP, summary=summary, now=datetime.now(UTC))
    return total.__dict__


def run_sweep(as_of: datetime | None = None) -> str:
    """`dondoc sweep [--as-of INSTANT]`: one sweep, then one delivery; a printable summary."""
    from workflows.flows.deliver_notifications import deliver_notifications

    as_of = as_of or datetime.now(UTC)
    swept = escalation_sweep(as_of=as_of)
    delivered = deliver_notifications(now=as_of)
    return (
        f"sweep as of {as_of.isoformat()}: {swept['cases']} due cases, {swept['steps']} steps "
        f"applied, {swept['notifications']} notifications queued, {swept['flagged']} flagged "
        f"for inspection\ndelivery: {delivered}"
    )
