"""Cases written directly as rows (the intake API is built elsewhere)."""

import itertools
from datetime import datetime, timedelta

from sqlmodel import Session

from models import Agency, Case, CaseKind, CaseStatus, Channel, User
from workflows.escalation import reschedule

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
    case = Case(
        code=code or f"TEST-{n:06d}",
        kind=CaseKind(kind),
        status=CaseStatus(status),
        title=f"Đơn khiếu nại số {n}",
        channel=Channel.in_person,
        citizen_name="Nguyễn Văn A",
        agency_id=agency.id,
        assignee_id=assignee.id if assignee else None,
        received_at=received_at or due_at - timedelta(days=30),
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
