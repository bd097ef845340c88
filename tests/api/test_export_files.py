"""The downloads read as a head reads them (issue 19, finding 4; issue 17): the case list and
the summary report, CSV and XLSX, with Vietnamese headers, names instead of ids, local times
written dd/mm/yyyy HH:MM, decimal commas, and the citizens' satisfaction per agency."""

import csv
import io

import pytest
from openpyxl import load_workbook

from api.deps import utcnow
from api.export_tables import CASE_HEADERS, SATISFACTION_HEADERS, SUMMARY_HEADERS
from api.i18n import translations
from api.labels import label
from models import Role
from tests.case_factories import act, at, make_case
from tests.factories import auth, make_agency, make_head, make_user
from tests.web.test_pages import sign_in

NOW = at("2026-11-27", "10:00")
VI = translations("vi")  # the catalogue: figures keep its words, whatever they become


def satisfaction_row(figure: str) -> str:
    """The row of a satisfaction figure in the Vietnamese summary."""
    return VI.gettext("Citizens' satisfaction") + " · " + VI.gettext(figure)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _column(rows: list[list[str]], header: str) -> dict[str, str]:
    """code → the cell of `header`, for a case list."""
    index = rows[0].index(header)
    return {row[1]: row[index] for row in rows[1:]}


@pytest.fixture
def world(engine, session, client):
    """A district with two wards; the first ward's case received at 17:00 local on 23/11,
    resolved and rated 4; the second ward's rated 2 and 5; an overdue case at the first."""
    district = make_agency(session, "UBND quận Ba Đình")
    ward = make_agency(session, "UBND phường Phúc Xá", parent=district)
    other = make_agency(session, "UBND phường Trúc Bạch", parent=district)
    officer = make_user(session, Role.officer, ward, full_name="Trần Thị Bình")
    other_officer = make_user(session, Role.officer, other, full_name="Lê Văn Cường")
    head = make_head(session, district)
    headers = auth(client, head)  # signed on the real clock
    sign_in(client, head)
    client.app.dependency_overrides[utcnow] = lambda: NOW

    def resolved(who, where, phone, received):
        citizen = {"name": "Bùi Thị Thanh", "phone": phone}
        case = make_case(engine, who, where, now=received, citizen=citizen)
        act(engine, case, "assign", who, now=received, assignee_id=who.id)
        act(engine, case, "accept", who, now=received.replace(day=received.day + 1))
        act(engine, case, "resolve", who, now=at("2026-11-26"), answer="Đã giải quyết xong.")
        return case

    rated = resolved(officer, ward, "0912 000 111", at("2026-11-23", "17:00"))
    scores = [(rated, 4, "0111")]
    for phone, score in (("0912 000 222", 2), ("0912 000 333", 5)):
        case = resolved(other_officer, other, phone, at("2026-11-20"))
        scores.append((case, score, "0" + phone[-3:]))
    for case, score, last4 in scores:
        answer = client.post(
            f"/api/v1/public/cases/{case.code}/feedback",
            json={"phone_last4": last4, "score": score},
        )
        assert answer.status_code == 201, answer.text
    overdue = make_case(engine, officer, ward, now=at("2026-09-01"))
    return {"headers": headers, "rated": rated, "overdue": overdue, "ward": ward}


def test_case_list_csv_reads_as_a_head_files_it(client, world):
    rows = _csv(
        client.get("/api/v1/exports/cases", params={"format": "csv"}, headers=world["headers"])
    )
    assert tuple(rows[0]) == CASE_HEADERS
    assert rows[0][:3] == ["STT / No.", "Mã hồ sơ / Code", "Loại / Kind"]
    code = world["rated"].code
    assert _column(rows, "Cơ quan / Agency")[code] == "UBND phường Phúc Xá"
    assert _column(rows, "Người xử lý / Assignee")[code] == "Trần Thị Bình"
    # 10:00 UTC is 17:00 in Hà Nội: the local day and time, as a Vietnamese office writes it
    assert _column(rows, "Ngày nhận / Received")[code] == "23/11/2026 17:00"
    status = _column(rows, "Trạng thái / Status")[code]
    assert status == label("vi", "status", "resolved") and status != "Resolved"
    assert _column(rows, "Kênh tiếp nhận / Channel")[code] == label("vi", "channel", "in_person")
    assert _column(rows, "Điểm đánh giá (1–5) / Rating (1–5)")[code] == "4"
    assert _column(rows, "Điểm đánh giá (1–5) / Rating (1–5)")[world["overdue"].code] == ""
    assert not any("agency_id" in h or "_at" in h for h in rows[0])

    english = _csv(
        client.get(
            "/api/v1/exports/cases",
            params={"format": "csv", "lang": "en"},
            headers=world["headers"],
        )
    )
    assert english[0] == rows[0]  # the headers are bilingual, the same for every reader
    assert _column(english, "Trạng thái / Status")[code] == "Resolved"


def test_overdue_list_xlsx_has_date_cells_and_names(client, world):
    response = client.get(
        "/api/v1/exports/cases",
        params={"format": "xlsx", "overdue": "true"},
        headers=world["headers"],
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert tuple(header) == CASE_HEADERS
    [row] = list(sheet.iter_rows(min_row=2))
    cells = dict(zip(header, row, strict=True))
    assert cells["Mã hồ sơ / Code"].value == world["overdue"].code
    assert cells["Cơ quan / Agency"].value == "UBND phường Phúc Xá"
    assert cells["Quá hạn / Overdue"].value == "x"
    received = cells["Ngày nhận / Received"]
    assert received.value == at("2026-09-01", "09:00").replace(tzinfo=None)  # a local date cell
    assert received.number_format == "dd/mm/yyyy hh:mm"
    assert received.is_date
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:U2"  # 21 columns, 1 case
    widths = [sheet.column_dimensions[letter].width for letter in ("B", "E", "G")]
    assert all(width and width >= 12 for width in widths), widths


def test_summary_csv_has_vietnamese_figures_and_satisfaction_per_agency(client, world):
    params = {"from": "2026-11-01", "to": "2026-11-30", "format": "csv"}
    rows = _csv(client.get("/api/v1/reports/summary", params=params, headers=world["headers"]))
    assert tuple(rows[0]) == SUMMARY_HEADERS
    figures = dict(row for row in rows[1:] if len(row) == 2 and row[0])
    assert figures[label("vi", "fig", "received")] == "3"  # the overdue one came in September
    assert figures[VI.pgettext("report", "From")] == "01/11/2026"
    assert figures[VI.pgettext("report", "To")] == "30/11/2026"
    assert figures[VI.pgettext("report", "As of")] == "27/11/2026 10:00"
    assert figures[satisfaction_row("Average score (1–5)")] == "3,67"
    assert figures[satisfaction_row("Share satisfied (4–5)")] == "66,7%"
    assert "Share satisfied" not in satisfaction_row("Share satisfied (4–5)")  # in Vietnamese
    assert not any("backlog_by_age" in row[0] or "." in row[0].split(" ")[0] for row in rows if row)

    start = rows.index(list(SATISFACTION_HEADERS))
    assert rows[start - 1] == [VI.gettext("Satisfaction by agency")] and rows[start - 2] == []
    per_agency = {row[0]: row[1:] for row in rows[start + 1 :]}
    assert per_agency == {
        "UBND phường Phúc Xá": ["1", "4", "100,0%"],
        "UBND phường Trúc Bạch": ["2", "3,5", "50,0%"],
    }


def test_summary_xlsx_has_a_sheet_of_satisfaction_per_agency(client, world):
    params = {"from": "2026-11-01", "to": "2026-11-30", "format": "xlsx", "lang": "en"}
    response = client.get("/api/v1/reports/summary", params=params, headers=world["headers"])
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary, per_agency = book.worksheets
    figures = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert figures["Received"].value == 3
    share = figures["Citizens' satisfaction · Share satisfied (4–5)"]
    assert share.value == pytest.approx(0.6667) and share.number_format == "0.0%"
    assert figures["As of"].value == NOW.replace(tzinfo=None)
    assert [c.value for c in per_agency[1]] == list(SATISFACTION_HEADERS)
    rows = [[c.value for c in row] for row in per_agency.iter_rows(min_row=2)]
    assert rows == [["UBND phường Phúc Xá", 1, 4, 1.0], ["UBND phường Trúc Bạch", 2, 3.5, 0.5]]
    assert per_agency["D2"].number_format == "0.0%"


def test_dashboard_shows_satisfaction_per_agency_worst_first(client, world):
    page = client.get("/dashboard")
    assert page.status_code == 200
    section = page.text.split('id="satisfaction-by-agency"')[1].split("</section>")[0]
    assert section.index("UBND phường Trúc Bạch") < section.index("UBND phường Phúc Xá")
    assert "50,0 %" in section and "100,0 %" in section  # Vietnamese numbers
