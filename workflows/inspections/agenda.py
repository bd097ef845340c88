"""The agenda of an inspection meeting: the target's open cases, longest pending first."""

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import OPEN_STATUSES, Agency, Case, Inspection, InspectionConclusion, User
from models.inspection_reports import Agenda, AgendaItem
from workflows.cases import confidentiality
from workflows.cases.confidentiality import hidden
from workflows.deadlines import overdue
from workflows.inspections.service import scope_cte


def agenda(
    *, session: Session, inspection: Inspection, now: datetime, viewer: User | None = None
) -> Agenda:
    """Every open case of the inspected scope with how long it has been pending and overdue,
    its transfers and escalation level (one query). A denouncer is named only where `viewer`
    may see them (the showing is recorded; the caller commits)."""
    scope = scope_cte(inspection)
    assignee = aliased(User)
    concluded = aliased(InspectionConclusion)
    rows = session.execute(
        select(Case, Agency.name, assignee.full_name, concluded.outcome)
        .join(scope, scope.c.id == Case.agency_id)
        .join(Agency, Agency.id == Case.agency_id)
        .outerjoin(assignee, assignee.id == Case.assignee_id)
        .outerjoin(
            concluded,
            and_(concluded.case_id == Case.id, concluded.inspection_id == inspection.id),
        )
        .where(Case.status.in_(OPEN_STATUSES))
        .order_by(Case.received_at, Case.id)
    )
    rows = list(rows)
    shown = confidentiality.reveal(
        session=session, cases=[row[0] for row in rows], viewer=viewer, now=now, where="agenda"
    )
    items = [
        _item(case, agency_name, assignee_name, outcome, now, shown)
        for case, agency_name, assignee_name, outcome in rows
    ]
    target = session.get(Agency, inspection.agency_id)
    return Agenda(
        inspection_id=inspection.id,
        title=inspection.title,
        legal_basis=inspection.legal_basis,
        agency_name=target.name,
        meeting_at=inspection.meeting_at,
        as_of=now,
        items=items,
    )


def _item(case: Case, agency_name: str, assignee_name, outcome, now, shown) -> AgendaItem:
    late = (now - case.due_at).days if overdue.is_overdue(case=case, now=now) else 0
    return AgendaItem(
        case_id=case.id,
        code=case.code,
        title=case.title,
        kind=case.kind,
        status=case.status,
        agency_id=case.agency_id,
        agency_name=agency_name,
        citizen_name=confidentiality.HIDDEN_BOTH if hidden(case, shown) else case.citizen_name,
        assignee_id=case.assignee_id,
        assignee_name=assignee_name,
        received_at=case.received_at,
        due_at=case.due_at,
        days_pending=max((now - case.received_at).days, 0),
        days_overdue=late,
        transfer_count=case.transfer_count,
        escalation_level=case.escalation_level,
        ping_pong=case.ping_pong,
        long_pending=case.long_pending,
        version=case.version,
        concluded=outcome,
    )


CSV_HEADER = [
    "STT / No.",
    "Mã hồ sơ / Code",
    "Nội dung / Title",
    "Công dân / Citizen",
    "Cơ quan / Agency",
    "Người xử lý / Assignee",
    "Ngày nhận / Received",
    "Hạn xử lý / Due",
    "Số ngày tồn đọng / Days pending",
    "Số ngày quá hạn / Days overdue",
    "Số lần chuyển / Transfers",
    "Mức đôn đốc / Escalation level",
    "Kết luận / Concluded",
]


def csv_rows(agenda_: Agenda, local_date) -> list[list[str]]:
    """The agenda as rows of text; `local_date` formats an instant as a local date."""
    rows = []
    for number, item in enumerate(agenda_.items, start=1):
        rows.append(
            [
                str(number),
                item.code,
                item.title,
                item.citizen_name,
                item.agency_name,
                item.assignee_name or "",
                local_date(item.received_at),
                local_date(item.due_at) if item.due_at else "",
                str(item.days_pending),
                str(item.days_overdue),
                str(item.transfer_count),
                str(item.escalation_level),
                item.concluded or "",
            ]
        )
    return rows
