"""Running, overdue, soon due: the one rule, for Python objects and for SQL alike.

A case's clock runs while it is `received` (the accept deadline) or `accepted` (the resolve
deadline); a case `on_hold` waits for the citizen's documents and its clock is paused, so it
is never overdue, whatever its stored `due_at`. A running case is overdue once its due instant
has passed, and soon due when the instant falls within SOON_DUE from now.

Lists and searches, reports and the dashboard, pages, emails, the agenda and the escalation
sweep all ask this module: `is_overdue` for a case (or a row with `status` and `due_at`) in
hand, `overdue_condition` for a WHERE clause. Both are built from RUNNING and the same
comparison, side by side; tests/workflows/deadlines/test_overdue.py checks that they agree.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, not_

from models import Case, CaseStatus

RUNNING = (CaseStatus.received, CaseStatus.accepted)
# How close to its deadline a running case is "soon due" (queue, dashboard).
SOON_DUE = timedelta(days=3)


def is_running(case: Any) -> bool:
    """The case's clock runs: it has a due instant and is neither paused nor finished."""
    return case.status in RUNNING and case.due_at is not None


def is_paused(case: Any) -> bool:
    """The case waits for the citizen's documents: its clock stands still."""
    return case.status == CaseStatus.on_hold


def is_overdue(*, case: Any, now: datetime) -> bool:
    """A running case past its due instant."""
    return is_running(case) and case.due_at < now


def is_soon_due(*, case: Any, now: datetime) -> bool:
    """A running case due within SOON_DUE, not yet overdue."""
    return is_running(case) and now <= case.due_at < now + SOON_DUE


def urgency(*, case: Any, now: datetime) -> str:
    """How a list colours the case: "overdue", "soon" or "" (neither)."""
    if is_overdue(case=case, now=now):
        return "overdue"
    return "soon" if is_soon_due(case=case, now=now) else ""


def running_condition():
    """SQL: is_running()."""
    return and_(Case.status.in_(RUNNING), Case.due_at.is_not(None))


def overdue_condition(now: datetime):
    """SQL: is_overdue()."""
    return and_(running_condition(), Case.due_at < now)


def not_overdue_condition(now: datetime):
    """SQL: not is_overdue() (a NULL due_at counts as not overdue)."""
    return not_(overdue_condition(now))


def soon_due_condition(now: datetime):
    """SQL: is_soon_due()."""
    return and_(running_condition(), Case.due_at >= now, Case.due_at < now + SOON_DUE)


def resolved_on_time(case: Any) -> bool | None:
    """Whether a resolved (or closed) case was resolved by its deadline; None when it was
    not resolved or had no deadline (the rule of the reports' on-time rate)."""
    if case.resolved_at is None or case.resolved_due_at is None:
        return None
    return case.resolved_at <= case.resolved_due_at
