"""The case page's action forms through the TestClient: a malformed or refused form is the
case page again (its status, the reason beside the field, what was typed kept), a stale one
the "changed meanwhile" page, and the buttons are the lifecycle's own answer."""

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from models import Case, CaseEvent, Role
from tests.case_factories import act, make_case
from tests.factories import make_agency, make_head, make_user
from tests.web.conftest import carry_csrf
from tests.web.test_pages import sign_in

CONFLICT = "Hồ sơ vừa được người khác cập nhật"


@pytest.fixture
def agency(session):
    return make_agency(session, "UBND xã Phúc Trìu")


@pytest.fixture
def officer(session, agency):
    return make_user(session, Role.officer, agency, full_name="Lê Thị Hoa")


def _events(session, case) -> int:
    return session.exec(select(func.count()).where(CaseEvent.case_id == case.id)).one()


def _case(session, case) -> Case:
    session.expire_all()
    return session.get(Case, case.id)


def test_accept_redirects_to_the_case_with_the_news(client, engine, session, agency, officer):
    case = make_case(engine, officer, agency, now=datetime.now(UTC))
    sign_in(client, officer)
    carry_csrf(client)
    response = client.post(
        f"/cases/{case.id}/act/accept",
        data={"version": str(case.version), "note": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{case.id}?done=accept"
    assert _case(session, case).status == "accepted"
    assert "Đã ghi nhận" in client.get(response.headers["location"]).text


@pytest.mark.parametrize(
    "version", ["99999999999999999999", "²", "", "-1", "1.5", "0x10", "1" * 400]
)
def test_malformed_version_is_the_page_with_422(client, engine, session, agency, officer, version):
    case = make_case(engine, officer, agency, now=datetime.now(UTC))
    events = _events(session, case)
    sign_in(client, officer)
    carry_csrf(client)
    response = client.post(
        f"/cases/{case.id}/act/decline",
        data={"version": version, "reason": "Không thuộc thẩm quyền"},
    )
    assert response.status_code == 422
    assert case.code in response.text  # the case page, not a JSON body
    why = "Mục này cần được nhập." if version == "" else "Giá trị không hợp lệ."
    assert f'role="alert">Không thụ lý: {why}<' in response.text
    assert '<details class="action" id="action-decline" open>' in response.text
    assert ">Không thuộc thẩm quyền</textarea>" in response.text  # what was typed is kept
    assert (_case(session, case).status, _events(session, case)) == ("received", events)


def test_malformed_assignee_is_shown_beside_its_field(client, engine, session, agency, officer):
    case = make_case(engine, officer, agency, now=datetime.now(UTC))
    sign_in(client, officer)
    carry_csrf(client)
    body = {"version": str(case.version), "assignee_id": "²", "note": "Giao anh Hòa"}
    response = client.post(f"/cases/{case.id}/act/assign", data=body)
    assert response.status_code == 422
    field = response.text[response.text.index('id="action-assign"') :]
    assert '<span class="field-error" id="error-assign-assignee_id" data-field-error=' in field
    assert "Giá trị không hợp lệ." in field and ">Giao anh Hòa</textarea>" in field
    missing = client.post(f"/cases/{case.id}/act/decline", data={"version": str(case.version)})
    assert missing.status_code == 422
    assert "Mục này cần được nhập." in missing.text
    english = client.post(
        f"/cases/{case.id}/act/decline?lang=en", data={"version": str(case.version)}
    )
    assert "This field is required." in english.text
    assert _case(session, case).assignee_id is None


def test_stale_form_is_the_changed_meanwhile_page(client, engine, session, agency, officer):
    case = make_case(engine, officer, agency, now=datetime.now(UTC))
    sign_in(client, officer)
    carry_csrf(client)
    first = client.post(
        f"/cases/{case.id}/act/accept", data={"version": "1"}, follow_redirects=False
    )
    assert first.status_code == 303
    second = client.post(
        f"/cases/{case.id}/act/decline", data={"version": "1", "reason": "Trùng đơn"}
    )
    assert second.status_code == 409
    assert CONFLICT in second.text
    assert ">Trùng đơn</textarea>" not in second.text  # decline is no longer offered
    assert _case(session, case).status == "accepted"


def test_refused_transition_keeps_the_case_page(client, engine, session, agency, officer):
    case = make_case(engine, officer, agency, now=datetime.now(UTC))
    sign_in(client, officer)
    carry_csrf(client)
    response = client.post(
        f"/cases/{case.id}/act/resolve", data={"version": "1", "answer": "Đã trả lời"}
    )
    assert response.status_code == 422
    # The lifecycle's refusal in the page's language (its code, api/labels.py), not English.
    refusal = "Thao tác này không áp dụng cho hồ sơ ở tình trạng hiện nay."
    assert refusal in response.text and "cannot be given the action" not in response.text
    assert client.post(f"/cases/{case.id}/act/fly", data={"version": "1"}).status_code == 404
    assert _case(session, case).status == "received"


def test_buttons_are_what_the_lifecycle_offers(client, engine, session, agency, officer):
    complaint = make_case(engine, officer, agency, now=datetime.now(UTC))
    sign_in(client, officer)
    carry_csrf(client)
    page = client.get(f"/cases/{complaint.id}").text
    assert 'id="action-accept"' in page and 'id="action-decline"' in page
    assert 'id="action-resolve"' not in page  # not from `received`
    client.post(f"/cases/{complaint.id}/act/accept", data={"version": "1"})
    page = client.get(f"/cases/{complaint.id}").text
    assert 'id="action-resolve"' in page
    assert 'id="action-extend"' not in page  # a complaint's policy allows no extension
    assert 'id="action-reset_date"' not in page  # dossiers only
    denunciation = make_case(engine, officer, agency, now=datetime.now(UTC), kind="denunciation")
    client.post(f"/cases/{denunciation.id}/act/accept", data={"version": "1"})
    assert 'id="action-extend"' in client.get(f"/cases/{denunciation.id}").text
    # Another agency's officer sees nothing; a clerk may only withdraw or log documents.
    clerk = make_user(session, Role.clerk, agency)
    sign_in(client, clerk)
    page = client.get(f"/cases/{complaint.id}").text
    assert 'id="action-withdraw"' in page and 'id="action-accept"' not in page
    head = make_head(session, make_agency(session, "UBND xã Linh Sơn"))
    sign_in(client, head)
    assert client.get(f"/cases/{complaint.id}").status_code == 404


def test_the_page_names_its_people_and_offers_the_agencys_officers(
    client, engine, session, agency, officer
):
    """After a transfer, the timeline still names the first agency's officer; the assignment
    list holds only the new agency's active officers and heads; the transfer list every other
    agency that is not dissolved."""
    now = datetime.now(UTC)
    other = make_agency(session, "UBND xã Linh Sơn")
    head = make_head(session, other, full_name="Trần Văn Bình")
    colleague = make_user(session, Role.officer, other, full_name="Ngô Thị Lan")
    gone = make_user(session, Role.officer, other, full_name="Đỗ Văn Nghỉ")
    gone.is_active = False
    session.add(gone)
    session.commit()
    make_user(session, Role.clerk, other, full_name="Phạm Thu Văn Thư")
    third = make_agency(session, "UBND xã Quyết Thắng")
    case = make_case(engine, officer, agency, now=now)
    case = act(engine, case, "transfer", officer, now=now, agency_id=other.id, reason="Thẩm quyền")
    sign_in(client, head)
    page = client.get(f"/cases/{case.id}").text
    assert "Lê Thị Hoa" in page  # the officer who transferred it, of the first agency
    assign = page.split('name="assignee_id"')[1].split("</select>")[0]
    assert "Trần Văn Bình" in assign and "Ngô Thị Lan" in assign
    assert "Đỗ Văn Nghỉ" not in assign and "Phạm Thu Văn Thư" not in assign
    assert "Lê Thị Hoa" not in assign
    transfer = page.split('name="agency_id"')[1].split("</select>")[0]
    assert f'value="{third.id}"' in transfer and f'value="{agency.id}"' in transfer
    assert f'value="{other.id}"' not in transfer  # not to itself
    assert colleague.full_name not in transfer
