"""Month rollups (report_months): kept by triggers through every kind of write, and a summary
read from them equals a count of the rows for any period."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from core.clock import LOCAL_TZ, local_date
from migrations import upgrade
from models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, ReportMonth
from models.db import engine_for
from tests.api.test_reports import expected
from tests.case_rows import make_case
from tests.conftest import empty_database
from tests.factories import make_agency
from tests.report_data import make_cases
from tests.workflows.escalation.test_sweep import DUE, ladder_tree, local
from workflows.escalation import sweep as escalation
from workflows.reports import summary as reports
from workflows.reports.rollup import Plan, period_figures, plan

FIGURES = ("received", "resolved", "resolved_on_time", "transfers", "escalations")


def by_hand(session: Session) -> dict:
    """Every (agency, local month)'s figures counted from the rows, in Python."""
    counts: Counter = Counter()
    cases = {c.id: c for c in session.scalars(sa.select(Case))}
    for c in cases.values():
        counts[c.agency_id, local_date(c.received_at).replace(day=1), "received"] += 1
        if c.resolved_at is not None:
            month = local_date(c.resolved_at).replace(day=1)
            counts[c.agency_id, month, "resolved"] += 1
            if c.resolved_due_at is not None and c.resolved_at <= c.resolved_due_at:
                counts[c.agency_id, month, "resolved_on_time"] += 1
    for e in session.scalars(sa.select(CaseEvent)):
        agency = e.agency_id or cases[e.case_id].agency_id
        month = local_date(e.at).replace(day=1)
        if e.action == "transfer":
            counts[agency, month, "transfers"] += 1
        elif e.action.startswith("escalat"):
            counts[agency, month, "escalations"] += 1
    keys = {(agency, month) for agency, month, _ in counts}
    return {key: tuple(counts[*key, f] for f in FIGURES) for key in keys}


def rolled_up(session: Session) -> dict:
    session.expire_all()
    return {
        (r.agency_id, r.month): tuple(getattr(r, f) for f in FIGURES)
        for r in session.scalars(sa.select(ReportMonth))
        if any(getattr(r, f) for f in FIGURES)
    }


def test_the_rollup_follows_every_kind_of_write(session, now):
    agencies = [make_agency(session, f"UBND {i}") for i in range(3)]
    cases, _ = make_cases(session, agencies, now, n=200, seed=3)
    assert rolled_up(session) == by_hand(session) != {}

    # Through the ORM, as the workflows write: a transfer, a resolution, a reopening, a
    # deadline recorded later, a receipt date corrected across a month.
    open_case = next(c for c in cases if c.resolved_at is None)
    open_case.agency_id = (
        agencies[2].id if open_case.agency_id != agencies[2].id else agencies[0].id
    )
    open_case.resolved_at, open_case.resolved_due_at = now, now + timedelta(days=1)
    open_case.status = CaseStatus.resolved
    resolved = [c for c in cases if c.resolved_at is not None and c is not open_case]
    resolved[0].resolved_at = resolved[0].resolved_due_at = None
    resolved[0].status = CaseStatus.accepted
    resolved[1].resolved_due_at = resolved[1].resolved_at - timedelta(days=1)
    resolved[2].received_at -= timedelta(days=40)
    session.add(CaseEvent(case_id=open_case.id, at=now, action="transfer", agency_id=None))
    session.add(
        CaseEvent(case_id=open_case.id, at=now, action="escalate", agency_id=agencies[1].id)
    )
    session.commit()
    assert rolled_up(session) == by_hand(session)

    # By hand in SQL, many rows at once: a reorganisation, events rewritten and deleted,
    # a case deleted with its history.
    victim = cases[5].id
    with session.bind.begin() as conn:
        conn.execute(
            sa.text("UPDATE cases SET agency_id = :to WHERE agency_id = :from"),
            {"to": agencies[1].id, "from": agencies[0].id},
        )
        conn.execute(
            sa.text("UPDATE case_events SET action = 'escalation_step' WHERE action = 'accept'")
        )
        conn.execute(
            sa.text(
                "UPDATE case_events SET at = :at WHERE action = 'transfer' AND case_id % 2 = 0"
            ),
            {"at": now - timedelta(days=400)},
        )
        conn.execute(
            sa.text("DELETE FROM case_events WHERE case_id % 3 = 0 OR case_id = :id"),
            {"id": victim},
        )
        conn.execute(sa.text("DELETE FROM cases WHERE id = :id"), {"id": victim})
    assert rolled_up(session) == by_hand(session)


def test_a_summary_over_any_period_counts_what_the_rows_hold(session, now):
    agencies = [make_agency(session, f"UBND {i}") for i in range(3)]
    cases, events = make_cases(session, agencies, now, n=300, seed=17)
    today = local_date(now)
    rng = random.Random(4)
    periods = [
        (today.replace(day=1), today),  # the dashboard's month
        (date(today.year, 1, 1), today),  # the year to today
        (date(today.year - 5, 1, 1), today),  # every case
        (date(2025, 2, 1), date(2025, 2, 28)),  # one whole month
        (date(2024, 2, 29), date(2024, 2, 29)),  # one day
        (date(2023, 5, 3), date(2023, 5, 29)),  # most of a month, both ends cut
        (date(2025, 12, 20), date(2026, 1, 10)),  # across a new year
        (today - timedelta(days=3), today + timedelta(days=40)),  # into the future
    ] + [
        tuple(sorted(today - timedelta(days=rng.randint(0, 5 * 365)) for _ in range(2)))
        for _ in range(25)
    ]
    scopes = [None, [agencies[0].id], [agencies[1].id, agencies[2].id]]
    every = {a.id for a in agencies}
    for first, last in periods:
        for scope in scopes:
            want = expected(cases, events, set(scope) if scope else every, first, last, now)
            got = reports.summary(
                session=session, agency_ids=scope, agency_id=None,
                period_from=first, period_to=last, now=now,
            ).as_dict()  # fmt: skip
            assert {f: got[f] for f in FIGURES} == {f: want[f] for f in FIGURES}, (first, last)
            # Whichever split the day of the report chooses, the figures are the same.
            for day in (first, last, today + timedelta(days=400)):
                figures = period_figures(
                    session=session, agency_ids=scope, period_from=first, period_to=last, today=day
                )
                assert tuple(getattr(figures, f) for f in FIGURES) == tuple(
                    want[f] for f in FIGURES
                ), (first, last, day)


def test_the_plan_reads_whole_months_and_the_fewest_days():
    today = date(2026, 11, 28)
    # The year to today: eleven months from the rollup, less the two days still to come.
    assert plan(date(2026, 1, 1), today, today=today) == Plan(
        date(2026, 1, 1), date(2026, 12, 1), [], [(date(2026, 11, 29), date(2026, 12, 1))]
    )
    # Most of January (17 of 31 days) from its month less 14 days; a whole February; ten days
    # of March counted, not 21 left out.
    assert plan(date(2026, 1, 15), date(2026, 3, 10), today=today) == Plan(
        date(2026, 1, 1),
        date(2026, 3, 1),
        [(date(2026, 3, 1), date(2026, 3, 11))],
        [(date(2026, 1, 1), date(2026, 1, 15))],
    )
    # One day in the past is one day counted; no month read.
    assert plan(date(2024, 2, 29), date(2024, 2, 29), today=today) == Plan(
        None, None, [(date(2024, 2, 29), date(2024, 3, 1))], []
    )
    # The dashboard's month on its tenth day: the month less twenty days that hold nothing yet.
    assert plan(date(2026, 11, 1), date(2026, 11, 10), today=date(2026, 11, 10)) == Plan(
        date(2026, 11, 1), date(2026, 12, 1), [], [(date(2026, 11, 11), date(2026, 12, 1))]
    )


def test_the_migration_fills_the_rollup_from_the_rows_already_there(tmp_path, now):
    with empty_database(tmp_path) as url:
        upgrade(url, "0024_form_tokens")
        engine = engine_for(url)
        try:
            with Session(engine) as session:
                agencies = [make_agency(session, f"UBND {i}") for i in range(2)]
                make_cases(session, agencies, now, n=120, seed=9)
                assert not sa.inspect(engine).has_table("report_months")
            upgrade(url)
            with Session(engine) as session:
                assert rolled_up(session) == by_hand(session) != {}
        finally:
            engine.dispose()


def test_the_sweeps_bulk_writes_reach_the_rollup(engine, session, now):
    tree = ladder_tree(session)
    # The sweep writes its events in one statement per batch (COPY on PostgreSQL).
    cases = [
        make_case(session, tree["ward"], due_at=DUE, now=now, assignee=tree["officer"])
        for _ in range(4)
    ]
    assert escalation.sweep(engine=engine, as_of=local(2026, 3, 18)).steps == 4 * 5
    rows = rolled_up(session)
    assert rows == by_hand(session)
    march = rows[tree["ward"].id, date(2026, 3, 1)]
    assert march[FIGURES.index("escalations")] == 3 * len(cases)  # head, parent, grandparent


def test_the_countrys_figures_as_of_now_equal_a_count_of_its_open_cases(session, now):
    agencies = [make_agency(session, f"UBND {i}") for i in range(4)]
    cases, _ = make_cases(session, agencies, now, n=400, seed=23)
    open_cases = [c for c in cases if c.status in OPEN_STATUSES]
    # Writes that move the figures: a closure, a reopening, a pause, a new due date, a first
    # escalation, a bounce, a case moved, a case deleted by hand.
    open_cases[0].status = CaseStatus.resolved
    closed = next(c for c in cases if c.status == CaseStatus.closed)
    closed.status = CaseStatus.accepted
    open_cases[1].status = CaseStatus.on_hold
    open_cases[2].due_at = now + timedelta(days=2)
    escalated = next(c for c in open_cases[3:] if c.escalation_level == 0)
    escalated.escalation_level = 1
    open_cases[4].ping_pong = not open_cases[4].ping_pong
    open_cases[5].agency_id = agencies[3].id
    session.commit()
    with session.bind.begin() as conn:
        conn.execute(sa.text("DELETE FROM case_events WHERE case_id = :id"), {"id": cases[7].id})
        conn.execute(sa.text("DELETE FROM cases WHERE id = :id"), {"id": cases[7].id})

    # Instants early and late in a month, at midnight, in the past of some cases, and exactly
    # one and three months after a receipt (the boundaries are inclusive).
    early = next(c for c in open_cases[8:] if local_date(c.received_at).day <= 10).received_at
    late = next(c for c in open_cases[8:] if 18 <= local_date(c.received_at).day <= 28).received_at
    instants = [
        now,
        now + timedelta(days=26),
        now - timedelta(days=400, hours=5),
        datetime(2025, 6, 30, 17, 0, tzinfo=UTC),  # 00:00 on 1 July, local
        *(months_after(at, n) for at in (early, late) for n in (1, 3, 12)),
    ]
    for instant in instants:
        assert reports.open_figures_of_the_country(
            session=session, now=instant
        ) == reports.open_figures_counted(session=session, agency_ids=None, now=instant), instant
    figures = reports.open_figures_of_the_country(session=session, now=now)
    assert figures[0] > 0 and figures[1] > 0 and sum(figures[4].values()) == figures[0]


def months_after(instant, months: int):
    local = instant.astimezone(LOCAL_TZ)
    index = local.year * 12 + local.month - 1 + months
    moved = local.replace(year=index // 12, month=index % 12 + 1, day=min(local.day, 28))
    return moved.astimezone(UTC)
