"""The summary's statements: every agency at once, escalation actions, the 0009 backfill."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from migrations import upgrade
from models import CaseEvent
from tests.api.test_reports import expected
from tests.conftest import empty_database
from tests.factories import make_agency
from tests.report_data import make_cases
from workflows.reports import counts as report_counts
from workflows.reports import summary as reports


def test_every_agency_matches_plain_python(session, now):
    agencies = [make_agency(session, f"UBND {i}") for i in range(3)]
    cases, events = make_cases(session, agencies, now, n=300, seed=11)
    period = (date(2024, 1, 1), date(2026, 3, 2))
    result = reports.summary(
        session=session,
        agency_ids=None,
        agency_id=None,
        period_from=period[0],
        period_to=period[1],
        now=now,
    ).as_dict()
    want = expected(cases, events, {a.id for a in agencies}, *period, now)
    assert {key: result[key] for key in want} == want
    assert want["transfers"] > 0 and want["escalations"] > 0


def test_dashboard_month_and_year_are_the_summaries_of_those_periods(session, now):
    agencies = [make_agency(session, f"UBND {i}") for i in range(2)]
    make_cases(session, agencies, now, n=300, seed=5)
    scope = [agencies[0].id]
    month, year = reports.month_and_year(
        session=session, agency_ids=scope, agency_id=scope[0], now=now
    )
    common = {"session": session, "agency_ids": scope, "agency_id": scope[0], "now": now}
    assert month == reports.summary(**common, period_from=date(2026, 3, 1), period_to=now.date())
    assert year == reports.summary(**common, period_from=date(2026, 1, 1), period_to=now.date())
    assert year.open_now > 0 and year.resolved > month.resolved


def test_escalation_actions_are_exactly_those_starting_with_the_prefix(session, now):
    agency = make_agency(session, "UBND xã")
    cases, _ = make_cases(session, [agency], now, n=5, seed=1)
    actions = ["escalat", "escalate", "escalation_acknowledged", "escalatz", "escalau",
               "escala", "Escalation", "ESCALATE", "reminder", "transfer"]  # fmt: skip
    session.add_all(
        CaseEvent(case_id=cases[0].id, at=now, action=action, agency_id=agency.id)
        for action in actions
    )
    session.commit()
    stored = {e.action for e in session.scalars(sa.select(CaseEvent))}
    assert report_counts.escalation_actions(session=session) == sorted(
        a for a in stored if a.startswith("escalat")
    )
    assert {"escalat", "escalatz", "escalation_acknowledged"} <= set(stored)
    day = date(2026, 3, 2)
    result = reports.summary(
        session=session,
        agency_ids=[agency.id],
        agency_id=agency.id,
        period_from=day,
        period_to=day,
        now=now,
    ).as_dict()
    events = list(session.scalars(sa.select(CaseEvent)))
    want = expected(cases, events, {agency.id}, day, day, now)
    assert (result["transfers"], result["escalations"]) == (want["transfers"], 4)
    assert want["escalations"] == 4  # escalat, escalate, escalation_acknowledged, escalatz


def test_migration_0009_records_the_case_agency_on_older_events(tmp_path):
    with empty_database(tmp_path) as url:
        _events_get_their_case_agency(url)


def _events_get_their_case_agency(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        upgrade(url, "0008_bench_indexes")
        at = datetime(2025, 5, 1, tzinfo=UTC)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO agencies (id, name, remote_area) VALUES "
                    "(1, 'UBND tỉnh', false), (2, 'UBND xã', false)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO cases (id, code, kind, status, title, description, channel, "
                    "citizen_name, agency_id, complexity, remote_area, received_at, "
                    "policy_version, clock_event, paused_units, extensions_used, "
                    "date_reset_used, transfer_count, ping_pong, escalation_level, "
                    "long_pending, version, updated_at) VALUES (7, 'KN-2025-000007', "
                    "'complaint', 'received', 't', '', 'in_person', 'c', 2, 'normal', false, "
                    ":at, '', 'receipt', 0, 0, false, 1, false, 0, false, 1, :at)"
                ),
                {"at": at},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO case_events (case_id, at, action, agency_id, data) VALUES "
                    "(7, :at, 'receive', NULL, '{}'), (7, :later, 'transfer', 1, '{}')"
                ),
                {"at": at, "later": at + timedelta(days=1)},
            )
        upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT action, agency_id FROM case_events ORDER BY at"))
            assert list(rows) == [("receive", 2), ("transfer", 1)]
            names = {ix["name"] for ix in sa.inspect(conn).get_indexes("case_events")}
        assert "ix_case_events_agency_action_at" in names
        assert "ix_case_events_action" not in names
    finally:
        engine.dispose()
