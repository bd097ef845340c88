"""Prefect flow `deliver_notifications`: hand the due outbox rows to notifications/.

Why a flow: delivery is retried and idempotent, separate from the transactions that write the
outbox, and runs on the same schedule as the sweep (APScheduler or a Prefect deployment).
The sending itself is `notifications.delivery.deliver_due(*, engine, settings, now)`.
"""

from datetime import UTC, datetime

from prefect import flow, task

from models.db import session_scope
from workflows.flows import edge
from workflows.health import DELIVERY, record_run


@task(retries=2, retry_delay_seconds=[5, 15])
def deliver_due_batch(now: datetime) -> str:
    """Send what is due; a missing delivery module is reported, not hidden."""
    try:
        from notifications.delivery import deliver_due
    except ImportError as exc:
        return f"not available ({exc})"
    report = deliver_due(engine=edge.engine(), settings=edge.settings(), now=now)
    summary = (
        f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed "
        f"({report.transport})"
    )
    with session_scope(edge.engine()) as session:  # for /readyz
        record_run(session=session, job=DELIVERY, summary=summary, now=datetime.now(UTC))
    return summary


@flow(name="deliver-notifications")
def deliver_notifications(now: datetime | None = None) -> str:
    """Deliver the outbox rows due at `now` (the clock when not given)."""
    return deliver_due_batch(now or datetime.now(UTC))
