"""Where an inspection may be planned, and who may sit on its team.

An inspector plans inside their jurisdiction: the agency an administrator set on them, or
by default the province (the top of the tree) their agency belongs to. A head plans only a
self-inspection of their own agency and those below it. The team comes from the same
agencies (or is made of inspectors of the same jurisdiction, and administrators), so nobody
widens their own access, or a colleague's, by planning an inspection.
"""

from sqlalchemy import select
from sqlmodel import Session

from core.errors import Forbidden
from models import InspectionCreate, InspectionKind, Role, User
from workflows.org import agencies


def root_of(*, session: Session, user: User) -> int | None:
    """The agency whose subtree the user may plan in; None for an administrator (anywhere),
    and None for anyone else without an agency (nowhere)."""
    if user.role == Role.admin:
        return None
    if user.role == Role.head:
        return user.agency_id
    if user.jurisdiction_agency_id is not None:
        return user.jurisdiction_agency_id
    if user.agency_id is None:
        return None
    chain = agencies.ancestors(session=session, agency_id=user.agency_id)
    return chain[-1].id if chain else user.agency_id


def check_plan(*, session: Session, data: InspectionCreate, actor: User) -> None:
    """Refuse (Forbidden, nothing written) a plan outside the actor's jurisdiction."""
    if actor.role == Role.admin:
        return
    if actor.role == Role.head and data.kind != InspectionKind.self_inspection:
        raise Forbidden(
            "a head plans only self-inspections of their own agency", code="insp.head_self_only"
        )
    root = root_of(session=session, user=actor)
    if root is None:
        raise Forbidden("you have no jurisdiction to plan in", code="insp.no_jurisdiction")
    allowed = set(agencies.subtree_ids(session=session, agency_id=root))
    if data.agency_id not in allowed:
        raise Forbidden(
            "this agency lies outside your jurisdiction", code="insp.outside_jurisdiction"
        )
    members = session.scalars(select(User).where(User.id.in_(data.member_ids))).all()
    for member in members:
        if not _may_join(session=session, member=member, allowed=allowed, root=root):
            raise Forbidden(
                f"user {member.id} works outside your jurisdiction",
                code="insp.member_outside_jurisdiction",
            )


def _may_join(*, session: Session, member: User, allowed: set[int], root: int) -> bool:
    if member.role == Role.admin:
        return True
    if member.role == Role.inspector:
        return root_of(session=session, user=member) == root or member.agency_id in allowed
    return member.agency_id in allowed
