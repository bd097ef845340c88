"""GET /reports/summary: the leadership figures, as JSON, CSV or XLSX."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api import exports
from api.deps import Now, SessionDep, require_roles
from core.clock import report_period
from models import Role, User
from models.base import Day, Id
from workflows.reports import summary as reports

router = APIRouter(prefix="/reports", tags=["reports"])
ReportUser = Annotated[User, Depends(require_roles(Role.head, Role.inspector, Role.admin))]


@router.get("/summary")
def summary(
    session: SessionDep,
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
    filename = f"summary_{period_from.isoformat()}_{period_to.isoformat()}"
    return exports.download(format, filename, ("figure", "value"), summary_rows(result))


def summary_rows(result: reports.Summary) -> list[tuple[str, object]]:
    """The summary as (figure, value) rows, backlog buckets and measures flattened."""
    rows: list[tuple[str, object]] = []
    for key, value in result.as_dict().items():
        if isinstance(value, dict):
            rows.extend((f"{key}.{sub}", v) for sub, v in value.items())
        elif isinstance(value, list):
            rows.extend((key, note) for note in value)
        else:
            rows.append((key, value))
    return rows
