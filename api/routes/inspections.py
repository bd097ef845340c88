"""Inspections: the team, the agenda (JSON, CSV, print view), conclusions, measures,
the report, and period statistics."""

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api import i18n
from api.deps import CurrentUser, Now, SessionDep, require_roles
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

InspectorOrAdmin = Annotated[User, Depends(require_roles(Role.inspector, Role.admin))]
StatisticsReader = Annotated[User, Depends(require_roles(Role.inspector, Role.admin, Role.head))]

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
)
# The printed agenda is an official document: always Vietnamese, its words in the catalogue.
_templates.install_gettext_translations(i18n.translations("vi"), newstyle=True)  # type: ignore[attr-defined]


def _local_date(value: datetime) -> str:
    return value.astimezone(inspection_reports.LOCAL).strftime("%d/%m/%Y")


def _local_datetime(value: datetime) -> str:
    return value.astimezone(inspection_reports.LOCAL).strftime("%H:%M %d/%m/%Y")


_templates.filters["local_date"] = _local_date
_templates.filters["local_datetime"] = _local_datetime


@router.post("", status_code=status.HTTP_201_CREATED)
def create_inspection(
    data: InspectionCreate, session: SessionDep, user: InspectorOrAdmin, now: Now
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
    agenda = inspection_agenda.agenda(session=session, inspection=inspection, now=now)
    if format == "json":
        return agenda
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(inspection_agenda.CSV_HEADER)
        writer.writerows(inspection_agenda.csv_rows(agenda, _local_date))
        return Response(
            # A byte-order mark so spreadsheet programs read the Vietnamese text as UTF-8.
            content="\ufeff" + buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="agenda-{inspection.id}.csv"'},
        )
    page = _templates.get_template("inspections/agenda_print.html").render(
        agenda=agenda, members=inspections.public(session=session, inspection=inspection).members
    )
    return HTMLResponse(page)


@router.post("/{inspection_id}/conclusions", status_code=status.HTTP_201_CREATED)
def conclude(
    inspection_id: Id, data: ConclusionCreate, session: SessionDep, user: CurrentUser, now: Now
) -> ConclusionPublic:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    conclusion = inspections.conclude(
        session=session, inspection=inspection, data=data, actor=user, now=now
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
