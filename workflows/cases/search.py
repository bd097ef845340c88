"""The scoped, filtered, paginated list of cases (GET /cases)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, or_, select

from models import Case, CaseKind, CaseStatus, User
from workflows.cases.access import visible_agency_ids


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
        # contains(autoescape=True): a typed % or _ is a character, not a wildcard.
        pattern = filters.q.strip().lower()
        conditions.append(
            or_(
                func.lower(Case.code).contains(pattern, autoescape=True),
                func.lower(Case.title).contains(pattern, autoescape=True),
                func.lower(Case.citizen_name).contains(pattern, autoescape=True),
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
