"""The cases behind the dashboard's tiles: the same conditions the figures count, so the
queue a tile opens lists exactly the cases the tile counted."""

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import OPEN_STATUSES, Case
from workflows.deadlines.overdue import overdue_condition, soon_due_condition

TILES = ("overdue", "soon", "open")


def condition(tile: str, now: datetime):
    """The WHERE of a tile: `year.overdue_now`, `soon_due_count`, `year.open_now`."""
    if tile == "overdue":
        return overdue_condition(now)
    if tile == "soon":
        return soon_due_condition(now)
    return Case.status.in_(OPEN_STATUSES)


def cases(
    *, session: Session, agency_ids: list[int] | None, tile: str, now: datetime, limit: int
) -> tuple[list[Case], int]:
    """The first `limit` cases a tile counts in these agencies (None: all), nearest deadline
    first, and how many it counts in all."""
    where = [condition(tile, now)]
    if agency_ids is not None:
        where.append(Case.agency_id.in_(agency_ids or [-1]))
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    stmt = (
        select(Case)
        .where(*where)
        .order_by(Case.due_at.is_(None), Case.due_at, Case.id)
        .limit(limit)
    )
    return list(session.scalars(stmt)), total
