"""Agency reorganisation: an agency dissolved into a successor (e.g. districts, 01/07/2025)."""

from datetime import datetime

from sqlmodel import Session, select

from core.errors import Invalid
from models import OPEN_STATUSES, Agency, Case, User
from workflows.cases import lifecycle
from workflows.org import agencies

REASON_VI = "Cơ quan {old} giải thể; hồ sơ chuyển sang cơ quan kế nhiệm {new}"


def dissolve(
    *,
    session: Session,
    agency: Agency,
    successor_id: int,
    actor: User | None,
    now: datetime,
    base_url: str,
) -> list[Case]:
    """Mark `agency` dissolved and move its open cases to the successor, one event each.

    The old agency stays readable (its history and closed cases keep pointing to it).
    """
    if agency.dissolved_at is not None:
        raise Invalid(f"agency {agency.id} was already dissolved")
    successor = session.get(Agency, successor_id)
    if successor is None or successor.dissolved_at is not None or successor.id == agency.id:
        raise Invalid("the successor must be another agency that still exists")
    if successor.id in agencies.subtree_ids(session=session, agency_id=agency.id):
        raise Invalid("the successor cannot lie below the dissolved agency")
    agency.dissolved_at, agency.successor_id = now, successor.id
    session.add(agency)
    for child in session.exec(select(Agency).where(Agency.parent_id == agency.id)):
        child.parent_id = successor.id
        session.add(child)
    moved = list(
        session.exec(
            select(Case)
            .where(Case.agency_id == agency.id, Case.status.in_(OPEN_STATUSES))
            .order_by(Case.id)
        )
    )
    reason = REASON_VI.format(old=agency.name, new=successor.name)
    for case in moved:
        lifecycle.apply(
            session=session,
            case=case,
            action="reorganise",
            actor=actor,
            now=now,
            base_url=base_url,
            agency_id=successor.id,
            reason=reason,
        )
    session.flush()
    return moved
