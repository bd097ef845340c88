"""Rows that outlive their use, removed by the embedded scheduler (workflows/flows/scheduler.py)
in the process holding the lease, every hour.

- Throttle counters (api/throttle.py): a rule reads the current and the previous fixed window
  of its key, and the longest window is 15 minutes; a counter an hour old is read by nobody.
  Every public page request may write one, so the table grows by the visitors of the day.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from models import ThrottleCounter

# Read by no rule any more: twice the longest window of api/throttle.py, with room.
THROTTLE_KEPT = timedelta(hours=1)


def prune_throttle_counters(*, session: Session, now: datetime) -> int:
    """Delete the throttle counters of windows that started over an hour ago; how many."""
    oldest = now - THROTTLE_KEPT
    statement = delete(ThrottleCounter).where(ThrottleCounter.window_start < oldest)
    return session.execute(statement).rowcount
