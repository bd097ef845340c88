"""GET /exports/cases: any case list (the same filters as GET /cases) as CSV or XLSX."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api import exports
from api.deps import CurrentUser, Now, SessionDep
from models import CaseKind, CaseStatus
from models.base import AwareInstant, Id, Text
from workflows.cases import access, confidentiality
from workflows.cases import lists as case_lists
from workflows.reports import summary as reports

router = APIRouter(prefix="/exports", tags=["exports"])
MAX_ROWS = 100_000


@router.get("/cases")
def export_cases(
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    format: Literal["csv", "xlsx"] = "csv",
    status: CaseStatus | None = None,
    kind: CaseKind | None = None,
    agency_id: Id | None = None,
    overdue: bool | None = None,
    q: Annotated[Text | None, Query(max_length=200)] = None,
    received_before: AwareInstant | None = None,
    received_after: AwareInstant | None = None,
):
    scope = access.visible_agency_ids(session=session, user=user)
    filters = case_lists.CaseFilter(
        status=status,
        kind=kind,
        agency_id=agency_id,
        overdue=overdue,
        q=q,
        received_before=received_before,
        received_after=received_after,
    )
    stmt = case_lists.query(agency_ids=scope, filters=filters, now=now, viewer=user)
    found = case_lists.rows(session=session, stmt=stmt, limit=MAX_ROWS)
    shown = confidentiality.reveal(
        session=session, cases=found, viewer=user, now=now, where="export"
    )
    session.commit()
    filename = f"cases_{now.astimezone(reports.LOCAL_TZ):%Y%m%d_%H%M}"
    return exports.download(
        format, filename, case_lists.EXPORT_COLUMNS, case_lists.export_rows(found, shown)
    )
