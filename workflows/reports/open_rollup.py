"""The whole country's figures as of now, from report_open_months, exact to the instant.

Counting them from the cases reads every open case's index entry (about 670,000 at
10,000,000 cases). `report_open_months` (kept by triggers, migration 0026) holds the open
cases by the local month they were received and the running cases by the month they fall
due. A figure up to an instant (received before now less one month, due before now) is the
sum of the months before the instant's month plus the cases of that month up to the
instant, or the sum up to that month less its cases after the instant, whichever side of the
month is shorter; those few days are counted from two partial indexes.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlmodel import Session

from core.clock import day_start, local_date
from models import OPEN_PREDICATE, RUNNING_DUE_PREDICATE, Case, ReportOpenMonth
from workflows.reports.rollup import next_month


@dataclass
class OpenFigures:
    open_now: int
    overdue_now: int
    ping_pong_open: int
    escalated_open: int
    received_by: dict[datetime, int]  # open cases received at or before each instant


def _count(session: Session, predicate: str, *conditions) -> int:
    return session.scalar(
        select(func.count()).select_from(Case).where(text(predicate), *conditions)
    )


def national_open_figures(
    *, session: Session, now: datetime, boundaries: list[datetime]
) -> OpenFigures:
    """Open, overdue, bounced and escalated cases of the whole country as of `now`, and how
    many open cases were received at or before each of `boundaries`."""
    rows = session.execute(
        select(
            ReportOpenMonth.month,
            func.sum(ReportOpenMonth.open),
            func.sum(ReportOpenMonth.ping_pong),
            func.sum(ReportOpenMonth.escalated),
            func.sum(ReportOpenMonth.running_due),
        ).group_by(ReportOpenMonth.month)
    ).all()
    opened = {month: int(o) for month, o, _, _, _ in rows}
    due = {month: int(d) for month, _, _, _, d in rows}

    def up_to(per_month: dict, predicate: str, column, instant: datetime, inclusive: bool) -> int:
        """Cases with `column` at or before `instant` (`inclusive`), or before it."""
        month = local_date(instant).replace(day=1)
        start, following = day_start(month), day_start(next_month(month))
        before = sum(n for m, n in per_month.items() if m < month)
        if instant - start <= following - instant:
            upto = column <= instant if inclusive else column < instant
            return before + _count(session, predicate, column >= start, upto)
        later = column > instant if inclusive else column >= instant
        return (
            before + per_month.get(month, 0) - _count(session, predicate, later, column < following)
        )

    return OpenFigures(
        open_now=sum(opened.values()),
        overdue_now=up_to(due, RUNNING_DUE_PREDICATE, Case.due_at, now, inclusive=False),
        ping_pong_open=sum(int(p) for _, _, p, _, _ in rows),
        escalated_open=sum(int(e) for _, _, _, e, _ in rows),
        received_by={
            b: up_to(opened, OPEN_PREDICATE, Case.received_at, b, inclusive=True)
            for b in boundaries
        },
    )
