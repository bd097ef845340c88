"""Every (state, action) pair of DESIGN.md's lifecycle table; guards; nothing written on error."""

import pytest
from sqlmodel import func, select

from core.errors import Conflict, Forbidden, Invalid
from models import Case, CaseEvent, Notification, Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_head, make_user

NOW = at("2026-03-02")
LATER = at("2026-03-03")

# DESIGN.md's table, written out independently of workflows/cases/lifecycle.py.
EXPECTED = {
    "accept": {"received": "accepted"},
    "decline": {"received": "declined"},
    "transfer": {"received": "received", "accepted": "received"},
    "assign": {"received": "received", "accepted": "accepted", "on_hold": "on_hold"},
    "request_documents": {"accepted": "on_hold"},
    "documents_received": {"on_hold": "accepted"},
    "extend": {"accepted": "accepted", "on_hold": "on_hold"},
    "reset_date": {"accepted": "accepted", "on_hold": "on_hold"},
    "resolve": {"accepted": "resolved"},
    "close": {"resolved": "closed"},
    "reopen": {"resolved": "accepted", "closed": "accepted"},
    "withdraw": {"received": "withdrawn", "accepted": "withdrawn", "on_hold": "withdrawn"},
    "declare_complex": {"accepted": "accepted", "on_hold": "on_hold"},
    "suspend": {"accepted": "on_hold"},
    "resume": {"on_hold": "accepted"},
}
STATES = ["received", "accepted", "on_hold", "resolved", "closed", "declined", "withdrawn"]
# How to bring a fresh case into each state.
PATHS = {
    "received": [],
    "accepted": [("accept", {})],
    "on_hold": [("accept", {}), ("request_documents", {"missing": "Bản sao sổ đỏ"})],
    "resolved": [("accept", {}), ("resolve", {"answer": "Đã cấp giấy"})],
    "closed": [("accept", {}), ("resolve", {"answer": "Đã cấp giấy"}), ("close", {})],
    "declined": [("decline", {"reason": "Không thuộc thẩm quyền"})],
    "withdrawn": [("withdraw", {"reason": "Công dân rút đơn"})],
}
# A complaint has no pause in law (LEGAL.md "Second round"), so the general table runs on a
# petition; denunciations are suspended by decision (Art. 36), complaints declared complex.
KIND = {
    "extend": "denunciation",
    "suspend": "denunciation",
    "resume": "denunciation",
    "reset_date": "dossier",
    "declare_complex": "complaint",
}
SUSPEND = ("suspend", {"grounds": "awaiting_expert_assessment", "decision": "QĐ số 5/QĐ-UBND"})


def path_to(state: str, kind: str) -> list | None:
    """The actions that bring a fresh case of `kind` to `state` (None: unreachable)."""
    if state == "on_hold" and kind == "denunciation":
        return [("accept", {}), SUSPEND]
    if state == "withdrawn" and kind == "denunciation":
        written = {"written_request": "Đơn rút tố cáo ngày 02/03/2026", "decision": "stop"}
        return [("withdraw", {"reason": "Người tố cáo rút đơn", **written})]
    if state == "on_hold" and kind == "complaint":
        return None  # no pause for a complaint unless an agency turns the option on
    return PATHS[state]


@pytest.fixture
def office(session):
    agency = make_agency(session, "UBND xã Tân Cương")
    other = make_agency(session, "UBND xã Phúc Xuân")
    return {
        "agency": agency,
        "other": other,
        "officer": make_user(session, Role.officer, agency),
    }


def fields_for(action, office):
    return {
        "decline": {"reason": "Trùng đơn"},
        "transfer": {"agency_id": office["other"].id, "reason": "Không thuộc thẩm quyền"},
        "assign": {"assignee_id": office["officer"].id},
        "request_documents": {"missing": "Bản sao CCCD"},
        "extend": {"reason": "Cần xác minh nhiều nơi", "complexity": "especially_complex"},
        "reset_date": {"new_due_date": "2026-12-01", "reason": "Xin lỗi vì chậm trả"},
        "resolve": {"answer": "Quyết định giải quyết số 12"},
        "reopen": {"reason": "Khiếu nại lần hai"},
        "withdraw": {"reason": "Công dân rút đơn"},
        "declare_complex": {"reason": "Nhiều nội dung, cần xác minh nhiều nơi"},
        "suspend": SUSPEND[1],
    }.get(action, {})


@pytest.mark.parametrize("state", STATES)
def test_every_action_from_each_state(engine, session, office, state):
    """Allowed actions move the case as DESIGN.md says; the others are 422 and write nothing."""
    officer = office["officer"]
    wrong = []
    for action, targets in EXPECTED.items():
        kind = KIND.get(action, "petition")
        steps = path_to(state, kind)
        if steps is None:
            continue
        case = make_case(engine, officer, office["agency"], now=NOW, kind=kind)
        for step, fields in steps:
            case = act(engine, case, step, officer, now=NOW, **fields)
        assert case.status == state
        events_before = session.exec(select(func.count()).select_from(CaseEvent)).one()
        target = targets.get(state)
        if target is None:
            with pytest.raises(Invalid):
                act(engine, case, action, officer, now=LATER, **fields_for(action, office))
            session.expire_all()
            stored = session.get(Case, case.id)
            events = session.exec(select(func.count()).select_from(CaseEvent)).one()
            if (stored.status, stored.version, events) != (state, case.version, events_before):
                wrong.append(f"{action} from {state} wrote something")
            continue
        moved = act(engine, case, action, officer, now=LATER, **fields_for(action, office))
        last = session.exec(select(CaseEvent).order_by(CaseEvent.id.desc())).first()
        got = (moved.status, moved.version, last.action, last.from_status, last.to_status)
        if got != (target, case.version + 1, action, state, target):
            wrong.append(f"{action} from {state}: {got}")
    assert wrong == []


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("decline", {}),
        ("decline", {"reason": "   "}),
        ("transfer", {"reason": "x"}),
        ("transfer", {"agency_id": 999999, "reason": "x"}),
        ("withdraw", {}),
        ("accept", {"unexpected": 1}),
    ],
)
def test_missing_or_bad_fields_are_422_and_write_nothing(engine, session, office, action, fields):
    case = make_case(engine, office["officer"], office["agency"], now=NOW)
    with pytest.raises(Invalid):
        act(engine, case, action, office["officer"], now=LATER, **fields)
    stored = session.get(Case, case.id)
    assert (stored.status, stored.version, stored.agency_id) == ("received", 1, office["agency"].id)
    assert session.exec(select(func.count()).select_from(CaseEvent)).one() == 1


def test_stale_version_is_a_conflict_and_writes_nothing(engine, session, office):
    case = make_case(engine, office["officer"], office["agency"], now=NOW)
    act(engine, case, "assign", office["officer"], now=NOW, assignee_id=office["officer"].id)
    with pytest.raises(Conflict):
        act(engine, case, "accept", office["officer"], now=LATER, version=1)
    stored = session.get(Case, case.id)
    assert (stored.status, stored.version) == ("received", 2)


def test_guards_by_role_and_agency(engine, session, office):
    parent = make_agency(session, "UBND tỉnh")
    office["agency"].parent_id = parent.id
    session.add(office["agency"])
    session.commit()
    clerk = make_user(session, Role.clerk, office["agency"])
    case = make_case(engine, clerk, office["agency"], now=NOW)
    with pytest.raises(Forbidden):  # a clerk registers and records documents, never accepts
        act(engine, case, "accept", clerk, now=NOW)
    stranger = make_user(session, Role.officer, office["other"])
    with pytest.raises(Forbidden):
        act(engine, case, "accept", stranger, now=NOW)
    head_above = make_head(session, parent)
    accepted = act(engine, case, "accept", head_above, now=NOW)
    assert accepted.status == "accepted"


def test_transfer_keeps_code_counts_and_flags_ping_pong(engine, session, office):
    a, b = office["agency"], office["other"]
    officer_b = make_user(session, Role.officer, b)
    case = make_case(engine, office["officer"], a, now=NOW)
    case = act(engine, case, "transfer", office["officer"], now=NOW, agency_id=b.id, reason="x")
    assert (case.agency_id, case.transfer_count, case.ping_pong) == (b.id, 1, False)
    case = act(engine, case, "transfer", officer_b, now=LATER, agency_id=a.id, reason="trả lại")
    assert (case.agency_id, case.transfer_count, case.ping_pong) == (a.id, 2, True)
    stored = session.get(Case, case.id)
    assert stored.code.startswith("KN-2026-")
    history = session.exec(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert history == ["receive", "transfer", "transfer"]


def test_a_bounced_case_is_put_to_the_head_above_both_agencies(engine, session):
    # Seed 002's Chợ Chu case: the town sends it to the district, the district sends it back.
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    district = make_agency(session, "UBND huyện Định Hóa", parent=province)
    town = make_agency(session, "UBND thị trấn Chợ Chu", parent=district)
    other = make_agency(session, "UBND huyện Đồng Hỷ", parent=province)
    province_head = make_head(session, province)
    make_head(session, other)
    town_officer = make_user(session, Role.officer, town)
    district_officer = make_user(session, Role.officer, district)
    case = make_case(engine, town_officer, town, now=NOW)
    case = act(engine, case, "transfer", town_officer, now=NOW, agency_id=district.id, reason="x")
    assert _mail(session, case, "ping_pong") == []  # a first transfer is no bounce

    case = act(engine, case, "transfer", district_officer, now=LATER, agency_id=town.id, reason="y")
    # The district has no head: the province's head, above both, settles it.
    ((recipient, context),) = _mail(session, case, "ping_pong")
    assert recipient == province_head.email
    assert (context["from_agency"], context["to_agency"]) == (district.name, town.name)
    assert context["transfer_count"] == 2 and context["case"]["code"] == case.code
    event = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()
    found = event.data["ping_pong_arbiter"]
    assert (found["user_id"], found["skipped"]) == (province_head.id, [district.name])


def _mail(session, case, template):
    rows = session.exec(
        select(Notification).where(
            Notification.case_id == case.id, Notification.template == template
        )
    ).all()
    return [(n.recipient, n.context) for n in rows]


def test_assign_refuses_a_user_of_another_agency(engine, session, office):
    case = make_case(engine, office["officer"], office["agency"], now=NOW)
    stranger = make_user(session, Role.officer, office["other"])
    with pytest.raises(Invalid):
        act(engine, case, "assign", office["officer"], now=NOW, assignee_id=stranger.id)
