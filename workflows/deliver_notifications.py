"""Prefect flow `deliver_notifications`: hand the due outbox rows to notifications/.

Why a flow: delivery is retried and idempotent, separate from the transactions that write the
outbox, and runs on the same schedule as the sweep (APScheduler or a Prefect deployment).
The sending itself is `notifications.delivery.deliver_due(*, session, now, settings)`.
"""

from datetime import UTC, datetime

from prefect import flow, task

from dondoc.settings import get_settings
from models.db import get_engine, session_scope


@task(retries=2, retry_delay_seconds=[5, 15])
def deliver_due_batch(now: datetime) -> str:
    """Send what is due; a missing delivery module is reported, not hidden."""
    try:
        from notifications.delivery import deliver_due
    except ImportError as exc:
        return f"not available ({exc})"
    with session_scope(get_engine()) as session:
        result = deliver_due(session=session, now=now, settings=get_settings())
    return str(result)


@flow(name="deliver-notifications")
def deliver_notifications(now: datetime | None = None) -> str:
    """Deliver the outbox rows due at `now` (the clock when not given)."""
    return deliver_due_batch(now or datetime.now(UTC))
