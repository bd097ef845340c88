"""Who may see a denouncer's identity (DESIGN.md "Access", Luật Tố cáo 2018 Art. 47).

The one check for this branch's features (a denunciation's files, the citizen's history):
the case's assignee, the head of the agency resolving it, and administrators.
"""

from sqlmodel import Session

from models import Agency, Case, CaseKind, Role, User


def may_see_denouncer_identity(*, session: Session, case: Case, user: User) -> bool:
    """Whether `user` may see who filed `case`: always for the other kinds of case."""
    if case.kind != CaseKind.denunciation or user.role == Role.admin:
        return True
    if case.assignee_id is not None and case.assignee_id == user.id:
        return True
    agency = session.get(Agency, case.agency_id)
    return agency is not None and agency.head_user_id == user.id
