"""Agency reorganisation: an agency dissolved into a successor as of an effective date (the
districts abolished on 01/07/2025), and one case re-routed after it.

A reorganisation is not a transfer (LEGAL.md "Agencies"): the case did not go to a more
competent body, the body itself changed. So the moved case keeps its clock and its
`transfer_count`; its event (`reorganise`) says why. Staff of the dissolved agency move to
the successor with their roles; the successor keeps its own head, or takes the dissolved
agency's head when it has none. The agencies below go to the successor, or to another agency
the administrator names (the dissolved district's province, in the 2025 reform).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from core.errors import Forbidden, Invalid
from models import OPEN_STATUSES, Agency, Case, CaseEvent, Role, User
from workflows.cases import lifecycle
from workflows.deadlines.dates import local_date
from workflows.org import agencies

REASON_VI = "{old} giải thể từ ngày {day}; hồ sơ chuyển sang cơ quan kế nhiệm {new}"


@dataclass
class Dissolution:
    agency: Agency
    successor: Agency
    moved_case_ids: list[int] = field(default_factory=list)
    moved_user_ids: list[int] = field(default_factory=list)
    moved_agency_ids: list[int] = field(default_factory=list)


def _open_agency(session: Session, agency_id: int | None, what: str) -> Agency:
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None or agency.dissolved_at is not None:
        raise Invalid(
            f"the {what} must be an agency that exists and was not dissolved",
            code="reorg.not_open",
        )
    return agency


def dissolve(
    *,
    session: Session,
    agency: Agency,
    successor_id: int,
    effective_at: datetime,
    actor: User | None,
    now: datetime,
    base_url: str,
    basis: str | None = None,
    children_parent_id: int | None = None,
) -> Dissolution:
    """Dissolve `agency` as of `effective_at` (not later than `now`): its open cases, its
    staff and the agencies below it move (see the module doc), one `reorganise` event per case.

    The old agency stays readable: its history and closed cases keep pointing to it.
    """
    if effective_at.tzinfo is None:
        raise Invalid("the effective date must carry a timezone")
    if effective_at > now:
        raise Invalid(
            "a dissolution is recorded on or after the day it takes effect", code="reorg.future"
        )
    if agency.dissolved_at is not None:
        raise Invalid(f"agency {agency.id} was already dissolved", code="reorg.dissolved")
    successor = _open_agency(session, successor_id, "successor")
    below = agencies.subtree_ids(session=session, agency_id=agency.id)
    if successor.id in below:
        raise Invalid(
            "the successor must be another agency, not below the dissolved one",
            code="reorg.below",
        )
    new_parent = successor
    if children_parent_id is not None:
        new_parent = _open_agency(session, children_parent_id, "new parent of the agencies below")
        if new_parent.id in below:
            raise Invalid(
                "the agencies below cannot move under the dissolved agency's subtree",
                code="reorg.below",
            )
    result = Dissolution(agency=agency, successor=successor)
    agency.dissolved_at, agency.successor_id = effective_at, successor.id
    session.add(agency)
    for child in session.exec(select(Agency).where(Agency.parent_id == agency.id)):
        child.parent_id = new_parent.id
        session.add(child)
        result.moved_agency_ids.append(child.id)
    for user in session.exec(select(User).where(User.agency_id == agency.id).order_by(User.id)):
        user.agency_id = successor.id
        session.add(user)
        result.moved_user_ids.append(user.id)
    # An inspector whose jurisdiction was the dissolved agency now covers its successor.
    for user in session.exec(select(User).where(User.jurisdiction_agency_id == agency.id)):
        user.jurisdiction_agency_id = successor.id
        session.add(user)
    if successor.head_user_id is None and agency.head_user_id is not None:
        successor.head_user_id = agency.head_user_id
        session.add(successor)
    session.flush()
    day = local_date(effective_at)
    reason = REASON_VI.format(old=agency.name, day=f"{day:%d/%m/%Y}", new=successor.name)
    if basis:
        reason = f"{reason} ({basis})"
    cases = session.exec(
        select(Case)
        .where(Case.agency_id == agency.id, Case.status.in_(OPEN_STATUSES))
        .order_by(Case.id)
    )
    for case in list(cases):
        lifecycle.apply(
            session=session,
            case=case,
            action="reorganise",
            actor=actor,
            now=now,
            base_url=base_url,
            agency_id=successor.id,
            reason=reason,
            effective_on=day.isoformat(),
        )
        result.moved_case_ids.append(case.id)
    session.flush()
    return result


def came_by_reorganisation(*, session: Session, case: Case) -> bool:
    """Whether `case` was moved by a reorganisation (only such a case may be re-routed)."""
    first = session.scalar(
        select(CaseEvent.id)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == "reorganise")
        .limit(1)
    )
    return first is not None


def reroute(
    *,
    session: Session,
    case: Case,
    agency_id: int,
    reason: str,
    actor: User,
    now: datetime,
    version: int,
    base_url: str,
) -> Case:
    """Send one case moved by a reorganisation on to the right successor (a district split
    into several communes): not a transfer. An administrator, or a head whose agencies hold
    both the case and the target; anything else is a transfer."""
    if actor.role not in (Role.admin, Role.head):
        raise Forbidden(
            "only an administrator or a head re-routes a case", code="reorg.reroute_not_allowed"
        )
    if not came_by_reorganisation(session=session, case=case):
        raise Invalid(
            "only a case moved by a reorganisation can be re-routed; otherwise transfer it",
            code="reorg.not_moved",
        )
    if actor.role == Role.head:
        mine = agencies.subtree_ids(session=session, agency_id=actor.agency_id or -1)
        if agency_id not in mine:
            raise Forbidden(
                "a head re-routes only to the agencies they head; transfer instead",
                code="reorg.reroute_not_allowed",
            )
    return lifecycle.apply(
        session=session,
        case=case,
        action="reorganise",
        actor=actor,
        now=now,
        base_url=base_url,
        version=version,
        agency_id=agency_id,
        reason=reason,
    )
