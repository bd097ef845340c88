"""Report figures: SQL aggregates over cases and their events, one statement per group.

The on-time rule and the meaning of every figure are in docs/reports.md; the period figures
(received, resolved, transfers, escalations) come from month rollups and index counts
(workflows/reports/rollup.py).
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select, true
from sqlmodel import Session

from core.clock import days_bounds, local_date, months_before, report_period
from core.errors import Forbidden
from models import OPEN_STATUSES, Agency, Case, User
from workflows.cases import access
from workflows.deadlines.overdue import overdue_condition, soon_due_condition
from workflows.feedback import rating
from workflows.org import agencies
from workflows.reports.counts import count_if
from workflows.reports.open_rollup import national_open_figures
from workflows.reports.rollup import period_figures

# Age buckets of the open backlog: (key, months at least, months less than).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_1_month", 0, 1),
    ("1_3_months", 1, 3),
    ("3_12_months", 3, 12),
    ("1_3_years", 12, 36),
    ("over_3_years", 36, None),
)
# Notes are codes (the pages translate them): why a figure is zero or partial.
NOTE_NO_INSPECTIONS = "inspections_not_recorded"


@dataclass
class Summary:
    agency_id: int | None
    period_from: date
    period_to: date
    as_of: datetime
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    on_time_rate: float | None = None
    overdue_now: int = 0
    open_now: int = 0
    backlog_by_age: dict[str, int] = field(default_factory=dict)
    transfers: int = 0
    ping_pong_open: int = 0
    escalations: int = 0
    escalated_open: int = 0
    inspections: int = 0
    measures_by_kind: dict[str, int] = field(default_factory=dict)
    # the citizens' ratings given in the period: responses, average_score, share_satisfied
    satisfaction: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# --- scope ---------------------------------------------------------------------------


def report_scope(*, session: Session, user: User, agency_id: int | None) -> list[int] | None:
    """The agencies a report covers: all the user may see, or the subtree of `agency_id`
    narrowed to what they may see (403 outside it, 404 for an unknown agency)."""
    visible = access.visible_agency_ids(session=session, user=user)
    if agency_id is None:
        return visible
    agencies.get(session=session, agency_id=agency_id)  # 404 for an unknown agency
    if visible is not None and agency_id not in visible:
        raise Forbidden("that agency is outside what you may see")
    subtree = agencies.subtree_ids(session=session, agency_id=agency_id)
    if visible is None:
        return subtree
    allowed = set(visible)  # an inspection without its subtree shows only its agency
    return [a for a in subtree if a in allowed]


def _in_scope(column, agency_ids: list[int] | None):
    return column.in_(agency_ids) if agency_ids is not None else True


# --- figures -------------------------------------------------------------------------


def summary(
    *,
    session: Session,
    agency_ids: list[int] | None,
    agency_id: int | None,
    period_from: date,
    period_to: date,
    now: datetime,
) -> Summary:
    """Every figure of the summary report for a period (local days, both inclusive)."""
    result = _period_summary(
        session=session,
        agency_ids=agency_ids,
        agency_id=agency_id,
        period_from=period_from,
        period_to=period_to,
        now=now,
    )
    if agency_ids is None:
        figures = open_figures_of_the_country(session=session, now=now)
    else:
        figures = open_figures_counted(session=session, agency_ids=agency_ids, now=now)
    result.open_now, result.overdue_now, result.ping_pong_open, result.escalated_open = figures[:4]
    result.backlog_by_age = figures[4]
    return result


def open_figures_counted(
    *, session: Session, agency_ids: list[int] | None, now: datetime
) -> tuple[int, int, int, int, dict[str, int]]:
    """Open, overdue, bounced, escalated cases and the backlog by age as of `now`, counted
    from the open cases' index entries (fast within a part of the country)."""
    row = session.execute(
        select(
            func.count(),
            count_if(overdue_condition(now)),
            count_if(Case.ping_pong),
            count_if(Case.escalation_level >= 1),
            *(count_if(bucket) for bucket in _age_conditions(now)),
        )
        .where(_in_scope(Case.agency_id, agency_ids))
        .where(Case.status.in_(OPEN_STATUSES))
    ).one()
    backlog = {key: int(value) for (key, _, _), value in zip(AGE_BUCKETS, row[4:], strict=True)}
    return int(row[0]), int(row[1]), int(row[2]), int(row[3]), backlog


def open_figures_of_the_country(
    *, session: Session, now: datetime
) -> tuple[int, int, int, int, dict[str, int]]:
    """The same figures for every agency, from the month rollups (open_rollup.py)."""
    edges = {m: months_before(now, m) for _, m, _ in AGE_BUCKETS if m}
    figures = national_open_figures(session=session, now=now, boundaries=list(edges.values()))

    def received_by(months: int | None) -> int:  # open cases at least `months` old
        if months is None:
            return 0
        return figures.received_by[edges[months]] if months else figures.open_now

    backlog = {
        key: received_by(at_least) - received_by(less_than)
        for key, at_least, less_than in AGE_BUCKETS
    }
    return (
        figures.open_now,
        figures.overdue_now,
        figures.ping_pong_open,
        figures.escalated_open,
        backlog,
    )


def month_and_year(
    *, session: Session, agency_ids: list[int] | None, agency_id: int | None, now: datetime
) -> tuple[Summary, Summary]:
    """The summaries of this month and this year to today (local days), as the dashboard
    shows them: the figures as of now are counted once and copied into the month's."""
    today = local_date(now)
    common = {"session": session, "agency_ids": agency_ids, "agency_id": agency_id, "now": now}
    year_from, year_to = report_period(now=now)
    year = summary(**common, period_from=year_from, period_to=year_to)
    month = _period_summary(**common, period_from=today.replace(day=1), period_to=today)
    month.open_now, month.overdue_now = year.open_now, year.overdue_now
    month.ping_pong_open, month.escalated_open = year.ping_pong_open, year.escalated_open
    month.backlog_by_age = dict(year.backlog_by_age)
    return month, year


def _period_summary(
    *,
    session: Session,
    agency_ids: list[int] | None,
    agency_id: int | None,
    period_from: date,
    period_to: date,
    now: datetime,
) -> Summary:
    """A summary with the figures counted in the period only (received, resolved, on time,
    transfers, escalations); the figures as of now are left at zero."""
    start, end = days_bounds(period_from, period_to)
    result = Summary(agency_id=agency_id, period_from=period_from, period_to=period_to, as_of=now)
    figures = period_figures(
        session=session,
        agency_ids=agency_ids,
        period_from=period_from,
        period_to=period_to,
        today=local_date(now),
    )
    result.received, result.resolved = figures.received, figures.resolved
    result.resolved_on_time = figures.resolved_on_time
    if result.resolved:
        result.on_time_rate = round(result.resolved_on_time / result.resolved, 4)
    result.transfers, result.escalations = figures.transfers, figures.escalations
    result.satisfaction = rating.satisfaction(
        session=session, agency_ids=agency_ids, start=start, end=end
    )
    result.notes.append(NOTE_NO_INSPECTIONS)
    return result


def _age_conditions(now: datetime):
    for _key, at_least, less_than in AGE_BUCKETS:
        # The youngest bucket also takes a received_at in the future (a clock skew).
        condition = Case.received_at <= months_before(now, at_least) if at_least else true()
        if less_than is None:
            yield condition
        else:
            oldest = months_before(now, less_than)
            yield and_(Case.received_at > oldest, condition)


# --- dashboard -----------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency_id: int
    name: str
    open: int
    overdue: int
    soon_due: int


def agencies_by_overdue(
    *, session: Session, agency_ids: list[int] | None, now: datetime, limit: int = 20
) -> list[AgencyRow]:
    """Agencies of the scope with open cases, the most overdue first."""
    # Aggregate by (status, agency id) first, in the order of ix_cases_open_figures (an
    # index-only scan; grouped by agency alone, SQLite read every open case from the table
    # through ix_cases_agency_status: 368 ms against 40 ms nationally), then by agency, then
    # join the few agency rows for names.
    per_status = (
        select(
            Case.agency_id.label("agency_id"),
            func.count().label("open"),
            count_if(overdue_condition(now)).label("overdue"),
            count_if(soon_due_condition(now)).label("soon_due"),
        )
        .where(Case.status.in_(OPEN_STATUSES), _in_scope(Case.agency_id, agency_ids))
        .group_by(Case.status, Case.agency_id)
        .subquery()
    )
    per_agency = (
        select(
            per_status.c.agency_id,
            func.sum(per_status.c.open).label("open"),
            func.sum(per_status.c.overdue).label("overdue"),
            func.sum(per_status.c.soon_due).label("soon_due"),
        )
        .group_by(per_status.c.agency_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Agency.id, Agency.name, per_agency.c.open, per_agency.c.overdue, per_agency.c.soon_due
        )
        .join(per_agency, per_agency.c.agency_id == Agency.id)
        .order_by(per_agency.c.overdue.desc(), per_agency.c.open.desc(), Agency.name)
        .limit(limit)
    )
    return [
        AgencyRow(agency_id=a, name=n, open=int(o), overdue=int(d), soon_due=int(s))
        for a, n, o, d, s in rows
    ]


def soon_due_count(*, session: Session, agency_ids: list[int] | None, now: datetime) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Case)
        .where(soon_due_condition(now), _in_scope(Case.agency_id, agency_ids))
    )


def ping_pong_cases(
    *, session: Session, agency_ids: list[int] | None, limit: int = 20
) -> list[Case]:
    """Open cases bounced between agencies, the most transferred first."""
    # The ids from ix_cases_open_figures alone (it holds ping_pong), then only those rows:
    # in one WHERE, SQLite read every open case from the table (144 ms against 11 ms).
    bounced = select(Case.id).where(
        Case.status.in_(OPEN_STATUSES), _in_scope(Case.agency_id, agency_ids), Case.ping_pong
    )
    return list(
        session.scalars(
            select(Case)
            .where(Case.id.in_(bounced))
            .order_by(Case.transfer_count.desc(), Case.received_at)
            .limit(limit)
        )
    )
