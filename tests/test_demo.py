"""The demo's stories as data: what seeds 001 and 002 say, on working days, in order.

The replay through the domain and the served result are tested in tests/test_cli.py.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from dondoc import demo_cases, demo_finance, demo_reorganisation
from dondoc.demo_cases import LOCAL_TZ
from workflows.deadlines.calendar import WorkingCalendar

CALENDAR = WorkingCalendar()


def _instants(story):
    return [story.received_at, *(act.at for act in story.acts)]


def _local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def test_finance_dossiers_are_seed_001s_380_with_69_open():
    stories = demo_finance.dossiers(calendar=CALENDAR)
    assert len(stories) == 380
    assert {s.agency for s in stories} == {"Sở Tài chính TP. Cần Thơ"}
    assert {s.body["kind"] for s in stories} == {"dossier"}
    resolved = [s for s in stories if any(a.action == "resolve" for a in s.acts)]
    assert len(resolved) == 311
    fields = {s.body["description"].split(".")[0] for s in stories}
    assert fields == {f"Lĩnh vực: {name}" for name in demo_finance.PROCEDURES}
    late = 0
    for story in stories:
        instants = _instants(story)
        assert instants == sorted(instants) and len(set(instants)) == len(instants)
        for instant in instants:
            day = _local_day(instant)
            assert date(2014, 1, 1) <= day <= date(2014, 9, 25)
            assert CALENDAR.is_working_day(day), (story.body["title"], day)
        if story in resolved:
            due = CALENDAR.add_working_days(_local_day(story.received_at), 20)
            paused = sum(
                CALENDAR.working_days_between(_local_day(asked.at), _local_day(back.at))
                for asked, back in zip(story.acts, story.acts[1:], strict=False)
                if asked.action == "request_documents" and back.action == "documents_received"
            )
            late += _local_day(story.acts[-1].at) > CALENDAR.add_working_days(due, paused)
    assert late == demo_finance.LATE  # "mostly resolved before the appointment"
    again = demo_finance.dossiers(calendar=CALENDAR)
    assert [(s.received_at, s.body) for s in again] == [(s.received_at, s.body) for s in stories]


def test_seed_002_cases_keep_their_years_and_places():
    stories = demo_cases.seed_002()
    assert [(s.received_at.year, s.agency) for s in stories] == [
        (2014, "UBND huyện Đồng Hỷ"),
        (2017, "UBND thị trấn Chợ Chu"),
        (2020, "UBND xã Phúc Trìu"),
        (2020, "UBND xã Linh Sơn"),
    ]
    addresses = " ".join(s.body["citizen"]["address"] for s in stories)
    for place in ("Hồng Thái", "Hóa Thượng", "Chợ Chu", "Rừng Chùa", "Phúc Trìu", "Nam Sơn"):
        assert place in addresses
    for story in stories:  # none is resolved: all are still pending when the demo starts
        assert {a.action for a in story.acts} <= {
            "accept",
            "assign",
            "transfer",
            "request_documents",
            "documents_received",
        }
        assert story.acts[-1].action in ("accept", "documents_received")


@pytest.mark.parametrize("clock", ["06:30", "12:00", "23:59"])
def test_recent_cases_lie_in_the_weeks_before_any_start(clock):
    """Whatever day the demo starts (holidays and weekends too), the recent cases were
    received and acted on earlier, on working days, in order."""
    day = date(2026, 1, 1)
    while day.year == 2026:
        now = demo_cases.local(day, clock)
        stories = demo_cases.recent(now=now.astimezone(UTC), calendar=CALENDAR)
        assert len(stories) == 11
        for story in stories:
            instants = _instants(story)
            assert instants == sorted(instants) and len(set(instants)) == len(instants)
            assert instants[-1] < now and instants[0] > now - timedelta(weeks=10)
            assert all(CALENDAR.is_working_day(_local_day(i)) for i in instants), story.body
        day += timedelta(days=1)


def test_no_case_of_2026_is_received_at_an_abolished_agency():
    """Districts and towns were dissolved as of 01/07/2025: the recent cases are received at
    their successors; the seed's old cases keep the places they were received at."""
    dissolved = {old for old, _ in demo_reorganisation.DISSOLVED}
    successors = {name for name, _ in demo_reorganisation.SUCCESSORS}
    assert {new for _, new in demo_reorganisation.DISSOLVED} <= successors
    for day in (date(2026, 1, 5), date(2026, 6, 1), date(2026, 11, 27)):
        now = demo_cases.local(day, "10:00").astimezone(UTC)
        stories = demo_cases.recent(now=now, calendar=CALENDAR)
        assert {s.agency for s in stories}.isdisjoint(dissolved)
        assert demo_reorganisation.CITY_SUCCESSOR in {s.agency for s in stories}
    old = {s.agency for s in demo_cases.seed_002()}
    assert {"UBND huyện Đồng Hỷ", "UBND thị trấn Chợ Chu"} <= old & dissolved
    assert demo_reorganisation.EFFECTIVE_AT.isoformat() == "2025-07-01T00:00:00+07:00"
