"""The escalation actions a person takes: an agency head acknowledges an escalation."""

from fastapi import APIRouter
from sqlmodel import SQLModel

from api.deps import CurrentCase, CurrentUser, Now, SessionDep
from models import CasePublic
from models.base import Id
from workflows import cases, escalation
from workflows.errors import Conflict

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
    return cases.to_public(case, now=now)
