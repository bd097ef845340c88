"""Notices the law requires: due steps on the case, emailed or printed as the form."""

from datetime import date

import pytest
from sqlmodel import select

from api.deps import utcnow
from models import CaseNotice, Notification, Role
from notifications.render import render
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user, session_token
from workflows.deadlines import dates


@pytest.fixture
def office(client, session, settings):
    client.app.dependency_overrides[utcnow] = lambda: at("2026-03-10")
    agency = make_agency(session, "UBND xã Phúc Xuân")
    other = make_agency(session, "UBND xã Phúc Trìu")

    def token(user):
        return session_token(settings, user)

    officer = make_user(session, Role.officer, agency)
    stranger = make_user(session, Role.officer, other)
    return {
        "agency": agency,
        "other": other,
        "officer": officer,
        "token": token(officer),
        "stranger": {"Authorization": f"Bearer {token(stranger)}"},
    }


def local_day(value):
    return dates.local_date(value)


def test_a_completion_request_without_email_is_printed_as_form_02(client, session, office):
    engine, officer = session.get_bind(), office["officer"]
    case = make_case(engine, officer, office["agency"], now=at("2026-03-02"), kind="dossier")
    act(engine, case, "accept", officer, now=at("2026-03-03"))
    act(engine, case, "request_documents", officer, now=at("2026-03-04"), missing="Bản sao <sổ>")
    rows = session.exec(select(CaseNotice).where(CaseNotice.case_id == case.id)).all()
    # Acceptance notice due by the end of the acceptance day (Tue 03/03/2026); the completion
    # request (form 02) by the end of Wed 04/03/2026. No email: both to print and hand over.
    assert [(n.kind, local_day(n.due_at), n.channel, n.sent_at) for n in rows] == [
        ("acceptance", date(2026, 3, 3), "print", None),
        ("completion_request", date(2026, 3, 4), "print", None),
    ]
    headers = {"Authorization": f"Bearer {office['token']}"}
    listed = client.get(f"/api/v1/cases/{case.id}/notices", headers=headers).json()
    assert [n["kind"] for n in listed] == ["acceptance", "completion_request"]
    assert (
        client.get(f"/api/v1/cases/{case.id}/notices", headers=office["stranger"]).status_code
        == 404
    )
    client.cookies.set("dondoc_token", office["token"])
    page = client.get(f"/cases/{case.id}")
    # Seen on 10/03/2026: both are past due and unsent, so the officer sees them as overdue.
    assert page.text.count("Quá hạn gửi") == 2
    queue = client.get("/queue")
    assert "2 thông báo chưa gửi" in queue.text  # the officer's reminder in the queue
    printed = client.get(f"/cases/{case.id}/notices/{rows[1].id}")
    assert printed.status_code == 200
    assert "Mẫu số 02 — Thông tư 03/2025/TT-VPCP" in printed.text  # received after 01/07/2025
    assert "Bản sao &lt;sổ&gt;" in printed.text
    sent = client.post(f"/api/v1/cases/{case.id}/notices/{rows[1].id}/sent", headers=headers)
    assert sent.status_code == 200 and sent.json()["sent_at"] is not None
    assert "1 thông báo chưa gửi" in client.get("/queue").text
    again = client.post(f"/api/v1/cases/{case.id}/notices/{rows[1].id}/sent", headers=headers)
    assert again.status_code == 422 and "already" in again.json()["detail"]
    foreign = client.post(
        f"/api/v1/cases/{case.id}/notices/{rows[0].id}/sent", headers=office["stranger"]
    )
    assert foreign.status_code == 404


def test_denunciation_notices_are_emailed_with_their_dates(client, session, office):
    engine, officer = session.get_bind(), office["officer"]
    citizen = {"name": "Đỗ Văn Tín", "phone": "0912 555 666", "email": "tin@example.vn"}
    case = make_case(
        engine,
        officer,
        office["agency"],
        now=at("2026-03-02"),
        kind="denunciation",
        citizen=citizen,
    )
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    case = act(
        engine,
        case,
        "extend",
        officer,
        now=at("2026-03-30"),
        reason="Xác minh nhiều nơi",
        complexity="complex",
    )
    rows = session.exec(select(CaseNotice).where(CaseNotice.case_id == case.id)).all()
    # Notice after accepting (Art. 29.3): 5 working days from Mon 02/03/2026 = Mon 09/03.
    # Extension notice (Art. 30.4): by the end of the decision's day, Mon 30/03/2026.
    assert [(n.kind, local_day(n.due_at), n.channel) for n in rows] == [
        ("denunciation_accepted", date(2026, 3, 9), "email"),
        ("extension", date(2026, 3, 30), "email"),
    ]
    assert all(n.sent_at is not None for n in rows)
    mails = session.exec(
        select(Notification).where(Notification.case_id == case.id).order_by(Notification.id)
    ).all()
    # The acceptance email carries the first notice; the extension has its own.
    assert [m.template for m in mails] == ["citizen_receipt", "citizen_accepted", "citizen_notice"]
    email = render(template="citizen_notice", context=mails[-1].context)
    # Extended by 30 days: 60 days from 02/03/2026 = Fri 01/05 (holiday), Sat, Sun: Mon 04/05.
    assert email.subject == f"Thông báo gia hạn giải quyết — {case.code}"
    assert "gia hạn đến hết ngày 04/05/2026" in email.text and "Điều 30.4" in email.text


def test_a_transfer_notice_is_due_in_five_working_days(client, session, office):
    engine, officer = session.get_bind(), office["officer"]
    case = make_case(engine, officer, office["agency"], now=at("2026-03-02"), kind="petition")
    act(
        engine,
        case,
        "transfer",
        officer,
        now=at("2026-03-03"),
        agency_id=office["other"].id,
        reason="Thuộc thẩm quyền của xã Phúc Trìu",
    )
    notice = session.exec(select(CaseNotice).where(CaseNotice.case_id == case.id)).one()
    # Transferred Tue 03/03/2026: 5 working days = Tue 10/03/2026 (NĐ 20/2008 Art. 9.1(d)).
    assert (notice.kind, local_day(notice.due_at)) == ("transfer", date(2026, 3, 10))
