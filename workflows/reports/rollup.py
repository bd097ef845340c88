"""The summary's period figures: whole months from report_months, the rest from the indexes.

`report_months` (models/report_month.py, kept by triggers) holds each agency's received,
resolved, on-time, transfer and escalation figures per local month, so a year of the whole
country is a sum of a few tens of thousands of rows instead of a count of millions of index
entries. A month the period covers only in part is counted from the indexes
(workflows/reports/counts.py), either its covered days directly or, when that reads less, its
whole month from the rollup minus the days left out: "this month to today" leaves out only
days still to come, which hold nothing to read.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import day_start
from models import ReportMonth
from workflows.reports.counts import event_counts, period_counts


@dataclass
class PeriodFigures:
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    transfers: int = 0
    escalations: int = 0

    def add(self, other: "PeriodFigures", sign: int = 1) -> None:
        self.received += sign * other.received
        self.resolved += sign * other.resolved
        self.resolved_on_time += sign * other.resolved_on_time
        self.transfers += sign * other.transfers
        self.escalations += sign * other.escalations


@dataclass
class Plan:
    """How to count a period of local days: [months_from, months_to) from the rollup, plus
    the day ranges [first, after) in `counted`, minus those in `left_out`."""

    months_from: date | None = None
    months_to: date | None = None
    counted: list[tuple[date, date]] = field(default_factory=list)
    left_out: list[tuple[date, date]] = field(default_factory=list)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def plan(first: date, last: date, *, today: date) -> Plan:
    """The cheapest split of the local days [first, last] (both included): whole months from
    the rollup; for each month covered in part, whichever of its covered days or its days left
    out holds fewer days up to `today` (days after it hold no rows yet)."""

    def cost(start: date, after: date) -> int:
        return max(0, (min(after, today + timedelta(days=1)) - start).days)

    result = Plan()
    after_last = last + timedelta(days=1)
    month = first.replace(day=1)
    while month < after_last:
        month_after = next_month(month)
        start, end = max(first, month), min(after_last, month_after)
        outside = [(a, b) for a, b in ((month, start), (end, month_after)) if a < b]
        if outside and sum(cost(a, b) for a, b in outside) >= cost(start, end):
            result.counted.append((start, end))
        else:
            result.months_from = result.months_from or month
            result.months_to = month_after
            result.left_out.extend(outside)
        month = month_after
    return result


def _from_months(
    session: Session, agency_ids: list[int] | None, months_from: date, months_to: date
) -> PeriodFigures:
    columns = (
        ReportMonth.received,
        ReportMonth.resolved,
        ReportMonth.resolved_on_time,
        ReportMonth.transfers,
        ReportMonth.escalations,
    )
    query = select(*(func.coalesce(func.sum(c), 0) for c in columns)).where(
        ReportMonth.month >= months_from, ReportMonth.month < months_to
    )
    if agency_ids is not None:
        query = query.where(ReportMonth.agency_id.in_(agency_ids))
    return PeriodFigures(*(int(v) for v in session.execute(query).one()))


def _counted(
    session: Session, agency_ids: list[int] | None, first: date, after: date
) -> PeriodFigures:
    scope = {
        "session": session,
        "agency_ids": agency_ids,
        "start": day_start(first),
        "end": day_start(after),
    }
    return PeriodFigures(*period_counts(**scope), *event_counts(**scope))


def period_figures(
    *,
    session: Session,
    agency_ids: list[int] | None,
    period_from: date,
    period_to: date,
    today: date,
) -> PeriodFigures:
    """Received, resolved, resolved on time, transfers and escalations in the local days
    [period_from, period_to], for the agencies `agency_ids` (None: every agency)."""
    split = plan(period_from, period_to, today=today)
    figures = PeriodFigures()
    if split.months_from is not None:
        figures.add(_from_months(session, agency_ids, split.months_from, split.months_to))
    for first, after in split.counted:
        figures.add(_counted(session, agency_ids, first, after))
    for first, after in split.left_out:
        figures.add(_counted(session, agency_ids, first, after), sign=-1)
    return figures
