"""A case's life under the ladder, moving `as_of` forward: each step once, at its time."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from core.errors import Conflict, Forbidden, Invalid
from models import Case, CaseEvent, CaseStatus, EscalationStep, Notification, Role
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user
from workflows.deadlines import calendar
from workflows.escalation import acknowledgement, schedule
from workflows.escalation import sweep as escalation
from workflows.escalation.ladder import load_policy

TZ = load_policy().tz


def local(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


DUE = local(2026, 3, 10, 17, 0)  # Tuesday


@pytest.fixture
def tree(session):
    return ladder_tree(session)


def ladder_tree(session) -> dict:
    """A ward under a district under a province, each with its head, and the ward's officer."""
    province = make_agency(session, "UBND tỉnh")
    district = make_agency(session, "UBND huyện", parent=province)
    ward = make_agency(session, "UBND xã", parent=district)
    heads = {
        "province": make_head(session, province),
        "district": make_head(session, district),
        "ward": make_head(session, ward),
    }
    officer = make_user(session, Role.officer, ward)
    return {
        "province": province,
        "district": district,
        "ward": ward,
        "officer": officer,
        **{f"head_{k}": v for k, v in heads.items()},
    }


def sweep(engine, as_of):
    return escalation.sweep(engine=engine, as_of=as_of)


def mails(session, case):
    rows = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    return sorted((n.context["step"], n.recipient) for n in rows)


def fresh(session, case) -> Case:
    session.expire_all()
    return session.get(Case, case.id)


def scheduled(session, case) -> datetime | None:
    """When the sweep next looks at the case."""
    return schedule.next_action_at(session=session, case_id=case.id)


def test_each_step_fires_once_at_its_time(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    officer, ward_head = tree["officer"].email, tree["head_ward"].email
    assert scheduled(session, case) == local(2026, 3, 5, 8, 0)

    assert sweep(engine, local(2026, 3, 4)).steps == 0
    assert sweep(engine, local(2026, 3, 5, 8, 30)).steps == 1
    assert mails(session, case) == [("reminder", officer)]
    assert sweep(engine, local(2026, 3, 5, 8, 40)).steps == 0  # a rerun writes nothing

    sweep(engine, local(2026, 3, 10))
    sweep(engine, local(2026, 3, 10, 9, 5))
    assert mails(session, case) == sorted(
        [("reminder", officer), ("due_today", officer), ("due_today", ward_head)]
    )
    sweep(engine, local(2026, 3, 11))
    assert fresh(session, case).escalation_level == 1
    sweep(engine, local(2026, 3, 13))
    assert fresh(session, case).escalation_level == 2
    sweep(engine, local(2026, 3, 18))
    case = fresh(session, case)
    assert case.escalation_level == 3
    assert scheduled(session, case) == local(2026, 4, 1, 8, 0)
    by_step = dict(mails(session, case))
    assert by_step["overdue_head"] == ward_head
    assert by_step["overdue_parent"] == tree["head_district"].email
    assert by_step["overdue_grandparent"] == tree["head_province"].email
    actions = session.exec(
        select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    assert actions == ["reminder", "reminder", "escalation", "escalation", "escalation"]
    assert len(mails(session, case)) == 6


def test_a_late_sweep_applies_every_missed_step_once(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    result = sweep(engine, local(2026, 3, 13))
    assert result.steps == 4
    assert sweep(engine, local(2026, 3, 13)).steps == 0
    steps = session.exec(select(EscalationStep).where(EscalationStep.case_id == case.id)).all()
    assert sorted(s.step for s in steps) == [
        "due_today",
        "overdue_head",
        "overdue_parent",
        "reminder",
    ]
    # Each person is told once, by the latest step that concerns them: no "due in three days"
    # reminder for a case three days overdue; the records say who was told by which step.
    assert mails(session, case) == [
        ("due_today", tree["officer"].email),
        ("overdue_head", tree["head_ward"].email),
        ("overdue_parent", tree["head_district"].email),
    ]
    reminder = next(s for s in steps if s.step == "reminder")
    assert reminder.data["notified"] == []
    assert [(p["user_id"], p["by"]) for p in reminder.data["superseded"]] == [
        (tree["officer"].id, "due_today")
    ]


def test_mail_of_a_step_applied_at_night_waits_for_the_working_morning(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    sweep(engine, local(2026, 3, 14, 22, 0))  # Saturday night
    rows = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    assert rows and {n.next_attempt_at for n in rows} == {local(2026, 3, 16, 7, 30)}
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert {e.at for e in events} == {local(2026, 3, 14, 22, 0)}  # the record is not delayed


def test_mail_in_working_hours_goes_at_once(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    as_of = local(2026, 3, 5, 10, 0)
    sweep(engine, as_of)
    (row,) = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    assert row.next_attempt_at == as_of


def test_the_operators_own_day_off_moves_steps_and_holds_mail(engine, session, tree, now):
    # The province gives Friday 6 March 2026 off (and the admin enters it): the reminder,
    # three working days before Tuesday the 10th, falls on Wednesday the 4th instead of
    # Thursday the 5th; mail of a step applied on that Friday waits for Monday morning.
    calendar.set_day(session=session, day=date(2026, 3, 6), is_working=False, note="Nghỉ bù")
    session.commit()
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    assert scheduled(session, case) == local(2026, 3, 4, 8, 0)
    sweep(engine, local(2026, 3, 6, 10, 0))
    (row,) = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    assert row.next_attempt_at == local(2026, 3, 9, 7, 30)


def test_a_resolved_case_stops_escalating(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    sweep(engine, local(2026, 3, 5))
    row = fresh(session, case)
    row.status = CaseStatus.resolved  # resolved without a reschedule: the sweep must notice
    session.add(row)
    session.commit()
    result = sweep(engine, local(2026, 3, 20))
    assert (result.cases, result.steps) == (1, 0)
    assert scheduled(session, case) is None
    assert [s for s, _ in mails(session, case)] == ["reminder"]


def test_an_acknowledged_step_waits_for_its_grace_period(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    sweep(engine, local(2026, 3, 11))
    with session.begin():
        head = session.get(type(tree["head_ward"]), tree["head_ward"].id)
        acknowledgement.acknowledge(
            session=session, case=session.get(Case, case.id), actor=head, now=local(2026, 3, 11, 10)
        )
    assert scheduled(session, case) == local(2026, 3, 18, 10, 0)
    assert sweep(engine, local(2026, 3, 17, 16)).steps == 0
    sweep(engine, local(2026, 3, 18, 11))
    steps = [s for s, _ in mails(session, case)]
    assert "overdue_parent" in steps and "overdue_grandparent" in steps
    ack = session.exec(select(CaseEvent).where(CaseEvent.action == "escalation_acknowledged"))
    assert ack.one().data["step"] == "overdue_head"


def test_only_a_head_in_the_chain_may_acknowledge(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    other = make_head(session, make_agency(session, "Sở khác"))
    with pytest.raises(Invalid):  # nothing escalated yet
        acknowledgement.acknowledge(session=session, case=case, actor=tree["head_ward"], now=now)
    sweep(engine, local(2026, 3, 11))
    case = fresh(session, case)
    for actor in (tree["officer"], other):
        with pytest.raises(Forbidden):
            acknowledgement.acknowledge(
                session=session, case=case, actor=actor, now=local(2026, 3, 11)
            )
    acknowledgement.acknowledge(
        session=session, case=case, actor=tree["head_district"], now=local(2026, 3, 11, 10)
    )
    with pytest.raises(Conflict):
        acknowledgement.acknowledge(
            session=session, case=case, actor=tree["head_ward"], now=local(2026, 3, 11, 11)
        )


def test_a_missing_head_is_skipped_upward_and_recorded(engine, session, tree, now):
    for name in ("ward", "district"):
        agency = tree[name]
        agency.head_user_id = None
        session.add(agency)
    session.commit()
    case = make_case(session, tree["ward"], due_at=DUE, now=now)  # nobody assigned either
    sweep(engine, local(2026, 3, 5))
    sweep(engine, local(2026, 3, 11))
    by_step = dict(mails(session, case))
    assert by_step["reminder"] == tree["head_province"].email
    assert by_step["overdue_head"] == tree["head_province"].email
    event = session.exec(
        select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.data["step"].as_string() == "overdue_head"
        )
    ).one()
    skipped = [s.get("agency") for s in event.data["skipped"]]
    assert skipped == ["UBND xã", "UBND huyện"]


def test_nobody_to_tell_is_recorded_not_dropped(engine, session, now):
    lone = make_agency(session, "Xã không có trưởng")
    case = make_case(session, lone, due_at=DUE, now=now)
    sweep(engine, local(2026, 3, 13))
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    parent = next(e for e in events if e.data["step"] == "overdue_parent")
    assert parent.data["notified"] == []
    assert parent.data["skipped"] == [{"target": "head+1", "reason": "no agency that high"}]


def test_long_pending_flags_the_case_for_inspection(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    sweep(engine, local(2026, 6, 7))
    assert not fresh(session, case).long_pending
    sweep(engine, local(2026, 6, 8))
    assert fresh(session, case).long_pending
    flagged = session.exec(select(CaseEvent).where(CaseEvent.action == "flagged_for_inspection"))
    assert flagged.one().case_id == case.id


def _case_row(engine, case) -> tuple:
    """The case's stored row; on PostgreSQL with its version (xmin), which any write of the
    row changes even when it writes the same values."""
    columns = "xmin, *" if engine.dialect.name == "postgresql" else "*"
    with engine.connect() as conn:
        return tuple(
            conn.exec_driver_sql(f"SELECT {columns} FROM cases WHERE id = {case.id}").one()
        )


def test_a_reminder_moves_the_schedule_and_leaves_the_case_row_alone(engine, session, tree, now):
    """The sweep's reminders write `case_schedule`, not `cases` (whose every write costs an
    entry in each of its indexes); a step that raises the level writes the case."""
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    before = _case_row(engine, case)
    assert sweep(engine, local(2026, 3, 5, 9)).steps == 1  # the reminder
    assert _case_row(engine, case) == before
    assert scheduled(session, case) == local(2026, 3, 10, 8, 0)  # due today, next
    sweep(engine, local(2026, 3, 11, 9))  # due today, then the head's escalation
    assert _case_row(engine, case) != before
    assert fresh(session, case).escalation_level == 1


def test_a_new_deadline_starts_a_new_ladder(engine, session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
    sweep(engine, local(2026, 3, 5))
    sweep(engine, local(2026, 3, 11))
    row = fresh(session, case)
    assert row.escalation_level == 1
    row.due_at = local(2026, 3, 31, 17, 0)  # extended
    escalation.reschedule(session=session, case=row, now=local(2026, 3, 11, 10))
    session.add(row)
    session.commit()
    row = fresh(session, case)
    assert (row.escalation_level, scheduled(session, row)) == (0, local(2026, 3, 26, 8, 0))
    sweep(engine, local(2026, 3, 26, 9))
    assert [s for s, _ in mails(session, case)].count("reminder") == 2


def test_a_case_on_hold_is_not_looked_at(session, tree, now):
    case = make_case(session, tree["ward"], due_at=DUE, now=now, status=CaseStatus.on_hold)
    assert scheduled(session, case) is None
