"""Period statistics for a generated year of inspections, against figures counted by hand
(seed 002: 226 inspections, 44 by the province's teams and 182 self-inspections; 13 units
to review responsibility, 1 official disciplined, 6 units to report, 23 units reminded)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from api.deps import utcnow
from core.errors import Invalid
from models import InspectionCreate, InspectionKind, MeasureCreate, MeasureKind, Role
from models.inspection import MeasureTarget
from tests.factories import make_agency
from tests.inspection_factories import bearer, person
from workflows.inspections import service as inspections
from workflows.inspections.reports import period_bounds

YEAR = 2023


@pytest.fixture
def year(session, now):
    """40 communes of one province and a year of inspections of them, with measures."""
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    communes = [make_agency(session, f"UBND xã {n}", parent=province) for n in range(40)]
    inspector = person(session, Role.inspector, province, "Đinh Thị Mai")
    official = person(session, Role.officer, communes[30], "Công chức một cửa")
    kinds = [InspectionKind.planned] * 30 + [InspectionKind.surprise] * 14
    kinds += [InspectionKind.self_inspection] * 182
    with Session(session.get_bind()) as tx:
        made = []
        for n, kind in enumerate(kinds):
            meeting_at = datetime(YEAR, 1, 2, 2, 0, tzinfo=UTC) + timedelta(days=n % 360)
            made.append(_inspect(tx, communes[n % 40], kind, meeting_at, inspector, now))
        # Local calendar: 00:30 on 1 January in Hà Nội is still 31 December in UTC: inside.
        first_minute = datetime(YEAR - 1, 12, 31, 17, 30, tzinfo=UTC)
        made.append(
            _inspect(tx, communes[0], InspectionKind.surprise, first_minute, inspector, now)
        )
        # 00:30 on 1 January of the next year in Hà Nội: outside, and so are its measures.
        next_year = datetime(YEAR, 12, 31, 17, 30, tzinfo=UTC)
        late = _inspect(tx, communes[39], InspectionKind.planned, next_year, inspector, now)
        _measure(tx, late, {"agency_id": communes[39].id}, MeasureKind.discipline, inspector, now)

        # Measures, each taken at an inspection of the unit concerned (inspection n: commune n).
        for n in range(0, 23):  # reminders: communes 0–22
            _measure(
                tx, made[n], {"agency_id": communes[n].id}, MeasureKind.reminder, inspector, now
            )
        for n in range(10, 23):  # responsibility reviews: communes 10–22
            _measure(
                tx,
                made[n],
                {"agency_id": communes[n].id},
                MeasureKind.responsibility_review,
                inspector,
                now,
            )
        for n in range(20, 26):  # explanation reports: communes 20–25
            _measure(
                tx,
                made[n],
                {"agency_id": communes[n].id},
                MeasureKind.explanation_report,
                inspector,
                now,
            )
        _measure(tx, made[30], {"user_id": official.id}, MeasureKind.discipline, inspector, now)
        tx.commit()
    return communes, inspector


def _inspect(tx, agency, kind, meeting_at, inspector, now):
    return inspections.create(
        session=tx,
        data=InspectionCreate(
            agency_id=agency.id,
            title="Kiểm tra công vụ",
            legal_basis="Kế hoạch số 45/KH-UBND ngày 17/3/2023",
            kind=kind,
            meeting_at=meeting_at,
            member_ids=[inspector.id],
        ),
        actor=inspector,
        now=now,
    )


def _measure(tx, inspection, target, kind, inspector, now):
    due_at = now + timedelta(days=15) if kind == MeasureKind.explanation_report else None
    inspections.add_measure(
        session=tx,
        inspection=inspection,
        data=MeasureCreate(target=MeasureTarget(**target), measure=kind, text="x", due_at=due_at),
        actor=inspector,
        now=now,
    )


def test_a_year_of_inspections_matches_the_hand_counted_figures(
    client, settings, session, year, now
):
    communes, inspector = year
    client.app.dependency_overrides[utcnow] = lambda: now
    admin = person(session, Role.admin, None, "Quản trị")
    response = client.get(
        "/api/v1/inspections/statistics",
        params={"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"},
        headers=bearer(settings, admin),
    )
    assert response.status_code == 200, response.text
    figures = response.json()
    # 30 planned + 14 surprise + 182 self-inspections, plus the one at 00:30 on 1 January.
    assert figures["inspections_total"] == 227
    assert figures["inspections_by_kind"] == {
        "planned": 30,
        "surprise": 15,
        "self_inspection": 182,
    }
    assert (figures["inspections_by_team"], figures["self_inspections"]) == (45, 182)
    assert figures["agencies_inspected"] == 40
    by_kind = {f["measure"]: f for f in figures["measures_by_kind"]}
    assert by_kind["reminder"] == {
        "measure": "reminder",
        "count": 23,
        "units": 23,
        "officials": 0,
    }
    assert by_kind["responsibility_review"]["units"] == 13
    assert by_kind["explanation_report"]["units"] == 6
    assert (by_kind["discipline"]["count"], by_kind["discipline"]["officials"]) == (1, 1)
    assert figures["measures_total"] == 23 + 13 + 6 + 1
    # Communes 0–25 (reminders, reviews and reports overlap) and the official's commune 30.
    assert figures["units_concerned"] == 27

    # The inspector sees the same: every commune was inspected with them as a member.
    mine = client.get(
        "/api/v1/inspections/statistics",
        params={"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"},
        headers=bearer(settings, inspector),
    ).json()
    assert mine["inspections_total"] == 227
    # One commune's subtree: commune 0 had inspections 0, 40, 80, 120, 160, 200 and 1 Jan.
    commune_0 = client.get(
        "/api/v1/inspections/statistics",
        params={"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31", "agency_id": communes[0].id},
        headers=bearer(settings, admin),
    ).json()
    assert commune_0["inspections_total"] == 7


def test_a_period_that_ends_before_it_starts_is_422(client, settings, session):
    admin = person(session, Role.admin, None, "Quản trị")
    response = client.get(
        "/api/v1/inspections/statistics",
        params={"from": "2023-12-31", "to": "2023-01-01"},
        headers=bearer(settings, admin),
    )
    assert response.status_code == 422
    with pytest.raises(Invalid):
        period_bounds(date(2023, 2, 1), date(2023, 1, 31))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_outside_the_calendar_is_422(client, settings, session, day):
    """Days at the ends of Python's calendar overflowed on the way to UTC (a 500)."""
    admin = person(session, Role.admin, None, "Quản trị")
    response = client.get(
        "/api/v1/inspections/statistics",
        params={"from": day, "to": day},
        headers=bearer(settings, admin),
    )
    assert response.status_code == 422, response.text


def test_clerks_and_officers_see_no_statistics(client, settings, session):
    clerk = person(session, Role.clerk, make_agency(session), "Văn thư")
    response = client.get(
        "/api/v1/inspections/statistics",
        params={"from": "2023-01-01", "to": "2023-12-31"},
        headers=bearer(settings, clerk),
    )
    assert response.status_code == 403
