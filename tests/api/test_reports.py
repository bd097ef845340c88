"""GET /reports/summary: figures against plain Python over the same rows; access; bad input."""

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from api.deps import utcnow
from api.labels import label
from models import CaseStatus, InspectionCreate, Role
from tests.factories import auth, make_agency, make_head, make_user
from tests.report_data import make_cases
from workflows.inspections import service as inspections

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OPEN = {CaseStatus.received, CaseStatus.accepted, CaseStatus.on_hold}


@pytest.fixture
def tree(session):
    province = make_agency(session, "UBND tỉnh")
    district = make_agency(session, "UBND huyện", parent=province)
    commune = make_agency(session, "UBND xã", parent=district)
    other = make_agency(session, "UBND tỉnh khác")
    return province, district, commune, other


@pytest.fixture
def frozen(client, now):
    """The report clock stands at `now`; sign in (real clock) before calling freeze()."""

    def freeze():
        client.app.dependency_overrides[utcnow] = lambda: now

    freeze.now = now
    return freeze


def full_months(earlier: datetime, later: datetime) -> int:
    """Whole calendar months from `earlier` to `later`, in local time."""
    a, b = earlier.astimezone(HANOI), later.astimezone(HANOI)
    months = (b.year - a.year) * 12 + b.month - a.month
    if (a.day, a.time()) > (b.day, b.time()):
        months -= 1
    return months


def bucket(months: int) -> str:
    if months < 1:
        return "under_1_month"
    if months < 3:
        return "1_3_months"
    if months < 12:
        return "3_12_months"
    if months < 36:
        return "1_3_years"
    return "over_3_years"


def expected(cases, events, scope_ids, start_day: date, end_day: date, now: datetime) -> dict:
    start = datetime.combine(start_day, time(0), tzinfo=HANOI)
    end = datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=HANOI)
    mine = [c for c in cases if c.agency_id in scope_ids]
    resolved = [c for c in mine if c.resolved_at and start <= c.resolved_at < end]
    on_time = [c for c in resolved if c.resolved_due_at and c.resolved_at <= c.resolved_due_at]
    open_cases = [c for c in mine if c.status in OPEN]
    running = [c for c in open_cases if c.status != CaseStatus.on_hold]
    overdue = [c for c in running if c.due_at and c.due_at < now]
    backlog = dict.fromkeys(
        ["under_1_month", "1_3_months", "3_12_months", "1_3_years", "over_3_years"], 0
    )
    for c in open_cases:
        backlog[bucket(full_months(c.received_at, now))] += 1
    agency_of = {c.id: c.agency_id for c in cases}
    in_period = [
        e
        for e in events
        if start <= e.at < end and (e.agency_id or agency_of[e.case_id]) in scope_ids
    ]
    return {
        "received": sum(1 for c in mine if start <= c.received_at < end),
        "resolved": len(resolved),
        "resolved_on_time": len(on_time),
        "on_time_rate": round(len(on_time) / len(resolved), 4) if resolved else None,
        "open_now": len(open_cases),
        "overdue_now": len(overdue),
        "backlog_by_age": backlog,
        "transfers": sum(1 for e in in_period if e.action == "transfer"),
        "escalations": sum(1 for e in in_period if e.action.startswith("escalat")),
        "ping_pong_open": sum(1 for c in open_cases if c.ping_pong),
        "escalated_open": sum(1 for c in open_cases if c.escalation_level >= 1),
    }


@pytest.mark.parametrize(
    ("period", "subtree"),
    [
        ((date(2025, 1, 1), date(2026, 3, 2)), "district"),
        ((date(2022, 6, 15), date(2024, 2, 29)), "province"),
        ((date(2026, 3, 2), date(2026, 3, 2)), "province"),
    ],
)
def test_summary_figures_match_plain_python(client, session, tree, frozen, period, subtree):
    province, district, commune, other = tree
    cases, events = make_cases(session, [province, district, commune, other], frozen.now)
    root = {"province": province, "district": district}[subtree]
    scope_ids = (
        {province.id, district.id, commune.id}
        if subtree == "province"
        else {
            district.id,
            commune.id,
        }
    )
    headers = auth(client, make_head(session, root))
    frozen()
    response = client.get(
        "/api/v1/reports/summary",
        params={"from": period[0].isoformat(), "to": period[1].isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    want = expected(cases, events, scope_ids, *period, frozen.now)
    assert {key: body[key] for key in want} == want
    # The data set is varied enough for every figure to mean something.
    if period[0].year == 2025:
        assert min(want["received"], want["resolved"], want["overdue_now"]) > 0
        assert want["resolved"] > want["resolved_on_time"] > 0
        assert all(value > 0 for value in want["backlog_by_age"].values())


def test_admin_sees_every_agency_and_may_narrow(client, session, tree, frozen):
    province, district, commune, other = tree
    cases, events = make_cases(session, list(tree), frozen.now, n=150, seed=3)
    headers = auth(client, make_user(session, Role.admin))
    frozen()
    everything = client.get("/api/v1/reports/summary", headers=headers).json()
    assert everything["open_now"] == sum(1 for c in cases if c.status in OPEN)
    narrowed = client.get(
        "/api/v1/reports/summary", params={"agency_id": other.id}, headers=headers
    ).json()
    assert narrowed["open_now"] == sum(
        1 for c in cases if c.status in OPEN and c.agency_id == other.id
    )


def test_head_cannot_read_outside_the_subtree(client, session, tree, frozen):
    province, district, commune, other = tree
    headers = auth(client, make_head(session, district))
    frozen()
    assert (
        client.get(
            "/api/v1/reports/summary", params={"agency_id": province.id}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/api/v1/reports/summary", params={"agency_id": commune.id}, headers=headers
        ).status_code
        == 200
    )


def test_inspector_reads_the_agencies_of_their_inspections(client, session, tree, frozen, now):
    province, district, commune, other = tree
    cases, _ = make_cases(session, list(tree), frozen.now, n=150, seed=5)
    inspector = make_user(session, Role.inspector, other)
    inspector.jurisdiction_agency_id = province.id  # set by an administrator
    session.add(inspector)
    session.commit()
    headers = auth(client, inspector)
    frozen()
    url = "/api/v1/reports/summary"
    # On no team yet: nothing to see, and no agency to ask for.
    assert client.get(url, headers=headers).json()["open_now"] == 0
    assert client.get(url, params={"agency_id": commune.id}, headers=headers).status_code == 403

    # A member of an inspection of the district and its subtree sees those two agencies.
    inspections.create(
        session=session,
        data=InspectionCreate(
            agency_id=district.id,
            include_subtree=True,
            title="Kiểm tra",
            meeting_at=now,
            member_ids=[inspector.id],
        ),
        actor=inspector,
        now=now,
    )
    session.commit()
    seen = client.get(url, headers=headers).json()
    mine = [c for c in cases if c.agency_id in (district.id, commune.id)]
    assert seen["open_now"] == sum(1 for c in mine if c.status in OPEN) > 0
    assert client.get(url, params={"agency_id": province.id}, headers=headers).status_code == 403
    narrowed = client.get(url, params={"agency_id": commune.id}, headers=headers).json()
    assert narrowed["open_now"] == sum(
        1 for c in cases if c.agency_id == commune.id and c.status in OPEN
    )


@pytest.mark.parametrize("role", [Role.clerk, Role.officer])
def test_clerks_and_officers_may_not_read_reports(client, session, tree, role):
    user = make_user(session, role, tree[0])
    response = client.get("/api/v1/reports/summary", headers=auth(client, user))
    assert response.status_code == 403


BAD_PARAMETERS = [
    {"from": "2026-13-01"},
    {"to": "yesterday"},
    {"from": "2026-03-02", "to": "2026-03-01"},
    {"agency_id": "abc"},
    {"agency_id": "0"},
    {"format": "pdf"},
    # Python's calendar ends at years 1 and 9999: these overflowed on the way to UTC (a 500).
    {"from": "0001-01-01"},
    {"to": "9999-12-31"},
]


def test_bad_parameters_answer_422(client, session, tree):
    headers = auth(client, make_user(session, Role.admin))  # one sign-in: hashing is slow
    for params in BAD_PARAMETERS:
        response = client.get("/api/v1/reports/summary", params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)
        assert "detail" in response.json()


def test_unknown_agency_answers_404(client, session, tree):
    admin = make_user(session, Role.admin)
    response = client.get(
        "/api/v1/reports/summary", params={"agency_id": 999999}, headers=auth(client, admin)
    )
    assert response.status_code == 404


def test_summary_downloads_as_csv_and_xlsx(client, session, tree, frozen):
    make_cases(session, list(tree), frozen.now, n=60, seed=5)
    headers = auth(client, make_user(session, Role.admin))
    frozen()
    params = {"from": "2025-01-01", "to": "2026-03-02"}
    body = client.get("/api/v1/reports/summary", params=params, headers=headers).json()

    response = client.get(
        "/api/v1/reports/summary", params={**params, "format": "csv"}, headers=headers
    )
    assert response.status_code == 200
    assert "summary_2025-01-01_2026-03-02.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Chỉ tiêu / Figure", "Giá trị / Value"]
    figures = dict(row for row in rows[1:] if len(row) == 2)
    assert int(figures[label("vi", "fig", "received")]) == body["received"]
    oldest = f"{label('vi', 'fig', 'open_now')} · {label('vi', 'age', 'over_3_years')}"
    assert int(figures[oldest]) == body["backlog_by_age"]["over_3_years"]

    response = client.get(
        "/api/v1/reports/summary", params={**params, "format": "xlsx"}, headers=headers
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[label("vi", "fig", "overdue_now")] == body["overdue_now"]
    assert values[label("vi", "fig", "resolved_on_time")] == body["resolved_on_time"]
