"""What an inspection conclusion does to its case: the lifecycle's `conclude` action."""

from datetime import datetime

from sqlmodel import Session

from models import Case, InspectionConclusion, User
from workflows.cases import lifecycle


def apply_conclusion(
    *,
    session: Session,
    case: Case,
    conclusion: InspectionConclusion,
    actor: User,
    now: datetime,
    base_url: str,
    version: int | None = None,
) -> Case:
    """Close the case, or put it (back) under the directive's deadline and assignee.

    `version` is the case version the team saw (None: the loaded one)."""
    return lifecycle.apply(
        session=session,
        case=case,
        action="conclude",
        actor=actor,
        now=now,
        base_url=base_url,
        version=version,
        outcome=str(conclusion.outcome),
        text=conclusion.text,
        inspection_id=conclusion.inspection_id,
        responsible_user_id=conclusion.responsible_user_id,
        due_at=conclusion.due_at,
    )
