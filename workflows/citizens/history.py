"""A citizen's earlier cases, found by phone number or CCCD, for the desk staff.

Scoped like every list (the reader's agencies), and a denunciation appears only to those who
may see its denouncer (`workflows.cases.confidentiality`, the one rule, applied in SQL): a
search by a person's phone or CCCD must not tell anyone else that this person denounced
someone. The caller records the showing (`confidentiality.reveal`).
"""

import re

from sqlmodel import Session, or_, select

from core.errors import Forbidden, Invalid
from models import Case, Role, User
from models.citizen_id import id_number_problem
from workflows.cases.access import visible_agency_ids
from workflows.cases.confidentiality import identity_visible

DESK_ROLES = (Role.clerk, Role.officer, Role.head, Role.admin)
MIN_PHONE_DIGITS = 6


def citizen_history(
    *, session: Session, user: User, phone: str = "", id_number: str = "", limit: int = 200
) -> list[Case]:
    """The cases of the citizen with this phone number or CCCD, newest first."""
    if user.role not in DESK_ROLES:
        raise Forbidden("the citizen's history is for the desk staff", code="citizens.not_allowed")
    digits = re.sub(r"\D", "", phone)
    same = []
    if phone.strip():
        if len(digits) < MIN_PHONE_DIGITS:
            raise Invalid(
                f"a phone number has at least {MIN_PHONE_DIGITS} digits",
                code="citizens.phone_short",
            )
        same.append(Case.phone_digits == digits)
    if id_number.strip():
        problem = id_number_problem(id_number.strip())
        if problem:
            raise Invalid(problem, code="citizens.id_invalid")
        same.append(Case.citizen_id_number == id_number.strip())
    if not same:
        raise Invalid(
            "give the citizen's phone number or CCCD number", code="citizens.nothing_given"
        )
    statement = select(Case).where(or_(*same), identity_visible(user))
    scope = visible_agency_ids(session=session, user=user)
    if scope is not None:
        statement = statement.where(Case.agency_id.in_(scope or [-1]))
    statement = statement.order_by(Case.received_at.desc(), Case.id.desc()).limit(limit)
    return list(session.exec(statement))
