"""The administrator's import page: upload, read the check report, confirm."""

import sqlalchemy as sa

from models import Case, Role
from tests.factories import make_agency, make_user
from tests.register_rows import csv_text, faulty_rows, good_rows, xlsx_bytes
from tests.web.conftest import carry_csrf
from tests.web.test_pages import sign_in


def _count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_upload_check_then_confirm_the_good_rows(client, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    sign_in(client, make_user(session, Role.admin))
    carry_csrf(client)
    good = good_rows(40, agency_ids=[agency.id])
    bad = [row for _, row, _ in faulty_rows(agency_ids=[agency.id])][:3]
    upload = {"file": ("so-theo-doi.xlsx", xlsx_bytes(good + bad), "application/octet-stream")}

    checked = client.post("/admin/import", files=upload)

    assert checked.status_code == 200
    # The report and every refused row's reasons in the page's language (Vietnamese first).
    assert "dòng 42 (" in checked.text and "không có cơ quan" in checked.text
    assert "số dòng sẽ được nhập: 40" in checked.text
    assert "unknown agency" not in checked.text and "rows read" not in checked.text
    assert _count(session) == 0
    token = checked.text.split('name="token" value="')[1].split('"')[0]

    everything = client.post("/admin/import/confirm", data={"token": token})
    assert "Không ghi gì" in everything.text and _count(session) == 0

    partial = client.post("/admin/import/confirm", data={"token": token, "partial": "true"})
    assert partial.status_code == 200 and "số dòng đã nhập: 40" in partial.text
    assert _count(session) == 40
    assert session.scalar(sa.select(Case.created_by_id).limit(1)) is not None

    rejects = client.get(f"/admin/import/{token}/rejects")
    assert rejects.status_code == 200
    assert rejects.content.startswith(b"PK")  # the refused rows, as XLSX like the upload


def test_only_administrators_and_no_path_tricks(client, session):
    agency = make_agency(session)
    sign_in(client, make_user(session, Role.head, agency))
    carry_csrf(client)
    upload = {
        "file": ("so.csv", csv_text(good_rows(1, agency_ids=[agency.id])).encode(), "text/csv")
    }
    assert client.post("/admin/import", files=upload).status_code == 403
    sign_in(client, make_user(session, Role.admin))
    carry_csrf(client)
    assert client.get("/admin/import/..%2F..%2Fsecret_key/rejects").status_code == 404
    assert (
        client.post("/admin/import/confirm", data={"token": "a" * 64 + ".csv"}).status_code == 404
    )
    unreadable = client.post(
        "/admin/import", files={"file": ("so.csv", b"\x81\x8d\x8f", "text/csv")}
    )
    assert unreadable.status_code == 422 and "CSV UTF-8" in unreadable.text


def test_the_report_in_english_when_the_page_is(client, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    sign_in(client, make_user(session, Role.admin))
    carry_csrf(client)
    bad = [row for _, row, _ in faulty_rows(agency_ids=[agency.id])][:3]
    upload = {"file": ("so-theo-doi.csv", csv_text(bad).encode(), "text/csv")}

    checked = client.post("/admin/import?lang=en", files=upload)

    assert checked.status_code == 200
    assert "line 2 (" in checked.text and "rows that would be imported: 0" in checked.text
    assert "số dòng" not in checked.text
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    rejects = client.get(f"/admin/import/{token}/rejects?lang=vi")
    assert "không" in rejects.content.decode("utf-8-sig")  # the reasons column, in Vietnamese


def test_every_reason_a_row_is_refused_for_is_in_vietnamese(client, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    sign_in(client, make_user(session, Role.admin))
    carry_csrf(client)
    # Every fault but the duplicate source_ref, which needs its first row in the file too.
    faulty = [f for f in faulty_rows(agency_ids=[agency.id]) if f[0] != "duplicate source_ref"]
    upload = {
        "file": ("so-theo-doi.csv", csv_text([row for _, row, _ in faulty]).encode(), "text/csv")
    }

    page = client.post("/admin/import", files=upload).text

    for line, (fault, _, english_words) in enumerate(faulty, start=2):
        assert f"dòng {line} (" in page, fault
        assert english_words not in page, fault  # the command line's English, not the page's
    assert "số CCCD gồm đúng 12 chữ số" in page and "không thể là 7" in page
