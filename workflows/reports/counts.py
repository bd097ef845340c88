"""The summary's period figures as index-only range counts, whatever the number of cases.

Received and resolved cases, transfers and escalation-ladder events in a period, for every
agency or a scope of agencies; what each figure counts is in docs/reports.md, the plans and
timings in docs/benchmarks.md ("Reports").
"""

from datetime import datetime

from sqlalchemy import and_, case, func, select, true
from sqlmodel import Session

from models import Case, CaseEvent

TRANSFER_ACTION = "transfer"
# Events written by the escalation ladder all start with this (escalate, escalation_step…).
ESCALATION_ACTION_PREFIX = "escalat"
# The first string after every "escalat…" one in code-point order: the prefix as a range.
_ESCALATION_ACTION_END = "escalau"


def _in_scope(column, agency_ids: list[int] | None):
    return column.in_(agency_ids) if agency_ids is not None else true()


def count_if(condition):
    """1 for each row where `condition` holds, summed; 0 over no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def period_counts(
    *, session: Session, agency_ids: list[int] | None, start: datetime, end: datetime
) -> tuple[int, int, int]:
    """Received, resolved and resolved on time in [start, end), in one statement.

    Two separate ranges, never `received in period OR resolved in period` (which reads every
    such case from the table): each is an index-only range scan, of ix_cases_agency_received
    and ix_cases_agency_resolved within a scope, of ix_cases_received_at and
    ix_cases_resolved_on_time for every agency.
    """
    scope = _in_scope(Case.agency_id, agency_ids)
    received = (
        select(func.count())
        .select_from(Case)
        .where(scope, Case.received_at >= start, Case.received_at < end)
        .scalar_subquery()
    )
    on_time = and_(Case.resolved_due_at.is_not(None), Case.resolved_at <= Case.resolved_due_at)
    resolved = (
        select(func.count().label("resolved"), count_if(on_time).label("on_time"))
        .select_from(Case)
        .where(scope, Case.resolved_at >= start, Case.resolved_at < end)
        .subquery()
    )
    row = session.execute(select(received, resolved.c.resolved, resolved.c.on_time)).one()
    return int(row[0]), int(row[1]), int(row[2])


def escalation_actions(*, session: Session) -> list[str]:
    """The event actions that start with "escalat": a few index probes, one per action.

    Counting `action IN (these)` reads only the period of each action in
    ix_case_events_action_at; a range on the prefix would read every escalation event
    before the period too.
    """
    found: list[str] = []
    lower = CaseEvent.action >= ESCALATION_ACTION_PREFIX
    while True:
        action = session.scalar(
            select(CaseEvent.action)
            .where(lower, CaseEvent.action < _ESCALATION_ACTION_END)
            .order_by(CaseEvent.action)
            .limit(1)
        )
        if action is None:
            return found
        if action.startswith(ESCALATION_ACTION_PREFIX):  # exact under any collation
            found.append(action)
        lower = CaseEvent.action > action


def event_counts(
    *, session: Session, agency_ids: list[int] | None, start: datetime, end: datetime
) -> tuple[int, int]:
    """Transfers and escalation-ladder events in [start, end), by the event's agency.

    Every writer records the agency on the event (and migration 0009 wrote it on older
    rows), so the scope is a condition on case_events alone: an index-only scan of
    ix_case_events_action_at, or of ix_case_events_agency_action_at within a scope. An event
    without an agency still belongs to its case's agency: those few rows are joined to
    their case (ix_case_events_agency_action_at serves `agency_id IS NULL` as well).
    """
    counted = [TRANSFER_ACTION, *escalation_actions(session=session)]
    counts = (
        count_if(CaseEvent.action == TRANSFER_ACTION).label("transfers"),
        count_if(CaseEvent.action != TRANSFER_ACTION).label("escalations"),
    )
    in_period = (CaseEvent.action.in_(counted), CaseEvent.at >= start, CaseEvent.at < end)
    if agency_ids is None:
        row = session.execute(select(*counts).where(*in_period)).one()
        return int(row[0]), int(row[1])
    recorded = select(*counts).where(*in_period, CaseEvent.agency_id.in_(agency_ids)).subquery()
    unrecorded = (
        select(*counts)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(*in_period, CaseEvent.agency_id.is_(None), Case.agency_id.in_(agency_ids))
        .subquery()
    )
    row = session.execute(
        select(
            recorded.c.transfers + unrecorded.c.transfers,
            recorded.c.escalations + unrecorded.c.escalations,
        ).select_from(recorded.join(unrecorded, true()))  # one row each
    ).one()
    return int(row[0]), int(row[1])
