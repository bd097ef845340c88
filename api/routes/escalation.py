"""The escalation actions a person takes: an agency head acknowledges an escalation."""

from fastapi import APIRouter
from sqlmodel import SQLModel

from api.deps import CurrentCase, CurrentUser, Now, SessionDep
from core.errors import Conflict
from models import CasePublic
from models.base import Id
from workflows.cases import intake
from workflows.escalation import sweep as escalation

router = APIRouter(prefix="/cases", tags=["escalation"])


class AcknowledgeBody(SQLModel):
    version: Id | None = None


@router.post("/{case_id}/actions/acknowledge")
def acknowledge(
    case: CurrentCase, body: AcknowledgeBody, session: SessionDep, user: CurrentUser, now: Now
) -> CasePublic:
    """The agency head takes the escalation on: higher steps wait for the grace period."""
    if body.version is not None and body.version != case.version:
        raise Conflict("the case was changed by someone else; reload it")
    case = escalation.acknowledge(session=session, case=case, actor=user, now=now)
    session.commit()
    return intake.to_public(case, now=now)
