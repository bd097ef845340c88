"""Read models for the inspection pages: the list of inspections, what a meeting recorded
(conclusions, measures), and the people and units its forms may name."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Agency,
    Case,
    Inspection,
    InspectionConclusion,
    InspectionMeasure,
    InspectionMember,
    Role,
    User,
)
from workflows.inspections.service import RESPONSIBLE_ROLES, scope_cte

# Who may be given a directive: the people who can act on a case (lifecycle STAFF roles).
# Who the planning form offers as team members (any active user is accepted by the domain).
TEAM_ROLES = (Role.inspector, Role.head, Role.admin)


@dataclass(frozen=True)
class InspectionRow:
    inspection: Inspection
    agency_name: str
    leader_name: str | None
    is_member: bool


@dataclass(frozen=True)
class ConclusionRow:
    conclusion: InspectionConclusion
    code: str
    title: str
    agency_name: str
    responsible_name: str | None
    author_name: str


@dataclass(frozen=True)
class MeasureRow:
    measure: InspectionMeasure
    target_name: str
    target_agency_name: str | None  # an official's agency
    overdue: bool


def listing(*, session: Session, user: User) -> list[InspectionRow]:
    """Every inspection for an administrator, the user's own otherwise; latest meeting first,
    with the target's name and the leader (one query)."""
    leader_link = aliased(InspectionMember)
    leader = aliased(User)
    mine = aliased(InspectionMember)
    statement = (
        select(Inspection, Agency.name, leader.full_name, mine.id)
        .join(Agency, Agency.id == Inspection.agency_id)
        .outerjoin(
            leader_link,
            (leader_link.inspection_id == Inspection.id) & leader_link.is_leader.is_(True),
        )
        .outerjoin(leader, leader.id == leader_link.user_id)
        .outerjoin(mine, (mine.inspection_id == Inspection.id) & (mine.user_id == user.id))
        .order_by(Inspection.meeting_at.desc(), Inspection.id.desc())
    )
    if user.role != Role.admin:
        statement = statement.where(mine.id.is_not(None))
    return [
        InspectionRow(inspection, agency, leader_name, member_id is not None)
        for inspection, agency, leader_name, member_id in session.execute(statement)
    ]


def conclusions(*, session: Session, inspection: Inspection) -> list[ConclusionRow]:
    """What the meeting concluded, in the order it was recorded."""
    responsible = aliased(User)
    author = aliased(User)
    C = InspectionConclusion
    rows = session.execute(
        select(C, Case.code, Case.title, Agency.name, responsible.full_name, author.full_name)
        .join(Case, Case.id == C.case_id)
        .join(Agency, Agency.id == Case.agency_id)
        .outerjoin(responsible, responsible.id == C.responsible_user_id)
        .join(author, author.id == C.created_by_id)
        .where(C.inspection_id == inspection.id)
        .order_by(C.created_at, C.id)
    )
    return [ConclusionRow(*row) for row in rows]


def measures(*, session: Session, inspection: Inspection, now: datetime) -> list[MeasureRow]:
    """The measures recorded, in order, with the unit or official they target."""
    M = InspectionMeasure
    unit = aliased(Agency)
    official = aliased(User)
    official_agency = aliased(Agency)
    rows = session.execute(
        select(M, unit.name, official.full_name, official_agency.name)
        .outerjoin(unit, unit.id == M.target_agency_id)
        .outerjoin(official, official.id == M.target_user_id)
        .outerjoin(official_agency, official_agency.id == official.agency_id)
        .where(M.inspection_id == inspection.id)
        .order_by(M.created_at, M.id)
    )
    return [
        MeasureRow(
            measure=m,
            target_name=unit_name or official_name or "",
            target_agency_name=agency_name if m.target_user_id is not None else None,
            overdue=m.done_at is None and m.due_at is not None and m.due_at < now,
        )
        for m, unit_name, official_name, agency_name in rows
    ]


def responsible_choices(
    *, session: Session, agency_ids: Iterable[int]
) -> dict[int, list[tuple[str, list[User]]]]:
    """For each agency: its active heads and officers and those of its parents, grouped by
    agency (nearest first, head first within one) — whom a directive on one of its cases
    may go to: exactly whom workflows.inspections.service.conclude accepts."""
    # (id, parent, name) rows: the chains need no ORM object of every agency of the country.
    tree = {a.id: a for a in session.execute(select(Agency.id, Agency.parent_id, Agency.name))}
    chains: dict[int, list[int]] = {}
    for agency_id in set(agency_ids):
        chain, current = [], agency_id
        while current is not None and current in tree and current not in chain:
            chain.append(current)
            current = tree[current].parent_id
        chains[agency_id] = chain
    wanted = {a for chain in chains.values() for a in chain}
    people: dict[int, list[User]] = {}
    for user in session.scalars(
        select(User)
        .where(
            User.agency_id.in_(wanted or [-1]),
            User.is_active.is_(True),
            User.role.in_(RESPONSIBLE_ROLES),
        )
        .order_by(User.full_name, User.id)
    ):
        people.setdefault(user.agency_id, []).append(user)
    for group in people.values():
        group.sort(key=lambda u: u.role != Role.head)  # stable: names stay in order
    return {
        agency_id: [(tree[a].name, people[a]) for a in chain if a in people]
        for agency_id, chain in chains.items()
    }


def measure_targets(
    *, session: Session, inspection: Inspection
) -> tuple[list[Agency], list[tuple[User, str]]]:
    """The units of the inspected scope and their active officials (with their unit's name),
    by name: what a measure may target."""
    scope = scope_cte(inspection)
    units = list(
        session.scalars(select(Agency).join(scope, scope.c.id == Agency.id).order_by(Agency.name))
    )
    officials = list(
        session.execute(
            select(User, Agency.name)
            .join(scope, scope.c.id == User.agency_id)
            .join(Agency, Agency.id == User.agency_id)
            .where(User.is_active.is_(True))
            .order_by(Agency.name, User.full_name, User.id)
        ).all()
    )
    return units, officials


def team_choices(*, session: Session) -> list[User]:
    """The active users the planning form offers as members: inspectors first."""
    order = {role: n for n, role in enumerate(TEAM_ROLES)}
    people = session.scalars(
        select(User)
        .where(User.is_active.is_(True), User.role.in_(TEAM_ROLES))
        .order_by(User.full_name, User.id)
    )
    return sorted(people, key=lambda u: order[u.role])


def target_agencies(*, session: Session) -> list[Agency]:
    """The agencies an inspection may target: those not dissolved, by name."""
    return list(
        session.scalars(select(Agency).where(Agency.dissolved_at.is_(None)).order_by(Agency.name))
    )
