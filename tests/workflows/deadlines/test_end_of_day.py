"""A deadline in days ends at 24:00 of its last day (Civil Code 2015 Art. 148.6), everywhere."""

from datetime import date

from models import Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.deadlines import dates as deadlines
from workflows.deadlines.calendar import WorkingCalendar
from workflows.escalation import ladder
from workflows.reports import summary as reports


def test_an_answer_at_18_on_the_last_day_is_on_time_and_midnight_is_late(engine, session):
    commune = make_agency(session, "UBND xã Tân Cương")
    officer = make_user(session, Role.officer, commune)
    case = make_case(engine, officer, commune, now=at("2026-03-02"))
    case = act(engine, case, "accept", officer, now=at("2026-03-02", "10:00"))
    # Accepted Mon 02/03/2026; a first complaint is resolved in 30 days (Law 02/2011 Art. 28):
    # the acceptance day is not counted (Art. 147), day 30 is Wed 01/04/2026, a working day.
    # The limit ends at 24:00 that day, not at 17:00 when the office closes.
    assert deadlines.local_date(case.due_at) == date(2026, 4, 1)
    assert not deadlines.is_overdue(case=case, now=at("2026-04-01", "18:00"))
    assert not deadlines.is_overdue(case=case, now=at("2026-04-01", "23:59"))
    assert deadlines.is_overdue(case=case, now=at("2026-04-02", "00:00"))

    # The same in the report's overdue count (the SQL condition).
    def overdue_now(now):
        return reports.summary(
            session=session,
            agency_ids=None,
            agency_id=None,
            period_from=date(2026, 3, 1),
            period_to=date(2026, 4, 2),
            now=now,
        ).overdue_now

    assert overdue_now(at("2026-04-01", "18:00")) == 0
    assert overdue_now(at("2026-04-02", "00:00")) == 1

    # Answered at 18:00 on the last day: counted on time.
    act(engine, case, "resolve", officer, now=at("2026-04-01", "18:00"), answer="Đã giải quyết.")
    result = reports.summary(
        session=session,
        agency_ids=None,
        agency_id=None,
        period_from=date(2026, 4, 1),
        period_to=date(2026, 4, 1),
        now=at("2026-04-02"),
    )
    assert (result.resolved, result.resolved_on_time) == (1, 1)


def test_the_ladder_still_falls_on_the_due_date_itself():
    # Due at the end of Wed 01/04/2026: "due today" fires at 08:00 that morning, the reminder
    # 3 working days before (Fri 27/03/2026, the weekend 28-29/03 skipped) and the first
    # overdue step at 08:00 the next working day, Thu 02/04/2026, not a day later.
    policy = ladder.load_policy().with_calendar(WorkingCalendar())
    due_at = deadlines.end_of_day(date(2026, 4, 1))
    steps = {step.key: when for step, when in policy.schedule("complaint", due_at)}
    assert steps["reminder"] == at("2026-03-27", "08:00")
    assert steps["due_today"] == at("2026-04-01", "08:00")
    assert steps["overdue_head"] == at("2026-04-02", "08:00")
