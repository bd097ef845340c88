"""The escalation ladder: when the sweep must next look at a case."""

from datetime import datetime

from sqlmodel import Session

from models import Case, CaseStatus


def reschedule(*, session: Session, case: Case, now: datetime) -> None:
    """Set `next_action_at` after any change of status or deadline.

    A running, open case is looked at when its deadline falls due; a paused or finished
    case is not looked at.
    """
    running = case.status in (CaseStatus.received, CaseStatus.accepted)
    case.next_action_at = case.due_at if running else None
