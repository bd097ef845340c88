"""The one overdue rule: the Python predicate and the SQL condition agree for every status and
deadline, and a case on hold (its clock paused) is never overdue, in lists or in emails."""

from datetime import timedelta

import pytest
from sqlmodel import select

from models import Case, CaseStatus
from notifications.render import render
from tests.case_rows import make_case
from tests.factories import make_agency
from tests.notifications.conftest import BASE_URL
from workflows.deadlines import overdue
from workflows.deadlines.mail_facts import case_context

OFFSETS = {
    "long past": timedelta(days=-40),
    "an hour ago": timedelta(hours=-1),
    "in a day": timedelta(days=1),
    "in a week": timedelta(days=7),
}


def test_python_and_sql_say_the_same_for_every_status_and_deadline(session, now):
    agency = make_agency(session, "UBND xã Quyết Thắng")
    cases = {}
    for status in CaseStatus:
        for label, offset in OFFSETS.items():
            cases[(status, label)] = make_case(session, agency, due_at=now + offset, now=now)
            cases[(status, label)].status = status
        cases[(status, None)] = make_case(session, agency, due_at=now, now=now)
        cases[(status, None)].status, cases[(status, None)].due_at = status, None
    session.add_all(cases.values())
    session.commit()

    def ids(condition):
        return set(session.exec(select(Case.id).where(condition)))

    in_python = {c.id for c in cases.values() if overdue.is_overdue(case=c, now=now)}
    soon_in_python = {c.id for c in cases.values() if overdue.is_soon_due(case=c, now=now)}
    assert ids(overdue.overdue_condition(now)) == in_python
    assert ids(overdue.not_overdue_condition(now)) == {c.id for c in cases.values()} - in_python
    assert ids(overdue.soon_due_condition(now)) == soon_in_python
    # What the rule says, spelled out: only received or accepted cases past their instant.
    assert in_python == {
        cases[(s, label)].id
        for s in (CaseStatus.received, CaseStatus.accepted)
        for label in ("long past", "an hour ago")
    }
    assert soon_in_python == {
        cases[(s, "in a day")].id for s in (CaseStatus.received, CaseStatus.accepted)
    }


@pytest.mark.parametrize(
    "language, word, paused",
    [("vi", "QUÁ HẠN", "tạm dừng, chờ bổ sung hồ sơ"), ("en", "OVERDUE", "paused, waiting")],
)
def test_an_email_never_calls_a_case_on_hold_overdue(session, now, language, word, paused):
    """Waiting for the citizen's documents pauses the clock: the stored due date has passed,
    yet the email must not tell the officer the case is overdue (it did before)."""
    agency = make_agency(session, "UBND phường Phan Đình Phùng")
    case = make_case(session, agency, due_at=now - timedelta(days=4), now=now)
    contexts = {}
    for status in (CaseStatus.accepted, CaseStatus.on_hold):
        case.status = status
        contexts[status] = case_context(session=session, case=case, now=now, base_url=BASE_URL)
    assert contexts[CaseStatus.accepted]["overdue"] is True
    assert contexts[CaseStatus.accepted]["days_overdue"] == 4
    assert contexts[CaseStatus.on_hold]["overdue"] is False
    assert contexts[CaseStatus.on_hold]["days_overdue"] == 0
    emails = {
        status: render(
            template="officer_reminder",
            context={"case": context},
            recipient_name="A",
            language=language,
        )
        for status, context in contexts.items()
    }
    assert word in emails[CaseStatus.accepted].text
    assert word not in emails[CaseStatus.on_hold].text
    assert word.lower() not in emails[CaseStatus.on_hold].html.lower()
    assert paused in emails[CaseStatus.on_hold].text and paused in emails[CaseStatus.on_hold].html
