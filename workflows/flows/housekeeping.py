"""Rows that outlive their use, removed every hour: by the embedded scheduler
(workflows/flows/scheduler.py) in the process holding the lease, or in scale-out by the
`housekeeping` deployment of prefect.yaml (the Prefect flow `housekeeping` below).

- Throttle counters (api/throttle.py): a rule reads the current and the previous fixed window
  of its key, and the longest window is 15 minutes; a counter an hour old is read by nobody.
  Every public page request may write one, so the table grows by the visitors of the day.
- Sign-in sessions a day after they ended or expired: such a token is refused anyway
  (workflows/org/sessions.py), and who signed in when stays in `security_events`.
"""

from datetime import UTC, datetime, timedelta

from prefect import flow, task
from sqlalchemy import delete, or_
from sqlmodel import Session

from models import ThrottleCounter, UserSession
from models.db import session_scope
from workflows.flows import edge

# Read by no rule any more: twice the longest window of api/throttle.py, with room.
THROTTLE_KEPT = timedelta(hours=1)
SESSIONS_KEPT = timedelta(days=1)  # after the end: room for a clock a little behind


def tidy(*, session: Session, now: datetime) -> dict[str, int]:
    """Everything this module removes, by table; the caller commits."""
    return {
        "throttle_counters": prune_throttle_counters(session=session, now=now),
        "user_sessions": prune_sessions(session=session, now=now),
    }


def prune_throttle_counters(*, session: Session, now: datetime) -> int:
    """Delete the throttle counters of windows that started over an hour ago; how many."""
    oldest = now - THROTTLE_KEPT
    statement = delete(ThrottleCounter).where(ThrottleCounter.window_start < oldest)
    return session.execute(statement).rowcount


def prune_sessions(*, session: Session, now: datetime) -> int:
    """Delete the sessions that ended or expired over a day ago; how many."""
    before = now - SESSIONS_KEPT
    statement = delete(UserSession).where(
        or_(UserSession.expires_at < before, UserSession.ended_at < before)
    )
    return session.execute(statement).rowcount


@task(retries=2, retry_delay_seconds=[5, 15])
def remove_stale_rows(as_of: datetime) -> dict[str, int]:
    with session_scope(edge.engine()) as session:
        return tidy(session=session, now=as_of)


@flow(name="housekeeping")
def housekeeping(as_of: datetime | None = None) -> dict[str, int]:
    """Remove what no rule reads any more; how many rows went, by table (a rerun removes
    nothing more)."""
    return remove_stale_rows(as_of or datetime.now(UTC))
