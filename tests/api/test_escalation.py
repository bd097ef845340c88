"""POST /cases/{id}/actions/acknowledge: the agency head takes an escalation on."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from api.deps import utcnow
from models import Case, CaseEvent, Notification, Role, User
from tests.case_rows import make_case
from tests.factories import auth, make_agency, make_head, make_user
from workflows.escalation import schedule
from workflows.escalation import sweep as escalation
from workflows.escalation.ladder import load_policy

TZ = load_policy().tz
ACK_AT = datetime(2026, 3, 11, 10, 0, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def escalated(client, engine, session, now):
    ward = make_agency(session, "UBND xã")
    head = make_head(session, ward)
    case = make_case(session, ward, due_at=datetime(2026, 3, 10, 17, tzinfo=TZ), now=now)
    escalation.sweep(engine=engine, as_of=datetime(2026, 3, 11, 9, tzinfo=TZ))
    officer = make_user(session, Role.officer, ward)
    case.assignee_id = officer.id
    session.add(case)
    session.commit()
    headers = {"head": auth(client, head), "officer": auth(client, officer)}  # real clock
    client.app.dependency_overrides[utcnow] = lambda: ACK_AT
    return case, headers


def url(case):
    return f"/api/v1/cases/{case.id}/actions/acknowledge"


def test_the_head_acknowledges_and_the_next_step_waits(client, session, escalated):
    case, headers = escalated
    response = client.post(url(case), json={"version": 1}, headers=headers["head"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["escalation_level"], body["version"]) == (1, 2)
    session.expire_all()
    assert schedule.next_action_at(session=session, case_id=case.id) == datetime(
        2026, 3, 18, 10, tzinfo=TZ
    ).astimezone(UTC)
    again = client.post(url(case), json={}, headers=headers["head"])
    assert again.status_code == 409


def test_an_officer_may_not_acknowledge(client, session, escalated):
    case, headers = escalated
    response = client.post(url(case), json={}, headers=headers["officer"])
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Case, case.id).version == 1


def test_a_stale_version_is_refused(client, escalated):
    case, headers = escalated
    response = client.post(url(case), json={"version": 7}, headers=headers["head"])
    assert response.status_code == 409


def test_unknown_case_and_bad_body(client, escalated):
    case, headers = escalated
    missing = "/api/v1/cases/999999/actions/acknowledge"
    assert client.post(missing, json={}, headers=headers["head"]).status_code == 404
    bad = client.post(url(case), json={"version": "x"}, headers=headers["head"])
    assert bad.status_code == 422


def test_a_head_elsewhere_is_told_nothing_about_the_case(client, session, escalated):
    case, _ = escalated
    stranger = make_head(session, make_agency(session, "UBND xã khác"))
    clock = client.app.dependency_overrides.pop(utcnow)  # sign in on the real clock
    headers = auth(client, stranger)
    client.app.dependency_overrides[utcnow] = clock
    response = client.post(url(case), json={}, headers=headers)
    assert response.status_code == 404  # as for a case that does not exist
    session.expire_all()
    assert session.get(Case, case.id).version == 1


def test_the_instruction_reaches_the_officer(client, session, escalated):
    case, headers = escalated
    text = "Làm việc với phòng Tài nguyên, trả lời công dân trước thứ Sáu."
    body = {"version": 1, "instruction": text}
    response = client.post(url(case), json=body, headers=headers["head"])
    assert response.status_code == 200, response.text
    event = session.exec(
        select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "escalation_acknowledged"
        )
    ).one()
    assert event.data["instruction"] == text
    mail = session.exec(
        select(Notification).where(Notification.template == "officer_instruction")
    ).one()
    officer = session.get(User, session.get(Case, case.id).assignee_id)
    assert mail.case_id == case.id and mail.context["instruction"] == text
    assert mail.recipient == officer.email


def test_an_instruction_too_long_is_refused_and_nothing_changes(client, session, escalated):
    case, headers = escalated
    body = {"instruction": "x" * 2001}
    assert client.post(url(case), json=body, headers=headers["head"]).status_code == 422
    session.expire_all()
    assert session.get(Case, case.id).version == 1
