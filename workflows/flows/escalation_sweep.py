"""Prefect flow `escalation_sweep`: apply every due ladder step, in batches of cases.

Why a flow: the sweep runs every few minutes, from APScheduler in `dondoc serve` or from a
Prefect deployment on any number of workers. It selects due cases from the schedule's index
(`case_schedule.next_action_at`), and applies them 1,000 cases per task (one transaction
each, retried); the logic lives in workflows/escalation/sweep.py and is tested without Prefect.

Why 1,000: a batch costs a fixed handful of statements and a Prefect task run (about 10 ms of
orchestration), so fewer, larger batches are cheaper, while a batch still commits in a few
hundred milliseconds and holds its cases' row locks no longer (docs/benchmarks.md).
"""

from datetime import UTC, datetime
from typing import Annotated

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import Field

from models.db import session_scope
from workflows.escalation.sweep import BatchResult, apply_batch, due_case_ids
from workflows.flows import edge
from workflows.health import SWEEP, record_run

BATCH_SIZE = 1000


@task(retries=2, retry_delay_seconds=[5, 15])
def find_due_cases(as_of: datetime) -> list[int]:
    with session_scope(edge.engine()) as session:
        return due_case_ids(session=session, as_of=as_of)


# NO_CACHE: a batch is always run, never answered from a cached result (and its key, a hash
# of 1,000 ids, is not computed for nothing).
@task(retries=2, retry_delay_seconds=[5, 15], cache_policy=NO_CACHE)
def apply_steps(case_ids: list[int], as_of: datetime) -> dict[str, int]:
    """One batch, one transaction: rerunning it after a failure applies nothing twice."""
    with session_scope(edge.engine()) as session:
        result = apply_batch(
            session=session, case_ids=case_ids, now=as_of, base_url=edge.settings().base_url
        )
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
    for start in range(0, len(ids), batch_size):
        # quote(): Prefect passes the ids as they are instead of visiting each of them twice
        # looking for futures (16 ms per task of 1,000 ids).
        batch = quote(ids[start : start + batch_size])
        total.add(BatchResult(**apply_steps(batch, as_of)))
    with session_scope(edge.engine()) as session:  # for /readyz: when the sweep last ran
        summary = f"{total.cases} due cases, {total.steps} steps, as of {as_of.isoformat()}"
        record_run(session=session, job=SWEEP, summary=summary, now=datetime.now(UTC))
    return total.__dict__


def run_sweep(as_of: datetime | None = None) -> str:
    """`dondoc sweep [--as-of INSTANT]` and the embedded scheduler's job: one sweep, then one
    delivery, in this process (edge.in_process_runs); a printable summary."""
    from workflows.flows.deliver_notifications import deliver_notifications

    as_of = as_of or datetime.now(UTC)
    with edge.in_process_runs():
        swept = escalation_sweep(as_of=as_of)
        delivered = deliver_notifications(now=as_of)
    return (
        f"sweep as of {as_of.isoformat()}: {swept['cases']} due cases, {swept['steps']} steps "
        f"applied, {swept['notifications']} notifications queued, {swept['flagged']} flagged "
        f"for inspection\ndelivery: {delivered}"
    )
