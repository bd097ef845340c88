"""Shapes of what inspections produce: the agenda, the report, period statistics."""

from datetime import date, datetime

from sqlmodel import SQLModel

from models.case import CaseKind, CaseStatus
from models.inspection import ConclusionOutcome, InspectionKind, MeasureKind


class AgendaItem(SQLModel):
    case_id: int
    code: str
    title: str
    kind: CaseKind
    status: CaseStatus
    agency_id: int
    agency_name: str
    citizen_name: str
    assignee_id: int | None
    assignee_name: str | None
    received_at: datetime
    due_at: datetime | None
    days_pending: int
    days_overdue: int
    transfer_count: int
    escalation_level: int
    ping_pong: bool
    long_pending: bool
    version: int
    # Set once the meeting has concluded on this case (a directive keeps it on the agenda).
    concluded: ConclusionOutcome | None


class Agenda(SQLModel):
    inspection_id: int
    title: str
    legal_basis: str
    agency_name: str
    meeting_at: datetime
    as_of: datetime
    items: list[AgendaItem]


class DirectiveProgress(SQLModel):
    conclusion_id: int
    case_id: int
    code: str
    title: str
    text: str
    responsible_user_id: int
    responsible_name: str
    due_at: datetime
    case_status: CaseStatus
    state: str  # done | pending | overdue


class MeasureCount(SQLModel):
    measure: MeasureKind
    count: int
    done: int
    overdue: int


class InspectionReport(SQLModel):
    inspection_id: int
    as_of: datetime
    cases_reviewed: int
    cases_closed: int
    directives_issued: int
    directives_done: int
    directives_pending: int
    directives_overdue: int
    directives: list[DirectiveProgress]
    measures: list[MeasureCount]


class MeasureKindFigures(SQLModel):
    measure: MeasureKind
    count: int
    units: int  # distinct agencies targeted
    officials: int  # distinct officials targeted


class InspectionStatistics(SQLModel):
    period_from: date
    period_to: date
    inspections_total: int
    inspections_by_kind: dict[InspectionKind, int]
    # By the teams of an inspecting body (planned + surprise) and self-inspections.
    inspections_by_team: int
    self_inspections: int
    agencies_inspected: int
    cases_reviewed: int
    cases_closed: int
    directives_issued: int
    measures_total: int
    measures_by_kind: list[MeasureKindFigures]
    # Distinct units a measure was taken against (an official counts for their agency).
    units_concerned: int
