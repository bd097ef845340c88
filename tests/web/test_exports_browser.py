"""A head downloads the summary report from the reports page and the overdue cases from the
queue in a real browser, and the files read as a Vietnamese office files them."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from core.clock import local_date
from models import Role
from tests.api.test_export_files import VI
from tests.case_factories import act, at, make_case
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.web.conftest import sign_in
from workflows.feedback.rating import Rating, rate

pytestmark = pytest.mark.slow


@pytest.fixture
def district(engine, session):
    """A district and its ward: a case received at 17:00 local four months ago, overdue
    now; another resolved and rated 5 by its citizen today."""
    now = datetime.now(UTC)
    district = make_agency(session, "UBND quận Ba Đình")
    ward = make_agency(session, "UBND phường Phúc Xá", parent=district)
    officer = make_user(session, Role.officer, ward, full_name="Trần Thị Bình")
    received = at((local_date(now) - timedelta(days=120)).isoformat(), "17:00")
    overdue = make_case(engine, officer, ward, now=received)
    act(engine, overdue, "accept", officer, now=received + timedelta(days=1))
    act(
        engine, overdue, "assign", officer, now=received + timedelta(days=1), assignee_id=officer.id
    )
    rated = make_case(
        engine,
        officer,
        ward,
        now=now - timedelta(days=3),
        citizen={"name": "Bùi Thị Thanh", "phone": "0912 000 555"},
    )
    act(engine, rated, "accept", officer, now=now - timedelta(days=2))
    act(engine, rated, "resolve", officer, now=now - timedelta(days=1), answer="Đã xong.")
    with Session(engine) as own:
        rate(session=own, code=rated.code, phone_last4="0555", rating=Rating(score=5), now=now)
        own.commit()
    head = make_head(session, district, username="chutich.badinh")
    return {"overdue": overdue, "received": received, "head": head}


def test_head_downloads_the_summary_and_the_overdue_list(page, live_server, district):
    sign_in(page, live_server, district["head"].username, PASSWORD)
    start = district["received"].date().isoformat()
    page.goto(f"{live_server.url}/reports?from={start}")
    with page.expect_download() as csv_download:
        page.locator('a[href*="/reports/summary"][href*="format=csv"]').click()
    text = csv_download.value.path().read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0] == ["Chỉ tiêu / Figure", "Giá trị / Value"]
    figures = dict(row for row in rows if len(row) == 2)
    assert figures[VI.pgettext("report", "From")] == district["received"].strftime("%d/%m/%Y")
    assert figures[VI.gettext("Scope")] == "UBND quận Ba Đình"
    agencies = {row[0]: row[1:] for row in rows if len(row) == 4}
    assert agencies["UBND phường Phúc Xá"] == ["1", "5", "100,0%"]

    page.goto(f"{live_server.url}/queue")
    with page.expect_download() as xlsx_download:
        page.locator('a[href*="/exports/cases"][href*="format=xlsx"]').click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["STT / No.", "Mã hồ sơ / Code", "Loại / Kind"]
    rows = {row[1].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    case = rows[district["overdue"].code]
    assert case["Cơ quan / Agency"].value == "UBND phường Phúc Xá"
    assert case["Người xử lý / Assignee"].value == "Trần Thị Bình"
    assert case["Quá hạn / Overdue"].value == "x"
    received = case["Ngày nhận / Received"]
    assert received.value == district["received"].replace(tzinfo=None)
    assert received.value.hour == 17 and received.number_format == "dd/mm/yyyy hh:mm"
