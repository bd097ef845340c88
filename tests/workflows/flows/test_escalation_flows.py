"""The flows on the real Prefect engine (ephemeral server, started once per test session)."""

from datetime import UTC, datetime

from sqlmodel import select

from models import Notification, Role
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user
from workflows.escalation.ladder import load_policy
from workflows.flows.daily_digest import daily_digest
from workflows.flows.escalation_sweep import escalation_sweep, run_sweep

TZ = load_policy().tz


def local(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def test_the_sweep_flow_applies_due_steps_in_batches_once(settings, engine, session, now):
    ward = make_agency(session, "Phường 1")
    make_head(session, ward)
    officer = make_user(session, Role.officer, ward)
    for day in (9, 10, 11, 12, 13):
        make_case(session, ward, due_at=local(2026, 3, day, 17), now=now, assignee=officer)
    make_case(session, ward, due_at=local(2026, 5, 1, 17), now=now, assignee=officer)  # not due

    first = escalation_sweep(as_of=local(2026, 3, 10, 9), batch_size=2)
    assert first["cases"] == 5
    # Reminders for all five; due_today for those due on the 9th and 10th; overdue for the 9th.
    assert first["steps"] == 5 + 2 + 1
    assert escalation_sweep(as_of=local(2026, 3, 10, 9), batch_size=2)["steps"] == 0
    keys = session.exec(select(Notification.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == first["notifications"]


def test_dondoc_sweep_prints_what_it_did(settings, engine, session, now):
    ward = make_agency(session)
    make_head(session, ward)
    make_case(session, ward, due_at=local(2026, 3, 10, 17), now=now)
    summary = run_sweep(local(2026, 3, 11, 9))
    # Reminder, due today and overdue: three steps at once, all for the head (nobody is
    # assigned), who is told once, by the latest.
    assert "1 due cases, 3 steps applied, 1 notifications queued" in summary
    assert "delivery:" in summary


def test_each_head_gets_one_digest_of_the_subtree_worst_first(settings, engine, session, now):
    province = make_agency(session, "UBND tỉnh")
    district = make_agency(session, "UBND huyện", parent=province)
    head = make_head(session, province)
    make_head(session, district)
    late = make_case(session, district, due_at=local(2026, 3, 2, 17), now=now)
    soon = make_case(session, province, due_at=local(2026, 3, 12, 17), now=now)
    make_case(session, province, due_at=local(2026, 4, 30, 17), now=now)  # far off: not listed

    as_of = local(2026, 3, 10, 7, 30)  # Tuesday
    assert daily_digest(as_of=as_of) == 2  # the province head and the district head
    assert daily_digest(as_of=local(2026, 3, 10, 9)) == 0  # once per head per day
    mail = session.exec(select(Notification).where(Notification.recipient == head.email)).one()
    assert [c["code"] for c in mail.context["cases"]] == [late.code, soon.code]
    assert mail.context["overdue_count"] == 1
    assert daily_digest(as_of=local(2026, 3, 15, 7, 30)) == 0  # Sunday: no digest
