"""The inspection report and period statistics across inspections, as SQL aggregates."""

from datetime import date, datetime

from sqlalchemy import and_, case, distinct, func, not_, or_, select
from sqlmodel import Session

from core.clock import days_bounds
from models import (
    Case,
    CaseStatus,
    ConclusionOutcome,
    Inspection,
    InspectionConclusion,
    InspectionKind,
    InspectionMeasure,
    MeasureKind,
    User,
)
from models.inspection_reports import (
    DirectiveProgress,
    InspectionReport,
    InspectionStatistics,
    MeasureCount,
    MeasureKindFigures,
)

_C = InspectionConclusion
_M = InspectionMeasure


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _directive_done():
    """A directive is done once marked so, or once its case is resolved or closed."""
    return or_(_C.done_at.is_not(None), Case.status.in_([CaseStatus.resolved, CaseStatus.closed]))


def report(*, session: Session, inspection: Inspection, now: datetime) -> InspectionReport:
    """Cases reviewed and closed, directives and their progress, measures by kind."""
    is_directive = _C.outcome == ConclusionOutcome.directive
    done = _directive_done()
    reviewed, closed, issued, done_count, overdue = session.execute(
        select(
            func.count(_C.id),
            _count_if(_C.outcome == ConclusionOutcome.closed),
            _count_if(is_directive),
            _count_if(and_(is_directive, done)),
            _count_if(and_(is_directive, not_(done), _C.due_at < now)),
        )
        .join(Case, Case.id == _C.case_id)
        .where(_C.inspection_id == inspection.id)
    ).one()
    directives = [
        DirectiveProgress(
            conclusion_id=row.id,
            case_id=row.case_id,
            code=row.code,
            title=row.title,
            text=row.text,
            responsible_user_id=row.responsible_user_id,
            responsible_name=row.full_name,
            due_at=row.due_at,
            case_status=row.status,
            state="done" if row.is_done else ("overdue" if row.due_at < now else "pending"),
        )
        for row in session.execute(
            select(
                _C.id,
                _C.case_id,
                _C.text,
                _C.responsible_user_id,
                _C.due_at,
                Case.code,
                Case.title,
                Case.status,
                User.full_name,
                case((done, True), else_=False).label("is_done"),
            )
            .join(Case, Case.id == _C.case_id)
            .join(User, User.id == _C.responsible_user_id)
            .where(_C.inspection_id == inspection.id, is_directive)
            .order_by(_C.due_at, _C.id)
        )
    ]
    return InspectionReport(
        inspection_id=inspection.id,
        as_of=now,
        cases_reviewed=reviewed,
        cases_closed=closed,
        directives_issued=issued,
        directives_done=done_count,
        directives_pending=issued - done_count - overdue,
        directives_overdue=overdue,
        directives=directives,
        measures=_measure_counts(session=session, inspection_id=inspection.id, now=now),
    )


def _measure_counts(*, session: Session, inspection_id: int, now: datetime) -> list[MeasureCount]:
    rows = session.execute(
        select(
            _M.measure,
            func.count(_M.id),
            _count_if(_M.done_at.is_not(None)),
            _count_if(and_(_M.done_at.is_(None), _M.due_at < now)),
        )
        .where(_M.inspection_id == inspection_id)
        .group_by(_M.measure)
    )
    found = {measure: (count, done, overdue) for measure, count, done, overdue in rows}
    return [
        MeasureCount(measure=kind, count=c, done=d, overdue=o)
        for kind in MeasureKind
        for c, d, o in [found.get(kind, (0, 0, 0))]
    ]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants of a period of local calendar days, both days included."""
    return days_bounds(start, end)


def statistics(
    *, session: Session, start: date, end: date, agency_ids: list[int] | None = None
) -> InspectionStatistics:
    """Inspections held in a period (by meeting date): by kind, with their conclusions and
    their measures by kind and units concerned. `agency_ids` limits to those targets."""
    first, after = period_bounds(start, end)
    in_period = [Inspection.meeting_at >= first, Inspection.meeting_at < after]
    if agency_ids is not None:
        in_period.append(Inspection.agency_id.in_(agency_ids))

    by_kind = dict(
        session.execute(
            select(Inspection.kind, func.count(Inspection.id))
            .where(*in_period)
            .group_by(Inspection.kind)
        ).all()
    )
    agencies_inspected = session.scalar(
        select(func.count(distinct(Inspection.agency_id))).where(*in_period)
    )
    reviewed, closed, issued = session.execute(
        select(
            func.count(_C.id),
            _count_if(_C.outcome == ConclusionOutcome.closed),
            _count_if(_C.outcome == ConclusionOutcome.directive),
        )
        .join(Inspection, Inspection.id == _C.inspection_id)
        .where(*in_period)
    ).one()
    measure_rows = session.execute(
        select(
            _M.measure,
            func.count(_M.id),
            func.count(distinct(_M.target_agency_id)),
            func.count(distinct(_M.target_user_id)),
        )
        .join(Inspection, Inspection.id == _M.inspection_id)
        .where(*in_period)
        .group_by(_M.measure)
    )
    found = {row[0]: tuple(row[1:]) for row in measure_rows}
    units_concerned = session.scalar(
        select(func.count(distinct(func.coalesce(_M.target_agency_id, User.agency_id))))
        .select_from(_M)
        .join(Inspection, Inspection.id == _M.inspection_id)
        .outerjoin(User, User.id == _M.target_user_id)
        .where(*in_period)
    )
    kinds = {kind: by_kind.get(kind, 0) for kind in InspectionKind}
    figures = [
        MeasureKindFigures(measure=kind, count=c, units=u, officials=o)
        for kind in MeasureKind
        for c, u, o in [found.get(kind, (0, 0, 0))]
    ]
    return InspectionStatistics(
        period_from=start,
        period_to=end,
        inspections_total=sum(kinds.values()),
        inspections_by_kind=kinds,
        inspections_by_team=kinds[InspectionKind.planned] + kinds[InspectionKind.surprise],
        self_inspections=kinds[InspectionKind.self_inspection],
        agencies_inspected=agencies_inspected,
        cases_reviewed=reviewed,
        cases_closed=closed,
        directives_issued=issued,
        measures_total=sum(f.count for f in figures),
        measures_by_kind=figures,
        units_concerned=units_concerned,
    )
