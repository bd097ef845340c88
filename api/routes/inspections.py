"""Inspections: the team, the agenda (JSON, CSV, print view), conclusions, measures,
the report, and period statistics."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import HTMLResponse, Response

from api import exports
from api.deps import CurrentUser, Now, SessionDep, SettingsDep, require_roles
from api.jinja import templates
from core.clock import local_time
from models import (
    ConclusionCreate,
    ConclusionPublic,
    InspectionCreate,
    InspectionPublic,
    MeasureCreate,
    MeasurePublic,
    Role,
    User,
)
from models.base import Day, Id
from models.inspection_reports import Agenda, InspectionReport, InspectionStatistics
from workflows.inspections import agenda as inspection_agenda
from workflows.inspections import reports as inspection_reports
from workflows.inspections import service as inspections
from workflows.reports import summary as reports

router = APIRouter(prefix="/inspections", tags=["inspections"])

Planner = Annotated[User, Depends(require_roles(*inspections.PLANNER_ROLES))]
StatisticsReader = Annotated[User, Depends(require_roles(Role.inspector, Role.admin, Role.head))]


def _local_date(value: datetime) -> str:
    return local_time(value).strftime("%d/%m/%Y")


@router.post("", status_code=status.HTTP_201_CREATED)
def create_inspection(
    data: InspectionCreate, session: SessionDep, user: Planner, now: Now
) -> InspectionPublic:
    inspection = inspections.create(session=session, data=data, actor=user, now=now)
    session.commit()
    return inspections.public(session=session, inspection=inspection)


@router.get("")
def list_inspections(session: SessionDep, user: CurrentUser) -> list[InspectionPublic]:
    """Every inspection for an administrator; for anyone else those they are a member of
    (heads too, on their agencies' self-inspections)."""
    return [
        inspections.public(session=session, inspection=inspection)
        for inspection in inspections.list_for(session=session, user=user)
    ]


@router.get("/statistics")
def statistics(
    session: SessionDep,
    user: StatisticsReader,
    period_from: Annotated[Day, Query(alias="from")],
    period_to: Annotated[Day, Query(alias="to")],
    agency_id: Id | None = None,
) -> InspectionStatistics:
    """Inspections held in a period (local dates, both included), within the reader's scope:
    all for an administrator, the head's subtree, an inspector's own inspections' agencies."""
    allowed = reports.report_scope(session=session, user=user, agency_id=agency_id)
    return inspection_reports.statistics(
        session=session, start=period_from, end=period_to, agency_ids=allowed
    )


@router.get("/{inspection_id}")
def get_inspection(inspection_id: Id, session: SessionDep, user: CurrentUser) -> InspectionPublic:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    inspections.require_reader(session=session, inspection=inspection, user=user)
    return inspections.public(session=session, inspection=inspection)


@router.get("/{inspection_id}/agenda", response_model=None)
def get_agenda(
    inspection_id: Id,
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    format: Literal["json", "csv", "html"] = "json",
) -> Agenda | Response:
    """The meeting's agenda; `?format=csv` for a spreadsheet, `?format=html` to print."""
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    inspections.require_reader(session=session, inspection=inspection, user=user)
    agenda = inspection_agenda.agenda(session=session, inspection=inspection, now=now, viewer=user)
    session.commit()  # the denouncers shown to this reader (workflows/cases/confidentiality)
    if format == "json":
        return agenda
    if format == "csv":
        rows = inspection_agenda.csv_rows(agenda, _local_date)
        header = inspection_agenda.CSV_HEADER
        return exports.download("csv", f"agenda-{inspection.id}", header, rows)
    page = templates.env.get_template("inspections/agenda_print.html").render(
        agenda=agenda,
        members=inspections.public(session=session, inspection=inspection).members,
        lang="vi",
    )
    return HTMLResponse(page)


@router.post("/{inspection_id}/conclusions", status_code=status.HTTP_201_CREATED)
def conclude(
    inspection_id: Id,
    data: ConclusionCreate,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: Now,
) -> ConclusionPublic:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    conclusion = inspections.conclude(
        session=session,
        inspection=inspection,
        data=data,
        actor=user,
        now=now,
        base_url=settings.base_url,
    )
    session.commit()
    return conclusion


@router.post("/{inspection_id}/measures", status_code=status.HTTP_201_CREATED)
def add_measure(
    inspection_id: Id, data: MeasureCreate, session: SessionDep, user: CurrentUser, now: Now
) -> MeasurePublic:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    measure = inspections.add_measure(
        session=session, inspection=inspection, data=data, actor=user, now=now
    )
    session.commit()
    return measure


@router.post("/{inspection_id}/measures/{measure_id}/done")
def complete_measure(
    inspection_id: Id, measure_id: Id, session: SessionDep, user: CurrentUser, now: Now
) -> MeasurePublic:
    """The measure was carried out (e.g. the explanation report arrived)."""
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    measure = inspections.complete_measure(
        session=session, inspection=inspection, measure_id=measure_id, actor=user, now=now
    )
    session.commit()
    return measure


@router.get("/{inspection_id}/report")
def get_report(
    inspection_id: Id, session: SessionDep, user: CurrentUser, now: Now
) -> InspectionReport:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    inspections.require_reader(session=session, inspection=inspection, user=user)
    return inspection_reports.report(session=session, inspection=inspection, now=now)
