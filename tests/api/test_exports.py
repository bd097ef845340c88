"""GET /exports/cases: a case list as CSV or XLSX, scoped like the case list itself."""

import csv
import io

from openpyxl import load_workbook

from api.deps import utcnow
from models import CaseStatus, Role
from tests.factories import auth, make_agency, make_user
from tests.report_data import make_cases

RUNNING = {CaseStatus.received, CaseStatus.accepted}


def test_officer_exports_only_their_agency(client, session, now):
    mine, other = make_agency(session, "UBND xã A"), make_agency(session, "UBND xã B")
    cases, _ = make_cases(session, [mine, other], now, n=80, seed=2)
    headers = auth(client, make_user(session, Role.officer, mine))
    client.app.dependency_overrides[utcnow] = lambda: now

    response = client.get("/api/v1/exports/cases", params={"format": "csv"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["Mã hồ sơ / Code"] for r in rows) == sorted(
        c.code for c in cases if c.agency_id == mine.id
    )

    response = client.get(
        "/api/v1/exports/cases", params={"format": "xlsx", "overdue": "true"}, headers=headers
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [
        c.code
        for c in cases
        if c.agency_id == mine.id and c.status in RUNNING and c.due_at and c.due_at < now
    ]
    assert expected and sorted(codes) == sorted(expected)


def test_export_refuses_bad_filters(client, session):
    headers = auth(client, make_user(session, Role.admin))
    for params in (
        {"format": "pdf"},
        {"status": "lost"},
        {"received_before": "2026-03-01T00:00:00"},  # no time zone
        {"agency_id": "-1"},
    ):
        response = client.get("/api/v1/exports/cases", params=params, headers=headers)
        assert response.status_code == 422, params
