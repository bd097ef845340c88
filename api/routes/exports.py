"""GET /exports/cases: any case list (the same filters as GET /cases) as CSV or XLSX, in the
columns of api/export_tables.py."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api import exports
from api.deps import CurrentUser, Now, SessionDep, SettingsDep
from api.export_tables import CASE_HEADERS, case_rows
from api.i18n import language
from core.clock import local_time
from models import CaseKind, CaseStatus
from models.base import AwareInstant, Id, Text
from workflows.cases import confidentiality, search

router = APIRouter(prefix="/exports", tags=["exports"])
MAX_ROWS = 100_000


@router.get("/cases")
def export_cases(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
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
    filters = search.CaseFilter(
        status=status,
        kind=kind,
        agency_id=agency_id,
        overdue=overdue,
        q=q,
        received_before=received_before,
        received_after=received_after,
    )
    found = search.matching(session=session, user=user, filters=filters, now=now, limit=MAX_ROWS)
    shown = confidentiality.reveal(
        session=session, cases=found, viewer=user, now=now, where="export"
    )
    session.commit()
    lang = language(request, settings.language)
    rows = case_rows(session=session, cases=found, shown=shown, lang=lang, now=now)
    filename = f"cases_{local_time(now):%Y%m%d_%H%M}"
    return exports.download(format, filename, CASE_HEADERS, rows)
