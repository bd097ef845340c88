"""The data generator keeps its promises on a small run (nothing here is timed)."""

import re
from collections import Counter
from datetime import timedelta

from sqlmodel import select

from bench.cases import KINDS, CaseMaker
from bench.generate import AS_OF, BENCH_PASSWORD, build_world, generate
from bench.names import DEPARTMENTS, PROVINCES
from models import OPEN_STATUSES, Agency, Case, CaseEvent, CodeCounter, User

N = 2000
CODE = re.compile(r"^(KN|TC|PA|HS)-(\d{4})-(\d{6})$")


def test_tree_people_and_cases_as_promised(engine, session, database_url):
    report = generate(database_url, N, seed=3, quiet=True)
    assert (report.cases, report.agencies) == (N, len(session.exec(select(Agency)).all()))

    agencies = session.exec(select(Agency)).all()
    roots = [a for a in agencies if a.parent_id is None]
    assert len(roots) == 34
    children = Counter(a.parent_id for a in agencies if a.parent_id)
    communes = sum(count for _, _, count in PROVINCES)
    assert 3200 <= communes <= 3400
    assert sum(children.values()) == communes + 34 * len(DEPARTMENTS)
    heads = {u.id: u for u in session.exec(select(User).where(User.role == "head")).all()}
    assert all(heads[a.head_user_id].agency_id == a.id for a in agencies)

    cases = session.exec(select(Case)).all()
    codes = [CODE.match(c.code) for c in cases]
    assert all(codes) and len({c.code for c in cases}) == N
    kinds = Counter(c.kind for c in cases)
    for kind, _, share in KINDS:
        assert abs(kinds[kind] / N - share) < 0.05, kinds

    open_cases = [c for c in cases if c.status in OPEN_STATUSES]
    assert 0.02 * N < len(open_cases) < 0.15 * N  # most are finished, a backlog is open
    overdue = [c for c in open_cases if c.due_at < AS_OF]
    assert any(AS_OF - c.due_at > timedelta(days=365) for c in overdue)  # overdue for years
    assert all(c.long_pending == (c.escalation_level == 4) for c in open_cases)
    assert all(c.resolved_at and c.resolved_due_at for c in cases if c.status == "resolved")
    transferred = [c for c in cases if c.transfer_count]
    assert 0.08 * N < len(transferred) < 0.16 * N
    assert any(c.ping_pong for c in transferred)

    # The database compares instants the way Python does (SQLite stores them as text).
    in_sql = session.exec(
        select(Case.id).where(Case.status.in_(OPEN_STATUSES), Case.due_at < AS_OF)
    ).all()
    assert sorted(in_sql) == sorted(c.id for c in overdue)

    events = session.exec(select(CaseEvent)).all()
    per_case = Counter(e.case_id for e in events)
    assert all(per_case[c.id] == c.version for c in cases)
    assert Counter(e.action for e in events)["receive"] == N
    assert sum(1 for e in events if e.action == "transfer") == sum(c.transfer_count for c in cases)

    # The next code handed out for any prefix and year is past every generated one.
    counters = {(c.prefix, c.year): c.value for c in session.exec(select(CodeCounter)).all()}
    for match in codes:
        assert int(match[3]) <= counters[(match[1], int(match[2]))]


def test_generated_people_can_sign_in(client, database_url):
    generate(database_url, 10, seed=3, quiet=True)
    response = client.post(
        "/api/v1/auth/token", data={"username": "clerk.40", "password": BENCH_PASSWORD}
    )
    assert response.status_code == 200, response.text


def test_same_seed_same_cases():
    def first(seed):
        _, _, world = build_world(AS_OF, seed, password_hash="x")
        maker = CaseMaker(world, seed=seed)
        return [maker.make(i) for i in range(1, 300)]

    assert first(5) == first(5)
    assert first(5) != first(6)
