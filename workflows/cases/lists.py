"""Filtered, scoped lists of cases (for pages and exports)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from models import Case, CaseKind, CaseStatus
from workflows.reports.summary import overdue_condition


@dataclass
class CaseFilter:
    status: CaseStatus | None = None
    kind: CaseKind | None = None
    agency_id: int | None = None
    overdue: bool | None = None
    q: str | None = None
    received_before: datetime | None = None
    received_after: datetime | None = None


def query(*, agency_ids: list[int] | None, filters: CaseFilter, now: datetime) -> Select:
    """Cases the scope allows that match the filters, the most urgent deadline first."""
    stmt = select(Case)
    if agency_ids is not None:
        stmt = stmt.where(Case.agency_id.in_(agency_ids))
    if filters.status is not None:
        stmt = stmt.where(Case.status == filters.status)
    if filters.kind is not None:
        stmt = stmt.where(Case.kind == filters.kind)
    if filters.agency_id is not None:
        stmt = stmt.where(Case.agency_id == filters.agency_id)
    if filters.overdue is True:
        stmt = stmt.where(overdue_condition(now))
    elif filters.overdue is False:
        stmt = stmt.where(~overdue_condition(now))
    if filters.q:
        like = filters.q.lower()  # contains(autoescape=True): % and _ are plain characters
        stmt = stmt.where(
            or_(
                func.lower(Case.title).contains(like, autoescape=True),
                func.lower(Case.code).contains(like, autoescape=True),
                func.lower(Case.citizen_name).contains(like, autoescape=True),
            )
        )
    if filters.received_before is not None:
        stmt = stmt.where(Case.received_at < filters.received_before)
    if filters.received_after is not None:
        stmt = stmt.where(Case.received_at >= filters.received_after)
    return stmt.order_by(Case.due_at.is_(None), Case.due_at, Case.id)


def rows(*, session: Session, stmt: Select, limit: int, offset: int = 0) -> list[Case]:
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def total(*, session: Session, stmt: Select) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


EXPORT_COLUMNS = (
    "code", "kind", "status", "title", "agency_id", "assignee_id", "citizen_name",
    "received_at", "accepted_at", "due_at", "resolved_at", "resolved_due_at",
    "escalation_level", "extensions_used", "transfer_count", "ping_pong", "long_pending",
)  # fmt: skip


def export_rows(cases: list[Case]) -> list[list]:
    return [[getattr(c, column) for column in EXPORT_COLUMNS] for c in cases]
