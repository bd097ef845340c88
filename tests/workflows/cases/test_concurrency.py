"""Concurrent writers: one winner per version, and gap-free codes under parallel intake."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, func, select

from core.errors import Conflict
from models import Case, CaseEvent, Role
from tests.case_factories import BASE_URL, at, make_case
from tests.factories import make_agency, make_user
from workflows.cases import lifecycle

NOW = at("2026-03-02")


def detached(session, obj):
    """Loaded and detached, so threads can read it without touching the fixture's session."""
    session.refresh(obj)
    session.expunge(obj)
    return obj


def test_twenty_clients_same_version_one_wins(engine, session):
    agency = make_agency(session)
    officer = detached(session, make_user(session, Role.officer, agency))
    case = make_case(engine, officer, agency, now=NOW)
    barrier = threading.Barrier(20)

    def accept(_n: int) -> str:
        with Session(engine) as own:
            barrier.wait()
            try:
                lifecycle.apply(
                    session=own,
                    case=own.get(Case, case.id),
                    action="accept",
                    actor=officer,
                    now=NOW,
                    base_url=BASE_URL,
                    version=1,
                )
                own.commit()
                return "ok"
            except Conflict:
                own.rollback()
                return "409"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(accept, range(20)))
    assert sorted(outcomes) == ["409"] * 19 + ["ok"]
    session.expire_all()
    stored = session.get(Case, case.id)
    assert (stored.status, stored.version) == ("accepted", 2)
    actions = session.exec(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert actions == ["receive", "accept"]


def test_two_hundred_intakes_at_once_get_gap_free_codes(engine, session):
    agency = make_agency(session)
    clerk = detached(session, make_user(session, Role.clerk, agency))
    agency = detached(session, agency)

    def register(n: int) -> str:
        return make_case(engine, clerk, agency, now=NOW, title=f"Đơn {n}").code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(register, range(200)))
    assert sorted(codes) == [f"KN-2026-{n:06d}" for n in range(1, 201)]
    assert session.exec(select(func.count()).select_from(Case)).one() == 200
