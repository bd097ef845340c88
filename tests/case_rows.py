"""Cases written directly as rows, in any state and with any deadline, scheduled for the sweep as
the lifecycle would (tests/case_factories.py registers cases through the real intake)."""

import itertools
from datetime import datetime, timedelta

from sqlmodel import Session

from models import Agency, Case, CaseKind, CaseStatus, Channel, User
from workflows.deadlines import policies
from workflows.deadlines.dates import local_date
from workflows.escalation.sweep import reschedule

_codes = itertools.count(1)


def make_case(
    session: Session,
    agency: Agency,
    *,
    due_at: datetime,
    now: datetime,
    kind: CaseKind | str = CaseKind.complaint,
    status: CaseStatus | str = CaseStatus.accepted,
    assignee: User | None = None,
    received_at: datetime | None = None,
    code: str | None = None,
    **fields,
) -> Case:
    """An open case with its deadline, scheduled for the sweep as the lifecycle would."""
    n = next(_codes)
    received_at = received_at or due_at - timedelta(days=30)
    fields.setdefault("policy_version", policy_version(kind, received_at))
    case = Case(
        code=code or f"TEST-{n:06d}",
        kind=CaseKind(kind),
        status=CaseStatus(status),
        title=f"Đơn khiếu nại số {n}",
        channel=Channel.in_person,
        citizen_name="Nguyễn Văn A",
        agency_id=agency.id,
        assignee_id=assignee.id if assignee else None,
        received_at=received_at,
        due_at=due_at,
        updated_at=now,
        **fields,
    )
    session.add(case)
    session.flush()
    reschedule(session=session, case=case, now=now)
    session.add(case)
    session.commit()
    return case


def policy_version(kind: CaseKind | str, received_at: datetime) -> str:
    """The deadline policy a case of `kind` received at `received_at` would carry."""
    return policies.default().in_force(CaseKind(kind), local_date(received_at)).version
