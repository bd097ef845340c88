"""Case intake (codes, idempotency, backlog, duplicate hint), scoped look-ups and listing.

Codes are `<PREFIX>-<YEAR>-<NNNNNN>`: KN complaint (khiếu nại), TC denunciation (tố cáo),
KNPA petition (kiến nghị, phản ánh), HS dossier (hồ sơ). The year is the local year of
registration (the day the code is handed out, also for backlog cases). The number comes from
`code_counters` with an atomic upsert in the intake transaction: concurrent intakes wait for
each other's row lock, a rolled-back intake returns its number, so codes have no gaps.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, func, or_, select

from models import (
    OPEN_STATUSES,
    Agency,
    Case,
    CaseCreate,
    CaseKind,
    CasePublic,
    CaseStatus,
    Citizen,
    CodeCounter,
    Role,
    User,
)
from workflows import agencies, deadlines, inspections, lifecycle
from workflows import calendar as calendars
from workflows.errors import Forbidden, Invalid, NotFound
from workflows.policies import PolicySet
from workflows.text import similar_titles

PREFIXES = {
    CaseKind.complaint: "KN",
    CaseKind.denunciation: "TC",
    CaseKind.petition: "KNPA",
    CaseKind.dossier: "HS",
}
INTAKE_ROLES = (Role.clerk, Role.officer, Role.head, Role.admin)


@dataclass
class Intake:
    case: Case
    created: bool  # False: an earlier request with the same Idempotency-Key
    duplicates: list[Case]


def next_code(*, session: Session, kind: CaseKind, year: int) -> str:
    """The next gap-free code for `kind` in `year`, taken in the caller's transaction."""
    prefix = PREFIXES[kind]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = CodeCounter.__table__
    statement = (
        dialect.insert(table)
        .values(prefix=prefix, year=year, value=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{year}-{value:06d}"


def body_hash(data: CaseCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def intake(
    *,
    session: Session,
    data: CaseCreate,
    actor: User,
    now: datetime,
    idempotency_key: str | None = None,
    policies: PolicySet | None = None,
) -> Intake:
    """Register a case (or return the one an identical earlier request registered)."""
    digest = body_hash(data)
    if idempotency_key is not None and "\x00" in idempotency_key:  # PostgreSQL cannot store it
        raise Invalid("the Idempotency-Key may not contain the NUL character")
    if idempotency_key is not None:
        first = session.exec(select(Case).where(Case.idempotency_key == idempotency_key)).first()
        if first is not None:
            if first.idempotency_hash != digest or first.created_by_id != actor.id:
                raise Invalid("this Idempotency-Key was used with a different request body")
            return Intake(case=first, created=False, duplicates=[])
    if actor.role not in INTAKE_ROLES:
        raise Forbidden(f"a {actor.role} may not register cases")
    agency = session.get(Agency, data.agency_id)
    if agency is None or agency.dissolved_at is not None:
        raise Invalid(f"agency {data.agency_id} does not exist or was dissolved")
    if actor.role != Role.admin and data.agency_id not in visible_agency_ids(
        session=session, user=actor
    ):
        raise Forbidden("you may register cases only for your own agency")
    received_at = data.received_at or now
    if received_at.tzinfo is None:
        raise Invalid("received_at must carry a timezone")
    if received_at > now:
        raise Invalid("received_at cannot lie in the future")
    citizen = data.citizen
    case = Case(
        kind=data.kind,
        title=data.title,
        description=data.description,
        channel=data.channel,
        citizen_name=citizen.name,
        citizen_phone=citizen.phone,
        citizen_email=citizen.email,
        citizen_address=citizen.address,
        citizen_id_number=citizen.id_number,
        phone_digits=re.sub(r"\D", "", citizen.phone) if citizen.phone else None,
        agency_id=agency.id,
        procedure=data.procedure,
        complexity=data.complexity,
        remote_area=agency.remote_area,
        received_at=received_at,
        idempotency_key=idempotency_key,
        idempotency_hash=digest if idempotency_key else None,
        created_by_id=actor.id,
        updated_at=now,
    )
    duplicates = possible_duplicates(session=session, case=case)
    calendar = calendars.load(session=session)
    # Every read is done: the code's counter row stays locked until commit, so it is taken
    # last, and only the case, its event and its outbox rows are written while it is held.
    case.code = next_code(session=session, kind=data.kind, year=deadlines.local_date(now).year)
    lifecycle.open_case(
        session=session, case=case, actor=actor, now=now, policies=policies, calendar=calendar
    )
    return Intake(case=case, created=True, duplicates=duplicates)


def possible_duplicates(*, session: Session, case: Case) -> list[Case]:
    """Open cases of the same citizen at the same agency with a similar title."""
    same_citizen = []
    if case.phone_digits:
        same_citizen.append(Case.phone_digits == case.phone_digits)
    if case.citizen_id_number:
        same_citizen.append(Case.citizen_id_number == case.citizen_id_number)
    if not same_citizen:
        return []
    candidates = session.exec(
        select(Case).where(
            Case.agency_id == case.agency_id,
            Case.status.in_(OPEN_STATUSES),
            or_(*same_citizen),
        )
    )
    return [c for c in candidates if c.id != case.id and similar_titles(c.title, case.title)]


def visible_agency_ids(*, session: Session, user: User) -> list[int] | None:
    """The agencies whose cases `user` may read; None means every agency (admin).

    The one rule of DESIGN.md "Access", for cases, lists, reports and dashboards: an officer
    or clerk their agency, a head the agency and everything below it, an inspector the
    agencies of the inspections they sit on.
    """
    if user.role == Role.admin:
        return None
    if user.role == Role.inspector:
        return inspections.visible_agency_ids(session=session, user=user)
    if user.agency_id is None:
        return []
    if user.role == Role.head:
        return agencies.subtree_ids(session=session, agency_id=user.agency_id)
    return [user.agency_id]


def get_visible(*, session: Session, case_id: int, user: User) -> Case:
    """The case if `user` may see it; NotFound otherwise (no hint that it exists)."""
    case = session.get(Case, case_id)
    scope = visible_agency_ids(session=session, user=user)
    if case is None or (scope is not None and case.agency_id not in scope):
        raise NotFound(f"case {case_id} not found")
    return case


@dataclass
class CaseFilter:
    status: CaseStatus | None = None
    kind: CaseKind | None = None
    agency_id: int | None = None
    overdue: bool | None = None
    q: str | None = None
    received_before: datetime | None = None
    received_after: datetime | None = None
    limit: int = 50
    offset: int = 0


def search(
    *, session: Session, user: User, filters: CaseFilter, now: datetime
) -> tuple[list[Case], int]:
    """One page of the cases `user` may see, newest first, and the total that match."""
    conditions = []
    scope = visible_agency_ids(session=session, user=user)
    if scope is not None:
        conditions.append(Case.agency_id.in_(scope or [-1]))
    if filters.status is not None:
        conditions.append(Case.status == filters.status)
    if filters.kind is not None:
        conditions.append(Case.kind == filters.kind)
    if filters.agency_id is not None:
        conditions.append(Case.agency_id == filters.agency_id)
    running = Case.status.in_([CaseStatus.received, CaseStatus.accepted])
    if filters.overdue is True:
        conditions += [running, Case.due_at < now]
    elif filters.overdue is False:
        conditions.append(sa.not_(sa.and_(running, Case.due_at < now)))
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        conditions.append(
            or_(
                func.lower(Case.code).like(pattern),
                func.lower(Case.title).like(pattern),
                func.lower(Case.citizen_name).like(pattern),
            )
        )
    if filters.received_before is not None:
        conditions.append(Case.received_at < filters.received_before)
    if filters.received_after is not None:
        conditions.append(Case.received_at >= filters.received_after)
    total = session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
    rows = session.exec(
        select(Case)
        .where(*conditions)
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(rows), total


def to_public(case: Case, *, now: datetime) -> CasePublic:
    """The API shape of a case, with the overdue flag as of `now`."""
    return CasePublic.model_validate(
        case,
        update={
            "overdue": deadlines.is_overdue(case=case, now=now),
            "citizen": Citizen(
                name=case.citizen_name,
                phone=case.citizen_phone,
                email=case.citizen_email,
                address=case.citizen_address,
                id_number=case.citizen_id_number,
            ),
        },
    )
