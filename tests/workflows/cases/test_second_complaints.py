"""Second complaints (Law 02/2011 Art. 33, 36, 37) and complexity decided after acceptance."""

from datetime import date

import pytest
from sqlmodel import select

from core.errors import Invalid
from models import Case, CaseEvent, Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.cases import second_complaints
from workflows.deadlines import dates


@pytest.fixture
def tiers(session):
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    commune = make_agency(session, "UBND xã Tân Cương", parent=province)
    return {
        "province": province,
        "commune": commune,
        "commune_officer": make_user(session, Role.officer, commune),
        "province_officer": make_user(session, Role.officer, province),
        "province_clerk": make_user(session, Role.clerk, province),
    }


def decided_first_complaint(engine, tiers):
    officer = tiers["commune_officer"]
    first = make_case(engine, officer, tiers["commune"], now=at("2026-03-02"))
    act(engine, first, "accept", officer, now=at("2026-03-03"))
    return act(engine, first, "resolve", officer, now=at("2026-04-10"), answer="QĐ số 12")


def second(engine, tiers, first, day):
    return make_case(
        engine,
        tiers["province_clerk"],
        tiers["province"],
        now=at(day),
        instance=2,
        first_case_id=first.id,
    )


def test_second_complaint_in_time_gets_45_days_and_links_both_ways(engine, session, tiers):
    first = decided_first_complaint(engine, tiers)
    case = second(engine, tiers, first, "2026-05-04")
    # Art. 33: 30 days from the first decision of Fri 10/04/2026: day 30 is Sun 10/05, a day
    # off, so the window closes at the end of Mon 11/05/2026; filed Mon 04/05: in time.
    assert case.instance == 2 and case.policy_version == "complaint2-2011.1"
    assert case.filed_after_window is False
    receipt = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert receipt.data["window_ends"] == "2026-05-11"
    # Art. 36: accepted within 10 days of receipt: Thu 14/05/2026.
    assert dates.local_date(case.due_at) == date(2026, 5, 14)
    case = act(engine, case, "accept", tiers["province_officer"], now=at("2026-05-05"))
    # Art. 37: resolved within 45 days of acceptance (Tue 05/05/2026): 26 days to 31/05,
    # 19 more = Fri 19/06/2026. (A first complaint would get 30: Thu 04/06.)
    assert dates.local_date(case.due_at) == date(2026, 6, 19)
    assert case.promised_at == case.due_at
    # The first decision names the second complaint, the second its first.
    linked = session.exec(
        select(CaseEvent).where(
            CaseEvent.case_id == first.id, CaseEvent.action == "second_complaint"
        )
    ).one()
    assert linked.data["second_case_id"] == case.id
    ids = second_complaints.second_case_ids(
        session=session, case_id=first.id, user=tiers["province_officer"]
    )
    assert ids == [case.id]
    # The commune's officer cannot see the province's case: its id is not shown to them.
    assert (
        second_complaints.second_case_ids(
            session=session, case_id=first.id, user=tiers["commune_officer"]
        )
        == []
    )


def test_second_complaint_after_the_window_is_flagged_not_refused(engine, tiers):
    first = decided_first_complaint(engine, tiers)
    # Window closed at the end of Mon 11/05/2026 (above); filed Tue 12/05: late, still taken in.
    case = second(engine, tiers, first, "2026-05-12")
    assert case.status == "received" and case.filed_after_window is True


def test_the_window_runs_from_the_lapse_of_an_undecided_first_complaint(engine, tiers):
    officer = tiers["commune_officer"]
    first = make_case(engine, officer, tiers["commune"], now=at("2026-03-02"))
    act(engine, first, "accept", officer, now=at("2026-03-03"))
    # Never decided: the first deadline lapsed at the end of Thu 02/04/2026 (30 days from
    # 03/03); 30 more days: Sat 02/05/2026, a day off, so the end of Mon 04/05/2026.
    assert second(engine, tiers, first, "2026-05-04").filed_after_window is False
    assert second(engine, tiers, first, "2026-05-05").filed_after_window is True


def test_a_second_complaint_must_name_a_first_complaint_within_reach(engine, session, tiers):
    first = decided_first_complaint(engine, tiers)
    clerk, province = tiers["province_clerk"], tiers["province"]
    with pytest.raises(Invalid, match="first_case_id"):
        make_case(engine, clerk, province, now=at("2026-05-04"), instance=2)
    petition = make_case(engine, clerk, province, now=at("2026-05-04"), kind="petition")
    with pytest.raises(Invalid, match="no first complaint"):
        make_case(
            engine, clerk, province, now=at("2026-05-04"), instance=2, first_case_id=petition.id
        )
    elsewhere = make_agency(session, "UBND tỉnh Bắc Kạn")
    outsider = make_user(session, Role.clerk, elsewhere)
    with pytest.raises(Invalid, match="no first complaint"):
        make_case(
            engine, outsider, elsewhere, now=at("2026-05-04"), instance=2, first_case_id=first.id
        )
    with pytest.raises(Invalid, match="complaints only"):
        make_case(engine, clerk, province, now=at("2026-05-04"), kind="dossier", instance=2)


def test_complexity_decided_after_acceptance_once_and_in_time(engine, session, tiers):
    first = decided_first_complaint(engine, tiers)
    officer = tiers["province_officer"]
    case = act(
        engine, second(engine, tiers, first, "2026-05-04"), "accept", officer, now=at("2026-05-05")
    )
    case = act(
        engine,
        case,
        "declare_complex",
        officer,
        now=at("2026-05-20"),
        reason="Nhiều nội dung, phải xác minh ở nhiều nơi",
    )
    # Art. 37: complex, 60 days from acceptance Tue 05/05/2026: 26 to 31/05, 30 in June,
    # 4 more = Sat 04/07/2026, a day off: the end of Mon 06/07/2026.
    assert dates.local_date(case.due_at) == date(2026, 7, 6)
    event = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()
    assert event.data["previous_due_at"].startswith("2026-06-19")
    with pytest.raises(Invalid, match="already decided"):
        act(engine, case, "declare_complex", officer, now=at("2026-05-21"), reason="lại")
    # A first complaint accepted Tue 03/03/2026 is due Thu 02/04; declared on 03/04: too late.
    late = make_case(engine, tiers["commune_officer"], tiers["commune"], now=at("2026-03-02"))
    late = act(engine, late, "accept", tiers["commune_officer"], now=at("2026-03-03"))
    with pytest.raises(Invalid, match="before the deadline"):
        act(
            engine,
            late,
            "declare_complex",
            tiers["commune_officer"],
            now=at("2026-04-03"),
            reason="muộn",
        )
    assert session.get(Case, late.id).complexity == "normal"
