"""Scope of an inspection, what an inspector may see, and the agenda's single query."""

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session

from models import InspectionCreate, InspectionKind, Role
from tests.inspection_factories import at, make_case, person, thai_nguyen
from workflows.cases import access
from workflows.inspections import agenda as inspection_agenda
from workflows.inspections import service as inspections


def _create(session, story, now, agency, *, subtree, members):
    with Session(session.get_bind(), expire_on_commit=False) as tx:
        inspection = inspections.create(
            session=tx,
            data=InspectionCreate(
                agency_id=story.agencies[agency].id,
                include_subtree=subtree,
                title="Kiểm tra",
                kind=InspectionKind.planned,
                meeting_at=now,
                member_ids=[m.id for m in members],
            ),
            actor=story.leader,
            now=now,
        )
        tx.commit()
        return inspection


def test_inspector_sees_the_agencies_of_their_inspections(session, now):
    story = thai_nguyen(session)
    a = story.agencies
    assert access.inspector_agency_ids(session=session, user=story.member) == []
    _create(session, story, now, "dinhhoa", subtree=True, members=[story.leader, story.member])
    _create(session, story, now, "linhson", subtree=False, members=[story.member])
    _create(session, story, now, "tp", subtree=False, members=[story.leader])
    assert access.inspector_agency_ids(session=session, user=story.member) == sorted(
        [a["dinhhoa"].id, a["chochu"].id, a["linhson"].id]
    )
    assert access.inspector_agency_ids(session=session, user=story.leader) == sorted(
        [a["dinhhoa"].id, a["chochu"].id, a["tp"].id]
    )
    assert access.inspector_agency_ids(session=session, user=story.other_inspector) == []


def test_agenda_is_one_query_whatever_the_number_of_cases(session, now):
    story = thai_nguyen(session)
    inspection = _create(session, story, now, "tinh", subtree=True, members=[story.leader])
    officer = person(session, Role.officer, story.agencies["chochu"], "Cán bộ địa chính")

    def statements_for_agenda() -> tuple[int, int]:
        seen = []
        engine = session.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with Session(engine) as reader:
                items = inspection_agenda.agenda(
                    session=reader, inspection=inspection, now=now
                ).items
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        case_queries = [s for s in seen if "FROM cases" in s or "JOIN cases" in s]
        return len(items), len(case_queries), len(seen)

    few = statements_for_agenda()
    for n in range(20):
        make_case(
            session,
            story.agencies["chochu"],
            received_at=at(2021, 1, 1) + timedelta(days=n),
            assignee_id=officer.id,
        )
    many = statements_for_agenda()
    assert (few[0], many[0]) == (4, 24)
    assert few[1] == many[1] == 1
    assert few[2] == many[2]
