"""Limits the law sets on restarts, apologies, extensions, withdrawals and suspensions."""

from datetime import date

import pytest
import yaml
from sqlmodel import select

from core.errors import Invalid
from models import Case, CaseEvent, Notification, Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.deadlines import dates, policies

CITIZEN = {"name": "Hoàng Văn Nam", "phone": "0912 333 444", "email": "nam@example.vn"}


@pytest.fixture
def desk(session):
    agency = make_agency(session, "UBND xã Quyết Thắng")
    return agency, make_user(session, Role.officer, agency)


def last_event(session, case):
    return session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()


def test_a_dossier_is_asked_to_complete_once_and_restarts_once(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="dossier")
    case = act(engine, case, "accept", officer, now=at("2026-03-03"))
    case = act(engine, case, "request_documents", officer, now=at("2026-03-04"), missing="Sổ đỏ")
    case = act(engine, case, "documents_received", officer, now=at("2026-03-09"))
    # NĐ 61/2018 Art. 19.4: the 20 working days restart from the complete dossier, Mon
    # 09/03/2026: 10-13 (4), 16-20 (9), 23-27 (14), 30-31 (16), 01-03/04 (19), Mon 06/04 (20).
    assert dates.local_date(case.due_at) == date(2026, 4, 6)
    with pytest.raises(Invalid, match="1 time"):
        act(engine, case, "request_documents", officer, now=at("2026-03-10"), missing="Lần hai")
    assert session.get(Case, case.id).completion_requests == 1


def test_the_apology_comes_a_day_before_the_deadline_and_names_both_dates(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="dossier", citizen=CITIZEN)
    case = act(engine, case, "accept", officer, now=at("2026-03-03"))
    # 20 working days from Mon 02/03/2026: due Mon 30/03/2026 (03-06: 4, 09-13: 9,
    # 16-20: 14, 23-27: 19, 30/03: 20).
    assert dates.local_date(case.due_at) == date(2026, 3, 30)
    with pytest.raises(Invalid, match="one day before"):
        act(
            engine,
            case,
            "reset_date",
            officer,
            now=at("2026-03-30", "08:00"),
            new_due_date="2026-04-10",
            reason="Chờ đo đạc",
        )
    case = act(
        engine,
        case,
        "reset_date",
        officer,
        now=at("2026-03-27"),
        new_due_date="2026-04-10",
        reason="Chờ đo đạc",
    )
    assert dates.local_date(case.due_at) == date(2026, 4, 10)
    assert last_event(session, case).data["previous_due_at"].startswith("2026-03-30")
    letter = session.exec(
        select(Notification).where(Notification.template == "citizen_apology")
    ).one()
    assert letter.context["old_due_at"].startswith("2026-03-30")
    assert letter.context["new_due_at"].startswith("2026-04-10")
    with pytest.raises(Invalid, match="only once"):
        act(
            engine,
            case,
            "reset_date",
            officer,
            now=at("2026-04-01"),
            new_due_date="2026-04-20",
            reason="Lần nữa",
        )


def test_an_extension_is_decided_before_the_deadline(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="denunciation")
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    # Accepted Mon 02/03/2026: 30 days (Art. 30.1) = Wed 01/04/2026, ending at 24:00.
    extend = {"reason": "Xác minh nhiều nơi", "complexity": "complex"}
    with pytest.raises(Invalid, match="before the deadline"):
        act(engine, case, "extend", officer, now=at("2026-04-02", "08:00"), **extend)
    case = act(engine, case, "extend", officer, now=at("2026-04-01", "22:00"), **extend)
    # Extended once by 30 days (Art. 30.2): 60 days from 02/03 = Fri 01/05/2026, a holiday;
    # Sat 02, Sun 03 off: the end of Mon 04/05/2026.
    assert dates.local_date(case.due_at) == date(2026, 5, 4)


def test_a_denunciation_withdrawal_needs_the_request_and_a_decision(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="denunciation")
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    with pytest.raises(Invalid, match="Điều 33"):
        act(engine, case, "withdraw", officer, now=at("2026-03-05"), reason="Rút đơn")
    written = {"reason": "Rút đơn", "written_request": "Đơn rút tố cáo ngày 04/03/2026"}
    case = act(
        engine, case, "withdraw", officer, now=at("2026-03-05"), decision="continue", **written
    )
    # Signs of a violation: the resolver continues; the request and decision are on record.
    assert case.status == "accepted"
    recorded = last_event(session, case)
    assert (recorded.action, recorded.data["decision"]) == ("withdraw", "continue")
    case = act(engine, case, "withdraw", officer, now=at("2026-03-06"), decision="stop", **written)
    assert case.status == "withdrawn"


def test_a_denunciation_is_suspended_only_by_decision_on_its_grounds(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="denunciation")
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    with pytest.raises(Invalid):
        act(engine, case, "request_documents", officer, now=at("2026-03-03"), missing="x")
    with pytest.raises(Invalid, match="grounds"):
        act(engine, case, "suspend", officer, now=at("2026-03-03"), grounds="busy", decision="x")
    case = act(
        engine,
        case,
        "suspend",
        officer,
        now=at("2026-03-03"),
        grounds="awaiting_expert_assessment",
        decision="QĐ 7/QĐ-TTr ngày 03/03/2026",
    )
    assert case.status == "on_hold"
    case = act(engine, case, "resume", officer, now=at("2026-03-13"))
    # Suspended Tue 03/03 to Fri 13/03: 10 days not counted; 30 + 10 days from 02/03/2026
    # = Sat 11/04/2026, a day off: the end of Mon 13/04/2026.
    assert dates.local_date(case.due_at) == date(2026, 4, 13)


def test_the_complaint_pause_is_off_unless_turned_on_as_a_product_option(engine, session, desk):
    agency, officer = desk
    case = make_case(engine, officer, agency, now=at("2026-03-02"))
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    with pytest.raises(Invalid, match="product option"):
        act(engine, case, "request_documents", officer, now=at("2026-03-03"), missing="Ảnh")
    data = yaml.safe_load(policies.DATA_FILE.read_text(encoding="utf-8"))
    for raw in data["policies"]:
        if raw["version"] == "complaint-2011.1":
            raw["on_documents"] = "pause"
    with_option = policies.parse(data)
    case = act(
        engine,
        case,
        "request_documents",
        officer,
        now=at("2026-03-03"),
        missing="Ảnh",
        policies=with_option,
    )
    assert case.status == "on_hold"
    assert last_event(session, case).data["product_option"] is True
