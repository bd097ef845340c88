"""The administrator's agencies page: the tree, and dissolving an agency as of a date."""

import pytest
from sqlmodel import select

from api.deps import TOKEN_COOKIE, utcnow
from models import Agency, Case, CaseEvent, Role, User
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_head, make_user, session_token
from tests.inspection_factories import bearer
from tests.web.conftest import carry_csrf, csrf_token

NOW = at("2025-07-03", "10:00")


def as_user(client, settings, user) -> None:
    client.cookies.set(TOKEN_COOKIE, session_token(settings, user))
    carry_csrf(client, "/admin/agencies" if user.role == Role.admin else "/")


@pytest.fixture
def tree(client, session, settings):
    client.app.dependency_overrides[utcnow] = lambda: NOW
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    district = make_agency(session, "UBND huyện Định Hóa", parent=province)
    town = make_agency(session, "UBND thị trấn Chợ Chu", parent=district)
    successor = make_agency(session, "UBND xã Định Hóa", parent=province)
    head = make_head(session, district)
    clerk = make_user(session, Role.clerk, district)
    case = client.post(
        "/api/v1/cases", json=case_body(district), headers=bearer(settings, clerk)
    ).json()
    return {
        "province": province,
        "district": district,
        "town": town,
        "successor": successor,
        "head": head,
        "clerk": clerk,
        "case_id": case["id"],
    }


def test_admin_dissolves_a_district_from_the_page(client, session, settings, tree):
    as_user(client, settings, make_user(session, Role.admin))
    page = client.get("/admin/agencies")
    assert page.status_code == 200
    assert "UBND huyện Định Hóa" in page.text and "Đang hoạt động" in page.text
    response = client.post(
        "/admin/agencies/dissolve",
        data={
            "agency_id": tree["district"].id,
            "successor_id": tree["successor"].id,
            "effective_on": "01/07/2025",  # typed as dd/mm/yyyy
            "children_parent_id": tree["province"].id,
            "basis": "Tổ chức chính quyền địa phương hai cấp",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    shown = client.get(response.headers["location"])
    assert "Đã giải thể UBND huyện Định Hóa." in shown.text
    assert "Giải thể từ 01/07/2025, kế nhiệm: UBND xã Định Hóa" in shown.text
    session.expire_all()
    assert session.get(Case, tree["case_id"]).agency_id == tree["successor"].id
    assert session.get(Agency, tree["town"].id).parent_id == tree["province"].id
    assert session.get(User, tree["clerk"].id).agency_id == tree["successor"].id
    reason = session.exec(
        select(CaseEvent.data).where(
            CaseEvent.case_id == tree["case_id"], CaseEvent.action == "reorganise"
        )
    ).one()["reason"]
    assert "01/07/2025" in reason and "hai cấp" in reason
    english = client.get("/admin/agencies", params={"lang": "en"})
    assert "Dissolved from 01/07/2025, successor: UBND xã Định Hóa" in english.text


@pytest.mark.parametrize(
    "change, message",
    [
        ({"effective_on": "04/07/2025"}, "Chỉ ghi nhận việc giải thể từ ngày có hiệu lực"),
        ({"effective_on": "31/06/2025"}, "Nhập ngày dạng dd/mm/yyyy, ví dụ 28/11/2026."),
        ({"effective_on": "07/01/25"}, "Nhập ngày dạng dd/mm/yyyy, ví dụ 28/11/2026."),
        ({"successor_id": ""}, "Chọn cơ quan và cơ quan kế nhiệm."),
        ({"successor_id": "x"}, "Lựa chọn không hợp lệ."),
        ({"successor_id": "999999"}, "không tồn tại hoặc đã giải thể"),
        ({"successor_id": "town"}, "không được thuộc cơ quan bị giải thể"),
    ],
)
def test_a_bad_form_shows_why_and_changes_nothing(client, session, settings, tree, change, message):
    as_user(client, settings, make_user(session, Role.admin))
    data = {
        "agency_id": tree["district"].id,
        "successor_id": tree["successor"].id,
        "effective_on": "2025-07-01",
    } | change
    if data["successor_id"] == "town":
        data["successor_id"] = tree["town"].id
    response = client.post("/admin/agencies/dissolve", data=data, follow_redirects=False)
    assert response.status_code == 422
    assert message in response.text
    session.expire_all()
    assert session.get(Agency, tree["district"].id).dissolved_at is None
    assert session.get(Case, tree["case_id"]).agency_id == tree["district"].id


@pytest.mark.parametrize("role", [Role.head, Role.officer, Role.inspector, Role.clerk])
def test_only_an_admin_sees_the_page(client, session, settings, tree, role):
    as_user(client, settings, make_user(session, role, tree["province"]))
    assert client.get("/admin/agencies").status_code == 403
    response = client.post(
        "/admin/agencies/dissolve",
        data={"agency_id": tree["district"].id, "successor_id": tree["successor"].id},
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Agency, tree["district"].id).dissolved_at is None


def test_the_dissolve_form_needs_the_session_token(client, session, settings, tree):
    """The page form carries the session's CSRF token; without it, 403 and nothing changes."""
    as_user(client, settings, make_user(session, Role.admin))
    del client.headers["X-CSRF-Token"]
    data = {
        "agency_id": tree["district"].id,
        "successor_id": tree["successor"].id,
        "effective_on": "2025-07-01",
    }
    refused = client.post("/admin/agencies/dissolve", data=data, follow_redirects=False)
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(Agency, tree["district"].id).dissolved_at is None
    token = csrf_token(client, "/admin/agencies")
    response = client.post(
        "/admin/agencies/dissolve", data=data | {"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    session.expire_all()
    assert session.get(Agency, tree["district"].id).dissolved_at is not None
