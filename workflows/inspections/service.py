"""Inspection teams: creation, membership, scope, conclusions per case, and measures.

An inspection (đoàn kiểm tra) looks at one agency, or at the agency and everything below
it. Only its members record what the meeting concluded; an inspector sees the agencies of
the inspections they belong to, and nothing else.
"""

from datetime import datetime

from sqlalchemy import CTE, select
from sqlmodel import Session

from core.errors import Conflict, Forbidden, Invalid, NotFound
from models import (
    Agency,
    Case,
    ConclusionCreate,
    ConclusionOutcome,
    Inspection,
    InspectionConclusion,
    InspectionCreate,
    InspectionMeasure,
    InspectionMember,
    InspectionPublic,
    MeasureCreate,
    Role,
    User,
)
from models.inspection import MemberPublic
from workflows.inspections import case_effects as inspection_cases
from workflows.inspections import jurisdiction
from workflows.org import agencies

# Who may carry out a directive: the heads and officers of the case's agency or above it.
RESPONSIBLE_ROLES = (Role.head, Role.officer)

CREATOR_ROLES = {Role.inspector, Role.admin}
# Heads also plan self-inspections of their own subtree (workflows/inspections/jurisdiction.py),
# through the API (the planning page is for inspectors and administrators).
PLANNER_ROLES = CREATOR_ROLES | {Role.head}


def get(*, session: Session, inspection_id: int) -> Inspection:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    return inspection


def create(*, session: Session, data: InspectionCreate, actor: User, now: datetime) -> Inspection:
    """A new inspection of an agency with its team; exactly one member leads it."""
    if actor.role not in PLANNER_ROLES:
        raise Forbidden("only inspectors, heads and administrators plan inspections")
    if session.get(Agency, data.agency_id) is None:
        raise Invalid(f"agency {data.agency_id} does not exist", code="insp.no_agency")
    member_ids = list(data.member_ids)
    if len(set(member_ids)) != len(member_ids):
        raise Invalid("a member is listed twice", code="insp.member_twice")
    jurisdiction.check_plan(session=session, data=data, actor=actor)
    leader_id = data.leader_id if data.leader_id is not None else member_ids[0]
    if leader_id not in member_ids:
        raise Invalid("the leader must be one of the members", code="insp.leader_not_member")
    found = set(
        session.scalars(select(User.id).where(User.id.in_(member_ids), User.is_active.is_(True)))
    )
    missing = [user_id for user_id in member_ids if user_id not in found]
    if missing:
        raise Invalid(
            f"no active user with id {', '.join(map(str, missing))}", code="insp.member_inactive"
        )

    inspection = Inspection.model_validate(
        data,
        update={"created_by_id": actor.id, "created_at": now},
    )
    session.add(inspection)
    session.flush()
    for user_id in member_ids:
        session.add(
            InspectionMember(
                inspection_id=inspection.id, user_id=user_id, is_leader=user_id == leader_id
            )
        )
    session.flush()
    return inspection


def is_member(*, session: Session, inspection: Inspection, user: User) -> bool:
    statement = select(InspectionMember.id).where(
        InspectionMember.inspection_id == inspection.id, InspectionMember.user_id == user.id
    )
    return session.scalar(statement) is not None


def require_member(*, session: Session, inspection: Inspection, user: User) -> None:
    """Only the team records conclusions and measures: 403 for an administrator (who reads
    it), 404 for anyone else, as for an inspection that does not exist (no probing of ids)."""
    if not is_member(session=session, inspection=inspection, user=user):
        if user.role != Role.admin:
            raise NotFound(f"inspection {inspection.id} not found")
        raise Forbidden("only members of this inspection team may do this", code="insp.not_member")


def require_reader(*, session: Session, inspection: Inspection, user: User) -> None:
    """The team and administrators read an inspection, its agenda and its report (404 for
    anyone else)."""
    if user.role != Role.admin:
        require_member(session=session, inspection=inspection, user=user)


def public(*, session: Session, inspection: Inspection) -> InspectionPublic:
    """The inspection with its agency name and its team, leader first."""
    rows = session.execute(
        select(InspectionMember.user_id, User.full_name, InspectionMember.is_leader)
        .join(User, User.id == InspectionMember.user_id)
        .where(InspectionMember.inspection_id == inspection.id)
        .order_by(InspectionMember.is_leader.desc(), InspectionMember.id)
    )
    agency = session.get(Agency, inspection.agency_id)
    return InspectionPublic.model_validate(
        inspection,
        update={
            "agency_name": agency.name,
            "members": [
                MemberPublic(user_id=u, full_name=n, is_leader=lead) for u, n, lead in rows
            ],
        },
    )


def list_for(*, session: Session, user: User) -> list[Inspection]:
    """Every inspection for an administrator; the ones they belong to for anyone else."""
    statement = select(Inspection).order_by(Inspection.meeting_at.desc(), Inspection.id.desc())
    if user.role != Role.admin:
        statement = statement.join(
            InspectionMember,
            (InspectionMember.inspection_id == Inspection.id)
            & (InspectionMember.user_id == user.id),
        )
    return list(session.scalars(statement))


def scope_cte(inspection: Inspection, name: str = "scope") -> CTE:
    """The ids of the agencies an inspection looks at: the target, and its subtree if set."""
    scope = select(Agency.id.label("id")).where(Agency.id == inspection.agency_id)
    if not inspection.include_subtree:
        return scope.cte(name)
    scope = scope.cte(name, recursive=True)
    return scope.union_all(select(Agency.id).where(Agency.parent_id == scope.c.id))


def scope_agency_ids(*, session: Session, inspection: Inspection) -> list[int]:
    scope = scope_cte(inspection)
    return list(session.scalars(select(scope.c.id)))


def _in_scope(*, session: Session, inspection: Inspection, agency_id: int | None) -> bool:
    if agency_id is None:
        return False
    scope = scope_cte(inspection)
    return session.scalar(select(scope.c.id).where(scope.c.id == agency_id)) is not None


def _chain(*, session: Session, agency_id: int) -> set[int]:
    """The agency and every agency above it: where a directive's responsible user works."""
    return {agency_id} | {a.id for a in agencies.ancestors(session=session, agency_id=agency_id)}


def conclude(
    *,
    session: Session,
    inspection: Inspection,
    data: ConclusionCreate,
    actor: User,
    now: datetime,
    base_url: str,
) -> InspectionConclusion:
    """Record the meeting's conclusion for one case and apply it to the case.

    `closed`: the case is closed with the conclusion as its reason. `directive`: the case is
    reopened or kept open under the new deadline, assigned to the responsible user, so it
    escalates like any other deadline until it is done. With `data.version`, a case changed
    since the caller read the agenda is a Conflict.
    """
    require_member(session=session, inspection=inspection, user=actor)
    case = session.scalar(select(Case).where(Case.id == data.case_id).with_for_update())
    if case is None:
        raise Invalid(f"case {data.case_id} does not exist", code="insp.no_case")
    if not _in_scope(session=session, inspection=inspection, agency_id=case.agency_id):
        # The id the caller sent, never the code of a case they may not see.
        raise Invalid(
            f"case {data.case_id} is not a case of the inspected agency",
            code="insp.case_out_of_scope",
        )
    already = session.scalar(
        select(InspectionConclusion.id).where(
            InspectionConclusion.inspection_id == inspection.id,
            InspectionConclusion.case_id == case.id,
        )
    )
    if already is not None:
        raise Conflict(
            f"case {case.code} was already concluded at this inspection",
            code="insp.already_concluded",
        )
    if data.outcome == ConclusionOutcome.directive:
        responsible = session.get(User, data.responsible_user_id)
        if (
            responsible is None
            or not responsible.is_active
            or responsible.role not in RESPONSIBLE_ROLES
            or responsible.agency_id not in _chain(session=session, agency_id=case.agency_id)
        ):
            raise Invalid(
                "the responsible user must be an active head or officer of the case's agency "
                "or of an agency above it",
                code="insp.responsible_invalid",
            )
        if data.due_at <= now:
            raise Invalid("the directive's deadline must be in the future", code="insp.due_past")

    conclusion = InspectionConclusion.model_validate(
        data.model_dump(exclude={"version"}),
        update={"inspection_id": inspection.id, "created_by_id": actor.id, "created_at": now},
    )
    session.add(conclusion)
    session.flush()
    inspection_cases.apply_conclusion(
        session=session,
        case=case,
        conclusion=conclusion,
        actor=actor,
        now=now,
        base_url=base_url,
        version=data.version,
    )
    session.flush()
    return conclusion


def add_measure(
    *, session: Session, inspection: Inspection, data: MeasureCreate, actor: User, now: datetime
) -> InspectionMeasure:
    """A measure against a unit or an official inside the inspected scope."""
    require_member(session=session, inspection=inspection, user=actor)
    target = data.target
    if target.agency_id is not None:
        agency_id = target.agency_id
        if session.get(Agency, agency_id) is None:
            raise Invalid(f"agency {agency_id} does not exist", code="insp.no_target")
    else:
        user = session.get(User, target.user_id)
        if user is None:
            raise Invalid(f"user {target.user_id} does not exist", code="insp.no_target")
        agency_id = user.agency_id
    if not _in_scope(session=session, inspection=inspection, agency_id=agency_id):
        raise Invalid(
            "a measure may only target units and officials of the inspected agency",
            code="insp.target_out_of_scope",
        )
    if data.due_at is not None and data.due_at <= now:
        raise Invalid("the due date must be in the future", code="insp.due_past")
    measure = InspectionMeasure(
        inspection_id=inspection.id,
        target_agency_id=target.agency_id,
        target_user_id=target.user_id,
        measure=data.measure,
        text=data.text,
        due_at=data.due_at,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(measure)
    session.flush()
    return measure


def complete_measure(
    *, session: Session, inspection: Inspection, measure_id: int, actor: User, now: datetime
) -> InspectionMeasure:
    """Mark a measure carried out (the explanation report arrived, the review was held)."""
    require_member(session=session, inspection=inspection, user=actor)
    measure = session.get(InspectionMeasure, measure_id)
    if measure is None or measure.inspection_id != inspection.id:
        raise NotFound(f"measure {measure_id} not found in this inspection")
    if measure.done_at is not None:
        raise Conflict("this measure is already marked done", code="insp.measure_done")
    measure.done_at = now
    session.add(measure)
    session.flush()
    return measure
