"""Deadlines of real cases through the lifecycle: extensions, pauses, restarts, rule changes."""

from datetime import date

import pytest
import yaml
from sqlmodel import Session

from core.errors import Invalid
from models import Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.deadlines import dates as deadlines
from workflows.deadlines import policies
from workflows.escalation import schedule


@pytest.fixture
def officer(session):
    return make_user(session, Role.officer, make_agency(session, "Thanh tra tỉnh"))


def agency_of(session, user):
    from models import Agency

    return session.get(Agency, user.agency_id)


def local_due(case) -> date:
    assert deadlines.end_of_day(deadlines.local_date(case.due_at)) == case.due_at  # 24:00 local
    return deadlines.local_date(case.due_at)


def test_complex_denunciation_extended_once_then_refused(engine, session, officer):
    case = make_case(
        engine, officer, agency_of(session, officer), now=at("2026-03-02"), kind="denunciation"
    )
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    # Accepted Mon 02/03/2026: 30 days = Wed 01/04/2026, a working day.
    assert local_due(case) == date(2026, 4, 1)
    case = act(
        engine,
        case,
        "extend",
        officer,
        now=at("2026-03-25"),
        reason="Xác minh 2 nơi",
        complexity="complex",
    )
    # 60 days in all = Fri 01/05 (holiday), Sat 02, Sun 03: due Mon 04/05/2026.
    assert (local_due(case), case.extensions_used) == (date(2026, 5, 4), 1)
    with pytest.raises(Invalid):
        act(engine, case, "extend", officer, now=at("2026-04-20"), reason="Thêm lần nữa")
    stored = act(engine, case, "assign", officer, now=at("2026-04-21"), assignee_id=officer.id)
    assert (local_due(stored), stored.extensions_used) == (date(2026, 5, 4), 1)


def test_especially_complex_denunciation_extended_twice(engine, session, officer):
    case = make_case(
        engine,
        officer,
        agency_of(session, officer),
        now=at("2026-03-02"),
        kind="denunciation",
        complexity="especially_complex",
    )
    case = act(engine, case, "accept", officer, now=at("2026-03-02"))
    case = act(engine, case, "extend", officer, now=at("2026-03-20"), reason="Nhiều người tố cáo")
    case = act(engine, case, "extend", officer, now=at("2026-04-20"), reason="Yếu tố nước ngoài")
    # 90 days after Mon 02/03/2026 = Sun 31/05/2026, a day off: due Mon 01/06/2026.
    assert (local_due(case), case.extensions_used) == (date(2026, 6, 1), 2)
    with pytest.raises(Invalid):
        act(engine, case, "extend", officer, now=at("2026-05-20"), reason="Lần ba")


def test_dossier_returned_incomplete_restarts_from_zero(engine, session, officer):
    case = make_case(
        engine,
        officer,
        agency_of(session, officer),
        now=at("2026-03-02"),
        kind="dossier",
        title="Cấp GCN quyền sử dụng đất lần đầu",
    )
    case = act(engine, case, "accept", officer, now=at("2026-03-02", "10:00"))
    # 20 working days from receipt Mon 02/03/2026: 03-06/03 (4), 09-13 (9), 16-20 (14),
    # 23-27 (19), Mon 30/03 (20).
    assert local_due(case) == date(2026, 3, 30)
    case = act(
        engine,
        case,
        "request_documents",
        officer,
        now=at("2026-03-04"),
        missing="Trích đo địa chính",
    )
    case = act(engine, case, "documents_received", officer, now=at("2026-03-10"))
    # Restarted on Tue 10/03: 11-13 (3), 16-20 (8), 23-27 (13), 30/03-03/04 (18), 06, 07/04
    # (20): due Tue 07/04/2026, not the paused-and-resumed date.
    assert (local_due(case), case.clock_event) == (date(2026, 4, 7), "restart")
    # The apology with a new date: once.
    case = act(
        engine,
        case,
        "reset_date",
        officer,
        now=at("2026-04-06"),
        new_due_date="2026-04-14",
        reason="Xin lỗi, cần đo đạc lại",
    )
    assert local_due(case) == date(2026, 4, 14)
    with pytest.raises(Invalid):
        act(
            engine,
            case,
            "reset_date",
            officer,
            now=at("2026-04-13"),
            new_due_date="2026-04-20",
            reason="Lần hai",
        )


def test_pause_across_holidays_moves_due_by_the_working_days_lost(engine, session, officer):
    case = make_case(
        engine,
        officer,
        agency_of(session, officer),
        now=at("2026-04-20"),
        kind="petition",
        title="Phản ánh đường bị lấn chiếm",
    )
    case = act(engine, case, "accept", officer, now=at("2026-04-20"))
    # 30 working days from Mon 20/04/2026 (Giỗ Tổ observed 27/04, 30/04, 01/05 off): Thu 04/06.
    assert local_due(case) == date(2026, 6, 4)
    case = act(engine, case, "request_documents", officer, now=at("2026-04-28"), missing="Ảnh")
    with Session(engine) as session:  # a paused case is not swept
        assert schedule.next_action_at(session=session, case_id=case.id) is None
    case = act(engine, case, "documents_received", officer, now=at("2026-05-04"))
    # Paused Tue 28/04 - Mon 04/05: only 28 and 29/04 were working days: +2 = Mon 08/06.
    assert (case.paused_units, local_due(case)) == (2, date(2026, 6, 8))


def test_case_keeps_the_rule_in_force_when_it_was_received(engine, session, officer):
    raw = yaml.safe_load(policies.DATA_FILE.read_text(encoding="utf-8"))
    old = next(p for p in raw["policies"] if p["kind"] == "complaint")
    new = {
        **old,
        "version": "complaint-2026.2",
        "in_force_from": "2026-07-01",
        "resolve": {**old["resolve"], "amounts": {"normal": 45}},
    }
    old["in_force_to"] = "2026-06-30"
    raw["policies"].append(new)
    rules = policies.parse(raw)
    agency = agency_of(session, officer)
    before = make_case(engine, officer, agency, now=at("2026-06-29"), policies=rules)
    after = make_case(engine, officer, agency, now=at("2026-07-02"), policies=rules)
    before = act(engine, before, "accept", officer, now=at("2026-07-02"), policies=rules)
    after = act(engine, after, "accept", officer, now=at("2026-07-02"), policies=rules)
    # Received 29/06 under the old rule: 30 days from Thu 02/07 = Sat 01/08 -> Mon 03/08.
    assert (before.policy_version, local_due(before)) == ("complaint-2011.1", date(2026, 8, 3))
    # Received 02/07 under the new rule: 45 days = Sun 16/08 -> Mon 17/08.
    assert (after.policy_version, local_due(after)) == ("complaint-2026.2", date(2026, 8, 17))


def test_backlog_case_is_overdue_at_once(engine, session, officer):
    now = at("2026-03-02")
    case = make_case(
        engine,
        officer,
        agency_of(session, officer),
        now=now,
        received_at=at("2020-05-11").isoformat(),
    )
    # Received Mon 11/05/2020: 10 working days (no holiday then) = Mon 25/05/2020.
    assert local_due(case) == date(2020, 5, 25)
    assert deadlines.is_overdue(case=case, now=now)
    assert case.code.startswith("KN-2026-")
