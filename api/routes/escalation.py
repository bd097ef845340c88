"""The escalation actions a person takes: an agency head acknowledges an escalation."""

from fastapi import APIRouter
from sqlmodel import Field, SQLModel

from api.deps import CurrentCase, CurrentUser, Now, SessionDep, SettingsDep
from models import CasePublic
from models.base import Id
from workflows.cases import intake
from workflows.escalation import acknowledgement as escalation

router = APIRouter(prefix="/cases", tags=["escalation"])


class AcknowledgeBody(SQLModel):
    version: Id | None = None
    # What the head tells the officer in charge: on the case's event, and mailed to them.
    instruction: str | None = Field(default=None, max_length=2000)


@router.post("/{case_id}/actions/acknowledge")
def acknowledge(
    case: CurrentCase,
    body: AcknowledgeBody,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: Now,
) -> CasePublic:
    """The agency head takes the escalation on ("đã nắm và chỉ đạo"): higher steps wait for
    the grace period; an optional instruction goes to the officer in charge."""
    case = escalation.acknowledge(
        session=session,
        case=case,
        actor=user,
        now=now,
        instruction=body.instruction,
        version=body.version,
        base_url=settings.base_url,
    )
    session.commit()
    return intake.to_public(case, now=now)
