"""What an inspection conclusion does to its case: the `conclude` transition.

Interim: until workflows/lifecycle.py lands on main, the `conclude` row of the lifecycle
table is applied here (any open state, or resolved → closed; any open, resolved or closed
state → accepted with the directive's deadline). Once the lifecycle is merged, this module
calls its `conclude` action and assigns no status itself.
"""

from datetime import datetime

from sqlmodel import Session

from models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    ConclusionOutcome,
    InspectionConclusion,
    User,
)
from workflows import escalation
from workflows.errors import Invalid

_CLOSABLE = (*OPEN_STATUSES, CaseStatus.resolved)
_DIRECTABLE = (*OPEN_STATUSES, CaseStatus.resolved, CaseStatus.closed)


def apply_conclusion(
    *,
    session: Session,
    case: Case,
    conclusion: InspectionConclusion,
    actor: User,
    now: datetime,
) -> Case:
    """Close the case, or put it (back) under the directive's deadline and assignee."""
    before = case.status
    if conclusion.outcome == ConclusionOutcome.closed:
        if case.status not in _CLOSABLE:
            raise Invalid(f"a {case.status} case cannot be closed by a conclusion")
        case.status = CaseStatus.closed
        case.closed_at = now
    else:
        if case.status not in _DIRECTABLE:
            raise Invalid(f"a {case.status} case cannot be given a directive")
        case.status = CaseStatus.accepted
        case.accepted_at = case.accepted_at or now
        case.closed_at = None
        case.paused_at = None
        case.due_at = conclusion.due_at
        case.assignee_id = conclusion.responsible_user_id
    case.version += 1
    case.updated_at = now
    escalation.reschedule(session=session, case=case, now=now)
    session.add(case)
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor_id=actor.id,
            action="conclude",
            from_status=before,
            to_status=case.status,
            agency_id=case.agency_id,
            data={
                "inspection_id": conclusion.inspection_id,
                "conclusion_id": conclusion.id,
                "outcome": conclusion.outcome,
                "reason": conclusion.text,
                "responsible_user_id": conclusion.responsible_user_id,
                "due_at": conclusion.due_at.isoformat() if conclusion.due_at else None,
            },
        )
    )
    return case
