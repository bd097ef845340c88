"""A deliverer that dies mid-batch, and two deliverers at once."""

import threading
from datetime import timedelta

from sqlmodel import select

from models import DeliveryAttempt, Notification, NotificationState
from notifications.delivery import DEFAULT_POLICY, RetryPolicy, claim, deliver_due
from tests.notifications.conftest import enqueue_for_case, make_case


def test_claimed_rows_of_a_dead_deliverer_are_sent_once_after_the_lease(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now)
    # A deliverer claims the row and dies before sending or recording anything.
    (claimed,) = claim(engine=engine, now=now, limit=10, lease=DEFAULT_POLICY.lease)

    during = deliver_due(engine=engine, settings=smtp_settings, now=now + timedelta(minutes=5))
    assert during.sent == 0 and smtp_server.recorder.received == []

    after = now + DEFAULT_POLICY.lease + timedelta(seconds=1)
    assert deliver_due(engine=engine, settings=smtp_settings, now=after).sent == 1
    assert smtp_server.recorder.ids() == [claimed.id]
    row = session.get(Notification, claimed.id)
    assert row.state == NotificationState.sent and row.attempts == 2
    ledger = session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
    assert [(a.transport, a.ok) for a in ledger] == [("lease", False), ("smtp", True)]


def test_two_deliverers_at_once_never_send_a_row_twice(
    engine, session, smtp_settings, smtp_server, agency, now
):
    case = make_case(session, agency, now=now)
    for n in range(60):
        enqueue_for_case(engine, case, now=now, recipient=f"officer{n}@example.gov.vn")
    policy = RetryPolicy()
    reports = []
    start = threading.Barrier(2)

    def run():
        start.wait()
        reports.append(
            deliver_due(engine=engine, settings=smtp_settings, now=now, batch_size=4, policy=policy)
        )

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(r.sent for r in reports) == 60
    ids = smtp_server.recorder.ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    # Both really worked (on SQLite they take turns, on PostgreSQL they run side by side).
    assert all(r.batches > 0 for r in reports)
    session.expire_all()
    states = {n.state for n in session.exec(select(Notification))}
    assert states == {NotificationState.sent}
