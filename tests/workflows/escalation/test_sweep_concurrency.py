"""Two sweeps at once on PostgreSQL never apply a step twice."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import EscalationStep, Notification, Role
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user
from workflows.escalation import sweep as escalation
from workflows.escalation.ladder import load_policy

TZ = load_policy().tz
DUE = datetime(2026, 3, 10, 17, tzinfo=TZ).astimezone(UTC)
AS_OF = datetime(2026, 3, 11, 9, tzinfo=TZ).astimezone(UTC)

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def due_cases(session, now):
    ward = make_agency(session, "UBND phường")
    make_head(session, ward)
    officer = make_user(session, Role.officer, ward)
    return [make_case(session, ward, due_at=DUE, now=now, assignee=officer) for _ in range(200)]


def test_a_batch_held_by_one_sweep_is_skipped_by_the_other(engine, due_cases):
    ids = [c.id for c in due_cases[:10]]
    with Session(engine) as first, Session(engine) as second:
        held = escalation.apply_batch(session=first, case_ids=ids, now=AS_OF)
        assert held.cases == 10
        skipped = escalation.apply_batch(session=second, case_ids=ids, now=AS_OF)
        assert skipped.cases == 0  # FOR UPDATE SKIP LOCKED: no waiting, no double step
        first.commit()
        second.rollback()
        after = escalation.apply_batch(session=second, case_ids=ids, now=AS_OF)
        assert after.cases == 0  # no longer due once the first sweep committed
        second.commit()


def test_two_concurrent_sweeps_apply_each_step_once(engine, session, due_cases):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(escalation.sweep(engine=engine, as_of=AS_OF, batch_size=20))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sum(r.steps for r in results) == 3 * len(due_cases)
    assert session.scalar(select(func.count()).select_from(EscalationStep)) == 3 * len(due_cases)
    # Reminder, due today and overdue fall due together: the officer is told once (due
    # today), the head once (overdue): two mails a case, none twice.
    keys = session.exec(select(Notification.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == 2 * len(due_cases)
