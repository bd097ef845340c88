"""The citizen hears from us at receipt, acceptance, decline, late-dossier apology and answer."""

from datetime import date

from sqlmodel import select

from models import Notification, Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user

CITIZEN = {"name": "Bùi Thị Thanh", "phone": "0912 000 111", "email": "thanh@example.vn"}


def _mail(session, case):
    rows = session.exec(
        select(Notification).where(Notification.case_id == case.id).order_by(Notification.id)
    ).all()
    return [(n.template, n.recipient, n.context) for n in rows]


def test_receipt_acceptance_and_answer_reach_the_citizen(engine, session):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), citizen=CITIZEN)
    act(engine, case, "accept", officer, now=at("2026-03-03"))
    act(engine, case, "resolve", officer, now=at("2026-03-10"), answer="Đã cấp giấy chứng nhận.")

    mail = _mail(session, case)
    assert [m[0] for m in mail] == ["citizen_receipt", "citizen_accepted", "citizen_answer"]
    assert {m[1] for m in mail} == {"thanh@example.vn"}
    assert mail[0][2]["case"]["code"] == case.code
    assert mail[2][2]["answer"] == "Đã cấp giấy chứng nhận."


def test_decline_carries_the_reason(engine, session):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), citizen=CITIZEN)
    act(engine, case, "decline", officer, now=at("2026-03-03"), reason="Không thuộc thẩm quyền")
    assert _mail(session, case)[-1][0] == "citizen_declined"
    assert _mail(session, case)[-1][2]["reason"] == "Không thuộc thẩm quyền"


def test_late_dossier_apology_gives_the_new_date(engine, session):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), citizen=CITIZEN, kind="dossier")
    act(engine, case, "accept", officer, now=at("2026-03-02", "10:00"))
    act(
        engine,
        case,
        "reset_date",
        officer,
        now=at("2026-03-20"),
        new_due_date=date(2026, 4, 15),
        reason="Chờ kết quả đo đạc",
    )
    template, _, context = _mail(session, case)[-1]
    assert template == "citizen_apology"
    assert context["reason"] == "Chờ kết quả đo đạc"
    assert context["new_due_at"].startswith("2026-04-15")


def test_no_email_address_no_mail_and_other_actions_stay_internal(engine, session):
    agency = make_agency(session)
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=at("2026-03-02"))
    act(engine, case, "accept", officer, now=at("2026-03-03"))
    assert _mail(session, case) == []
    emailed = make_case(engine, officer, agency, now=at("2026-03-02"), citizen=CITIZEN)
    act(engine, emailed, "assign", officer, now=at("2026-03-03"), assignee_id=officer.id)
    assert [m[0] for m in _mail(session, emailed)] == ["citizen_receipt"]
