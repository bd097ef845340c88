"""Who may read which cases: the one access rule of DESIGN.md "Access"."""

from sqlalchemy import select, true
from sqlmodel import Session

from core.errors import NotFound
from models import Agency, Case, Inspection, InspectionMember, Role, User
from workflows.org import agencies


def visible_agency_ids(*, session: Session, user: User) -> list[int] | None:
    """The agencies whose cases `user` may read; None means every agency (admin).

    The one rule of DESIGN.md "Access", for cases, lists, reports and dashboards: an officer
    or clerk their agency, a head the agency and everything below it, an inspector the
    agencies of the inspections they sit on.
    """
    if user.role == Role.admin:
        return None
    if user.role == Role.inspector:
        return inspector_agency_ids(session=session, user=user)
    if user.agency_id is None:
        return []
    if user.role == Role.head:
        return agencies.subtree_ids(session=session, agency_id=user.agency_id)
    return [user.agency_id]


def inspector_agency_ids(*, session: Session, user: User) -> list[int]:
    """The agencies an inspector may see: those of the inspections they are a member of,
    with the subtree where the inspection includes it (one recursive query)."""
    roots = (
        select(Inspection.agency_id.label("id"), Inspection.include_subtree.label("deep"))
        .join(InspectionMember, InspectionMember.inspection_id == Inspection.id)
        .where(InspectionMember.user_id == user.id)
        .cte("visible", recursive=True)
    )
    roots = roots.union_all(
        select(Agency.id, true()).where(Agency.parent_id == roots.c.id, roots.c.deep)
    )
    return sorted(set(session.scalars(select(roots.c.id))))


def find_for_citizen(*, session: Session, code: str, phone_last4: str) -> Case:
    """The case a citizen looks up by its tracking code and the last four digits of the
    phone they gave; NotFound alike for a wrong code or wrong digits."""
    case = session.scalars(select(Case).where(Case.code == code)).first()
    digits = (case.phone_digits or "") if case else ""
    if case is None or len(digits) < 4 or digits[-4:] != phone_last4:
        raise NotFound("no case with this code and these digits", code="lookup.not_found")
    return case


def get_visible(*, session: Session, case_id: int, user: User) -> Case:
    """The case if `user` may see it; NotFound otherwise (no hint that it exists)."""
    case = session.get(Case, case_id)
    scope = visible_agency_ids(session=session, user=user)
    if case is None or (scope is not None and case.agency_id not in scope):
        raise NotFound(f"case {case_id} not found")
    return case
