"""Procedures set a dossier's deadline and the return date on its slip (form 01)."""

import re
import subprocess
import sys
from datetime import date, datetime

import pytest
from sqlmodel import func, select

from api.deps import utcnow
from models import Case, Notification, Procedure, Role
from notifications.render import render
from tests.case_factories import act, at, case_body
from tests.factories import make_agency, make_user, session_token
from tests.web.conftest import carry_csrf
from workflows.deadlines import dates

NOW = at("2026-03-02")  # a Monday


@pytest.fixture
def desk(client, session, settings):
    client.app.dependency_overrides[utcnow] = lambda: NOW

    def bearer(user):
        token = session_token(settings, user)
        return {"Authorization": f"Bearer {token}"}, token

    commune = make_agency(session, "UBND xã Tân Cương")
    remote = make_agency(session, "UBND xã Sảng Mộc", remote_area=True)
    clerk, clerk_token = bearer(make_user(session, Role.clerk, commune))
    remote_clerk, _ = bearer(make_user(session, Role.clerk, remote))
    admin, _ = bearer(make_user(session, Role.admin))
    return {
        "commune": commune,
        "remote": remote,
        "clerk": clerk,
        "clerk_token": clerk_token,
        "remote_clerk": remote_clerk,
        "admin": admin,
    }


def local_day(instant: str | None) -> date | None:
    return dates.local_date(datetime.fromisoformat(instant)) if instant else None


def test_the_desk_lists_the_procedures_with_their_sources(client, desk):
    assert client.get("/api/v1/procedures").status_code == 401
    listed = {p["code"]: p for p in client.get("/api/v1/procedures", headers=desk["clerk"]).json()}
    first = listed["cap-gcn-lan-dau"]
    assert (first["processing_days"], first["remote_extra_days"]) == (20, 10)
    assert first["verified"] is False and "chưa kiểm chứng" in first["source"]
    assert {"ket-hon", "khai-sinh", "giay-phep-xay-dung", "ho-kinh-doanh"} <= set(listed)


def test_a_dossier_s_procedure_sets_its_return_date(client, session, desk):
    body = case_body(
        desk["commune"],
        kind="dossier",
        procedure_code="ket-hon",
        citizen={"name": "Lê Thị Hoa", "phone": "0912 111 222", "email": "hoa@example.vn"},
    )
    created = client.post("/api/v1/cases", json=body, headers=desk["clerk"])
    assert created.status_code == 201, created.text
    case = client.get(f"/api/v1/cases/{created.json()['id']}", headers=desk["clerk"]).json()
    # Received Mon 02/03/2026. Marriage registration: product default 5 working days:
    # Tue 03 (1), Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09/03/2026 (5). The completeness
    # check (NĐ 61/2018 Art. 19.4) runs 3 working days: Thu 05/03/2026.
    assert case["procedure_code"] == "ket-hon"
    assert local_day(case["promised_at"]) == date(2026, 3, 9)
    assert local_day(case["due_at"]) == date(2026, 3, 5)
    # The slip (form 01) gives the return date and a QR code opening the public look-up.
    client.cookies.set("dondoc_token", desk["clerk_token"])
    carry_csrf(client)
    slip = client.get(f"/cases/{case['id']}/receipt")
    assert slip.status_code == 200
    assert "Ngày hẹn trả kết quả" in slip.text and "09/03/2026" in slip.text
    # The QR code is an inline SVG; no inline script anywhere (the print button's script is a file).
    assert "<svg" in slip.text and not re.search(r"<script(?![^>]*\bsrc=)", slip.text)
    # The citizen's receipt email gives the date too.
    mail = session.exec(select(Notification).where(Notification.case_id == case["id"])).one()
    rendered = render(template=mail.template, context=mail.context)
    assert "hẹn trả kết quả ngày 09/03/2026" in rendered.subject
    assert "09/03/2026" in rendered.html


def test_a_remote_commune_adds_the_procedure_s_extra_days(client, desk):
    body = case_body(desk["remote"], kind="dossier", procedure_code="cap-gcn-lan-dau")
    case = client.post("/api/v1/cases", json=body, headers=desk["remote_clerk"]).json()
    # First land-use-right certificate: 20 working days, remote areas +10 = 30 working days
    # from Mon 02/03/2026: March has 21 working days after the 2nd (03-31/03: 21), April 1-10
    # adds 8 (01, 02, 03, 06, 07, 08, 09, 10) = 29, Mon 13/04 is the 30th.
    assert local_day(case["promised_at"]) == date(2026, 4, 13)


def test_an_unknown_or_misplaced_procedure_is_refused(client, session, desk):
    before = session.exec(select(func.count()).select_from(Case)).one()
    unknown = case_body(desk["commune"], kind="dossier", procedure_code="khong-co")
    answer = client.post("/api/v1/cases", json=unknown, headers=desk["clerk"])
    assert answer.status_code == 422 and "khong-co" in answer.json()["detail"]
    misplaced = case_body(desk["commune"], procedure_code="ket-hon")  # a complaint
    assert client.post("/api/v1/cases", json=misplaced, headers=desk["clerk"]).status_code == 422
    assert session.exec(select(func.count()).select_from(Case)).one() == before


def test_a_complaint_promises_its_resolution_deadline_once_accepted(client, desk, session):
    case = client.post("/api/v1/cases", json=case_body(desk["commune"]), headers=desk["clerk"])
    assert case.json()["promised_at"] is None  # not accepted yet: no resolution deadline
    staff = make_user(session, Role.officer, desk["commune"])
    accepted = act(
        session.get_bind(),
        session.get(Case, case.json()["id"]),
        "accept",
        staff,
        now=at("2026-03-03"),
    )
    # Accepted Tue 03/03/2026: a first complaint is resolved in 30 days (Art. 28): Thu
    # 02/04/2026; promised_at is that deadline.
    assert dates.local_date(accepted.promised_at) == date(2026, 4, 2)
    assert accepted.promised_at == accepted.due_at


CSV = (
    "code,name,processing_days,remote_extra_days,source\n"
    "ket-hon,Đăng ký kết hôn,3,0,Quyết định 123/QĐ-UBND tỉnh Thái Nguyên\n"
    "cap-gcn-lan-dau,Cấp GCN lần đầu,17,5,Quyết định 123/QĐ-UBND tỉnh Thái Nguyên\n"
)


def test_admin_loads_the_province_s_list_from_csv(client, session, desk):
    headers = {**desk["admin"], "Content-Type": "text/csv"}
    clerk = {**desk["clerk"], "Content-Type": "text/csv"}
    assert client.post("/api/v1/procedures/import", content=CSV, headers=clerk).status_code == 403
    bad = CSV + "ho-kinh-doanh,Hộ kinh doanh,ba,0,x\n"
    refused = client.post("/api/v1/procedures/import", content=bad, headers=headers)
    assert refused.status_code == 422 and "row 4" in refused.json()["detail"]
    assert session.exec(select(func.count()).select_from(Procedure)).one() == 0
    loaded = client.post("/api/v1/procedures/import", content=CSV, headers=headers)
    assert loaded.status_code == 201 and loaded.json() == {"loaded": 2}
    listed = {p["code"]: p for p in client.get("/api/v1/procedures", headers=desk["clerk"]).json()}
    assert listed["ket-hon"]["processing_days"] == 3 and listed["ket-hon"]["verified"] is True
    assert listed["khai-sinh"]["verified"] is False  # the defaults the province did not list
    body = case_body(desk["commune"], kind="dossier", procedure_code="ket-hon")
    case = client.post("/api/v1/cases", json=body, headers=desk["clerk"]).json()
    # The province's 3 working days from Mon 02/03/2026: Thu 05/03/2026.
    assert local_day(case["promised_at"]) == date(2026, 3, 5)


def test_the_command_line_loads_the_list(tmp_path, database_url, session):
    path = tmp_path / "thu-tuc.csv"
    path.write_text(CSV, encoding="utf-8")
    env = {"DONDOC_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "procedures", "load", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "2 procedures loaded" in done.stdout
    assert session.get(Procedure, "cap-gcn-lan-dau").processing_days == 17
    path.write_text("code,name\nx,y\n", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "procedures", "load", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 2 and "processing_days" in refused.stderr


def test_the_intake_page_takes_the_procedure_and_the_slip_gives_its_date(client, session, desk):
    client.cookies.set("dondoc_token", desk["clerk_token"])
    carry_csrf(client)
    form = client.get("/cases/new")
    assert 'value="ket-hon"' in form.text
    sent = client.post(
        "/cases/new",
        data={
            "kind": "dossier",
            "channel": "in_person",
            "agency_id": str(desk["commune"].id),
            "title": "Đăng ký kết hôn",
            "citizen_name": "Trần Văn Bình",
            "citizen_phone": "0912 777 888",
            "procedure_code": "ket-hon",
            "form_token": re.search(r'name="form_token" value="(\w+)"', form.text)[1],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    slip = client.get(sent.headers["location"])
    # Received Mon 02/03/2026, 5 working days: Mon 09/03/2026 (as above).
    assert "Ngày hẹn trả kết quả" in slip.text and "09/03/2026" in slip.text
    case = session.exec(select(Case).where(Case.procedure_code == "ket-hon")).one()
    public = client.get(f"/api/v1/public/cases/{case.code}?phone_last4=7888")
    assert local_day(public.json()["promised_at"]) == date(2026, 3, 9)
