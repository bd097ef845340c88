"""The head's acknowledgement of an escalation ("đã nắm và chỉ đạo") on the pages: the form
on the case page, the escalated cases on the head's queue, the POST that records it.

The rules are the escalation sweep's (`workflows/escalation/sweep.py`,
`acknowledgement_refusal`): the form shows only when they let the head acknowledge now.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from api.deps import Now, SessionDep, SettingsDep
from api.pages import forms
from api.pages.web import PageCase, page_roles, redirect
from models import Case, Role, User
from models.base import Id
from workflows.cases import access
from workflows.deadlines.overdue import running_condition
from workflows.escalation import acknowledgement as escalation

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
FORM = "acknowledge"
HeadUser = Annotated[User, Depends(page_roles(Role.head))]
QUEUE_LIMIT = 50


class AcknowledgeForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: Id
    instruction: str | None = Field(default=None, max_length=2000)


def state(*, session: Session, case: Case, user: User, now: datetime) -> dict | None:
    """What the case page shows of the escalation: nothing before one; the form when this
    user may acknowledge it now; else who acknowledged it, when, and until when it waits."""
    if case.escalation_level < 1 and user.role != Role.head:
        return None
    latest = escalation.latest_escalation(session=session, case=case)
    if latest is None:
        return None
    refusal = None
    if user.role == Role.head:
        refusal = escalation.acknowledgement_refusal(
            session=session, case=case, actor=user, now=now
        )
    by = session.get(User, latest.acknowledged_by_id) if latest.acknowledged_by_id else None
    return {
        "offered": user.role == Role.head and refusal is None,
        "level": latest.level,
        "acknowledged_at": latest.acknowledged_at,
        "acknowledged_by": by.full_name if by else None,
        "grace_until": latest.grace_until,
    }


def awaiting(*, session: Session, user: User, now: datetime) -> list[Case]:
    """The escalated running cases of the head's agencies that wait for the head's
    acknowledgement, the most escalated and oldest deadline first."""
    if user.role != Role.head:
        return []
    scope = access.visible_agency_ids(session=session, user=user)
    stmt = (
        select(Case)
        .where(running_condition(), Case.escalation_level >= 1)
        .order_by(Case.escalation_level.desc(), Case.due_at, Case.id)
        .limit(QUEUE_LIMIT)
    )
    if scope is not None:
        stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
    return [
        case
        for case in session.exec(stmt)
        if escalation.acknowledgement_refusal(session=session, case=case, actor=user, now=now)
        is None
    ]


@router.post(f"/cases/{{case_id}}/act/{FORM}")
@forms.show_on_error("/cases/{case_id}", form=FORM)
def acknowledge(
    session: SessionDep,
    settings: SettingsDep,
    case: PageCase,  # before the role: a case outside the reader's scope is a 404 to anyone
    user: HeadUser,
    now: Now,
    form: Annotated[AcknowledgeForm, Form()],
):
    escalation.acknowledge(
        session=session,
        case=case,
        actor=user,
        now=now,
        instruction=form.instruction,
        version=form.version,
        base_url=settings.base_url,
    )
    session.commit()
    return redirect(f"/cases/{case.id}?done=escalation_acknowledged")
