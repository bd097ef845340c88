"""Imported rows become real history, and the next sweep mails only the step due now."""

from datetime import UTC, datetime

import sqlalchemy as sa

from models import Case, CaseEvent, CaseKind, EscalationStep, Notification, Role
from models.db import session_scope
from tests.factories import make_agency, make_head, make_user
from tests.register_rows import csv_text, good_rows
from workflows.cases import confidentiality
from workflows.deadlines import policies as policy_data
from workflows.escalation import schedule
from workflows.escalation.sweep import sweep
from workflows.imports.reading import read_register
from workflows.imports.writing import import_register

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hà Nội


def _import(engine, rows):
    register = read_register(data=csv_text(rows).encode(), filename="so.csv")
    with session_scope(engine) as session:
        return import_register(
            session=session, register=register, now=NOW, actor_id=None, origin="so.csv",
            partial=False, policies=policy_data.default(),
        )  # fmt: skip


def _row(agency, ref, **fields):
    row = good_rows(1, agency_ids=[agency.id], prefix=ref)[0]
    row.update(kind="complaint", citizen_id_number="", **fields)
    return row


def test_resolved_rows_keep_their_date_and_on_time_flag(engine, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    report = _import(engine, [
        _row(agency, "DUNG-HAN", received_at="05/01/2021", status="resolved",
             resolved_at="20/01/2021"),
        _row(agency, "TRE-HAN", received_at="05/01/2021", status="closed",
             resolved_at="20/12/2022"),
    ])  # fmt: skip
    assert report.imported == 2
    on_time = session.scalar(sa.select(Case).where(Case.source_ref == "DUNG-HAN-000000"))
    late = session.scalar(sa.select(Case).where(Case.source_ref == "TRE-HAN-000000"))
    assert on_time.resolved_at == datetime(2021, 1, 19, 17, 0, tzinfo=UTC)  # local midnight
    assert on_time.resolved_at <= on_time.resolved_due_at
    assert late.resolved_at > late.resolved_due_at and late.closed_at == late.resolved_at
    late_events = session.scalars(
        sa.select(CaseEvent.action)
        .where(CaseEvent.case_id == late.id)
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    assert late_events == ["receive", "resolve", "close", "import"]
    assert on_time.policy_version == "complaint-2011.1"  # in force in 2021
    events = session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == on_time.id).order_by(CaseEvent.at)
    ).all()
    assert [e.action for e in events] == ["receive", "resolve", "import"]
    assert events[1].data["on_time"] is True
    assert events[0].at == on_time.received_at


def test_years_old_open_case_reaches_the_sweep_without_a_storm(engine, session):
    region = make_agency(session, "Thanh tra Chính phủ")
    province = make_agency(session, "UBND tỉnh Thái Nguyên", parent=region)
    make_head(session, region)
    agency = make_agency(session, "UBND huyện Đại Từ", parent=province)
    make_head(session, province)
    make_head(session, agency)
    _import(engine, [
        _row(agency, "CU", received_at="12/03/2020", status="accepted"),
        # Due 2026-02-03: weeks overdue, at its second escalation above the agency.
        _row(agency, "MOI", received_at="20/01/2026", status="received"),
    ])  # fmt: skip
    old = session.scalar(sa.select(Case).where(Case.source_ref == "CU-000000"))
    recent = session.scalar(sa.select(Case).where(Case.source_ref == "MOI-000000"))
    assert old.due_at < NOW and recent.due_at < NOW
    recorded = session.scalars(
        sa.select(EscalationStep.step).where(EscalationStep.case_id == old.id)
    ).all()
    assert "reminder" in recorded and "overdue_parent" in recorded  # in the past: no mail
    assert "long_pending" not in recorded  # the step due now, left to the sweep
    assert old.escalation_level == 3
    assert schedule.next_action_at(session=session, case_id=old.id) <= NOW

    result = sweep(engine=engine, as_of=NOW)

    assert result.steps == 2  # one current step per case, not the whole ladder
    session.expire_all()
    assert session.get(Case, old.id).long_pending is True
    mails = session.scalars(sa.select(Notification)).all()
    assert mails and all(m.case_id == recent.id for m in mails)  # the old case mails nobody
    assert len(mails) == 1  # the head two levels up, by the step due now; no earlier step
    assert sweep(engine=engine, as_of=NOW).steps == 0


def test_imported_cases_carry_the_date_promised_to_the_citizen(engine, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    _import(engine, [
        _row(agency, "DANG", received_at="05/01/2026", status="accepted"),
        _row(agency, "XONG", received_at="05/01/2021", status="resolved",
             resolved_at="20/01/2021"),
        _row(agency, "MOI", received_at="05/01/2026", status="received"),
        {**_row(agency, "HS", received_at="05/01/2026", status="accepted"), "kind": "dossier"},
    ])  # fmt: skip
    running, done, fresh, dossier = (
        session.scalar(sa.select(Case).where(Case.source_ref == f"{ref}-000000"))
        for ref in ("DANG", "XONG", "MOI", "HS")
    )
    assert running.promised_at == running.due_at is not None  # the resolution deadline
    assert done.promised_at == done.resolved_due_at is not None
    assert fresh.promised_at is None  # not accepted yet: nothing promised (as the lifecycle)
    assert dossier.promised_at is not None and dossier.promised_at > dossier.received_at


def test_an_imported_denunciation_keeps_its_denouncer_confidential(engine, session):
    agency = make_agency(session, "UBND huyện Đại Từ")
    head = make_head(session, agency)
    officer = make_user(session, Role.officer, agency)
    _import(engine, [
        {**_row(agency, "TC", received_at="05/01/2026", status="accepted"),
         "kind": "denunciation"},
    ])  # fmt: skip
    case = session.scalar(sa.select(Case).where(Case.source_ref == "TC-000000"))
    assert case.kind == CaseKind.denunciation and case.citizen_name == "Nguyễn Thị Hoà"
    assert confidentiality.may_see_identity(session=session, case=case, viewer=head)
    assert not confidentiality.may_see_identity(session=session, case=case, viewer=officer)
    for viewer, expected in ((head, [case.id]), (officer, [])):  # the rule in SQL agrees
        visible = sa.select(Case.id).where(confidentiality.identity_visible(viewer))
        assert session.scalars(visible).all() == expected
    events = session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert all(confidentiality.mask_data(e.data) == e.data for e in events)  # no citizen in data
