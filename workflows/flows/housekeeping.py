"""Rows that outlive their use, removed by the embedded scheduler (workflows/flows/scheduler.py)
in the process holding the lease, every hour.

- Throttle counters (api/throttle.py): a rule reads the current and the previous fixed window
  of its key, and the longest window is 15 minutes; a counter an hour old is read by nobody.
  Every public page request may write one, so the table grows by the visitors of the day.
- Sign-in sessions a day after they ended or expired: such a token is refused anyway
  (workflows/org/sessions.py), and who signed in when stays in `security_events`.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session

from models import ThrottleCounter, UserSession

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
