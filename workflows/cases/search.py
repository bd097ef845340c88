"""The one case search: GET /cases, the exports, the queue page, all through CaseFilter.

The reader's scope (workflows/cases/access.py) always applies; the filters narrow it; the
overdue filter is the rule of workflows/deadlines/overdue.py. Two orders: "newest" (the API's
list) and "due" (the most urgent deadline first: the queue and the exports).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models import OPEN_STATUSES, Case, CaseKind, CaseStatus, User
from workflows.cases.access import visible_agency_ids
from workflows.cases.confidentiality import identity_visible
from workflows.deadlines.overdue import not_overdue_condition, overdue_condition

Order = Literal["newest", "due"]
ORDERS = {
    "newest": (Case.received_at.desc(), Case.id.desc()),
    "due": (Case.due_at.is_(None), Case.due_at, Case.id),
}


@dataclass
class CaseFilter:
    status: CaseStatus | None = None
    kind: CaseKind | None = None
    agency_id: int | None = None
    overdue: bool | None = None
    q: str | None = None
    received_before: datetime | None = None
    received_after: datetime | None = None
    # The queue: open cases only, those assigned to this user id or to nobody.
    open_only: bool = False
    mine_or_unassigned: int | None = None


def conditions(
    *, agency_ids: list[int] | None, filters: CaseFilter, now: datetime, viewer: User | None
) -> list:
    """The WHERE conditions: cases of the scope (None: every agency) that match the filters;
    the citizen's name matches only where `viewer` may see it (a denouncer's is confidential)."""
    where = []
    if agency_ids is not None:
        where.append(Case.agency_id.in_(agency_ids or [-1]))
    if filters.status is not None:
        where.append(Case.status == filters.status)
    if filters.open_only:
        where.append(Case.status.in_(OPEN_STATUSES))
    if filters.kind is not None:
        where.append(Case.kind == filters.kind)
    if filters.agency_id is not None:
        where.append(Case.agency_id == filters.agency_id)
    if filters.mine_or_unassigned is not None:
        mine = filters.mine_or_unassigned
        where.append(or_(Case.assignee_id == mine, Case.assignee_id.is_(None)))
    if filters.overdue is True:
        where.append(overdue_condition(now))
    elif filters.overdue is False:
        where.append(not_overdue_condition(now))
    if filters.q and filters.q.strip():
        # contains(autoescape=True): a typed % or _ is a character, not a wildcard.
        pattern = filters.q.strip().lower()
        where.append(
            or_(
                func.lower(Case.code).contains(pattern, autoescape=True),
                func.lower(Case.title).contains(pattern, autoescape=True),
                and_(
                    func.lower(Case.citizen_name).contains(pattern, autoescape=True),
                    identity_visible(viewer),
                ),
            )
        )
    if filters.received_before is not None:
        where.append(Case.received_at < filters.received_before)
    if filters.received_after is not None:
        where.append(Case.received_at >= filters.received_after)
    return where


def search(
    *,
    session: Session,
    user: User,
    filters: CaseFilter,
    now: datetime,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
) -> tuple[list[Case], int]:
    """One page of the cases `user` may see that match, and how many match in all."""
    scope = visible_agency_ids(session=session, user=user)
    where = conditions(agency_ids=scope, filters=filters, now=now, viewer=user)
    total = session.scalar(select(func.count()).select_from(Case).where(*where))
    stmt = select(Case).where(*where).order_by(*ORDERS[order]).limit(limit).offset(offset)
    return list(session.scalars(stmt)), total


def matching(
    *,
    session: Session,
    user: User,
    filters: CaseFilter,
    now: datetime,
    limit: int,
    order: Order = "due",
) -> list[Case]:
    """The first `limit` cases `user` may see that match (exports, the queue): no count."""
    scope = visible_agency_ids(session=session, user=user)
    where = conditions(agency_ids=scope, filters=filters, now=now, viewer=user)
    return list(session.scalars(select(Case).where(*where).order_by(*ORDERS[order]).limit(limit)))
