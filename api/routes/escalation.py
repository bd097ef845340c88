"""The escalation actions a person takes: an agency head acknowledges an escalation."""

from fastapi import APIRouter
from sqlmodel import SQLModel

from api.deps import CurrentUser, Now, SessionDep
from models import Case, CasePublic, Citizen
from models.base import Id
from workflows import escalation
from workflows.errors import Conflict, NotFound

router = APIRouter(prefix="/cases", tags=["escalation"])


class AcknowledgeBody(SQLModel):
    version: Id | None = None


def _public(case: Case, now) -> CasePublic:
    citizen = Citizen(
        name=case.citizen_name,
        phone=case.citizen_phone,
        email=case.citizen_email,
        address=case.citizen_address,
        id_number=case.citizen_id_number,
    )
    overdue = case.due_at is not None and now > case.due_at and case.status in escalation.RUNNING
    return CasePublic.model_validate({**case.model_dump(), "citizen": citizen, "overdue": overdue})


@router.post("/{case_id}/actions/acknowledge")
def acknowledge(
    case_id: Id, body: AcknowledgeBody, session: SessionDep, user: CurrentUser, now: Now
) -> CasePublic:
    """The agency head takes the escalation on: higher steps wait for the grace period."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    if body.version is not None and body.version != case.version:
        raise Conflict("the case was changed by someone else; reload it")
    case = escalation.acknowledge(session=session, case=case, actor=user, now=now)
    session.commit()
    return _public(case, now)
