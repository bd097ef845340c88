"""Readers do not wait for writers, nor writers for readers (SQLite in WAL mode; PostgreSQL).

Each test holds one side open until the other side has finished, or gives up after
`PATIENCE` seconds: had the two taken turns, the held side gives up first and the test fails
on the order of events, not on a timing.
"""

import threading
from datetime import date

import pytest
from sqlmodel import Session, func, select

from api.deps import utcnow
from models import Agency, Case, Role
from models.db import reading, session_scope
from tests.case_factories import at, case_body
from tests.factories import make_agency, make_head, make_user, session_token
from workflows.reports import summary as reports

NOW = at("2026-03-02")
PATIENCE = 15  # seconds a held transaction waits for the other side before giving up


@pytest.fixture
def desk(client, session, settings):
    client.app.dependency_overrides[utcnow] = lambda: NOW
    commune = make_agency(session, "UBND xã Tân Cương")

    def bearer(user):
        token = session_token(settings, user)
        return {"Authorization": f"Bearer {token}"}

    return {
        "commune": commune,
        "clerk": bearer(make_user(session, Role.clerk, commune)),
        "head": bearer(make_head(session, commune)),
    }


def _hold(work, other_side_done: threading.Event, outcome: dict) -> None:
    """Run `work` in a transaction, keep the transaction open until the other side is done."""
    outcome["held"] = threading.Event()
    outcome["gave_up"] = None

    def run():
        outcome["result"] = work(other_side_done, outcome)

    thread = threading.Thread(target=run)
    thread.start()
    assert outcome["held"].wait(PATIENCE)
    return thread


def test_intake_goes_on_while_a_long_report_reads(client, desk, engine):
    intakes_done = threading.Event()
    outcome: dict = {}

    def slow_report(done, out):
        with Session(reading(engine)) as session:
            before = reports.summary(
                session=session,
                agency_ids=None,
                agency_id=None,
                period_from=date(2026, 1, 1),
                period_to=date(2026, 12, 31),
                now=NOW,
            )
            out["held"].set()  # the report's transaction is open and has read
            out["gave_up"] = not done.wait(PATIENCE)
            out["cases_seen_inside"] = session.exec(select(func.count()).select_from(Case)).one()
        return before

    reader = _hold(slow_report, intakes_done, outcome)
    codes = []
    for n in range(5):
        response = client.post(
            "/api/v1/cases",
            json=case_body(desk["commune"], title=f"Đơn khiếu nại số {n} về đất đai"),
            headers=desk["clerk"],
        )
        assert response.status_code == 201, response.text
        codes.append(response.json()["code"])
    intakes_done.set()
    reader.join(PATIENCE * 2)

    assert outcome["gave_up"] is False, "the intakes waited for the report to finish"
    assert len(set(codes)) == 5
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Case)).one() == 5


def test_a_report_answers_while_a_writer_holds_its_transaction(client, desk, engine):
    report_done = threading.Event()
    outcome: dict = {}

    def long_write(done, out):
        with session_scope(engine) as session:
            session.add(Agency(name="UBND xã Phúc Xuân"))
            session.flush()  # the write lock is taken (SQLite) and held until commit
            out["held"].set()
            out["gave_up"] = not done.wait(PATIENCE)

    writer = _hold(long_write, report_done, outcome)
    response = client.get("/api/v1/reports/summary", headers=desk["head"])
    report_done.set()
    writer.join(PATIENCE * 2)

    assert response.status_code == 200, response.text
    assert outcome["gave_up"] is False, "the report waited for the writer to commit"
    with Session(engine) as session:
        names = session.exec(select(Agency.name)).all()
    assert "UBND xã Phúc Xuân" in names
