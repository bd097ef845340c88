"""GET /reports/summary: the leadership figures, as JSON, CSV or XLSX."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from api import exports
from api.deps import Now, SessionDep, SettingsDep, require_roles
from api.export_tables import summary_sheets
from api.i18n import language
from core.clock import days_bounds, report_period
from models import Agency, Role, User
from models.base import Day, Id
from workflows.feedback import rating
from workflows.reports import summary as reports

router = APIRouter(prefix="/reports", tags=["reports"])
ReportUser = Annotated[User, Depends(require_roles(Role.head, Role.inspector, Role.admin))]


@router.get("/summary")
def summary(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ReportUser,
    now: Now,
    period_from: Annotated[Day | None, Query(alias="from")] = None,
    period_to: Annotated[Day | None, Query(alias="to")] = None,
    agency_id: Id | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
):
    """Figures for a period of local days (both inclusive; default: this year to today)."""
    period_from, period_to = report_period(now=now, period_from=period_from, period_to=period_to)
    scope = reports.report_scope(session=session, user=user, agency_id=agency_id)
    result = reports.summary(
        session=session,
        agency_ids=scope,
        agency_id=agency_id,
        period_from=period_from,
        period_to=period_to,
        now=now,
    )
    if format == "json":
        return result.as_dict()
    start, end = days_bounds(period_from, period_to)
    per_agency = rating.satisfaction_by_agency(
        session=session, agency_ids=scope, start=start, end=end
    )
    # the scope by name: the asked agency, or a head's own (their default scope)
    named = agency_id or (user.agency_id if user.role == Role.head else None)
    agency = session.get(Agency, named) if named else None
    sheets = summary_sheets(
        result=result,
        scope_name=agency.name if agency else None,
        per_agency=per_agency,
        lang=language(request, settings.language),
    )
    filename = f"summary_{period_from.isoformat()}_{period_to.isoformat()}"
    return exports.download_sheets(format, filename, sheets)
