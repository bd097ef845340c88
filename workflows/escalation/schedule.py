"""The sweep's schedule: when each case is next looked at (models/case_schedule.py).

One row per case with a ladder step to come; `write` keeps it after a change of the case
(the lifecycle, an acknowledgement), the sweep moves many at once after its steps.
"""

from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import CaseSchedule
from workflows.escalation.batch_sql import id_in, update_rows

TABLE = CaseSchedule.__table__


def next_action_at(*, session: Session, case_id: int) -> datetime | None:
    """When the sweep next looks at the case; None: it does not."""
    return session.scalar(select(TABLE.c.next_action_at).where(TABLE.c.case_id == case_id))


def write(*, session: Session, case_id: int, at: datetime | None) -> None:
    """Schedule the case at `at`, or take it off the schedule (None)."""
    conn = session.connection()
    if at is None:
        conn.execute(delete(TABLE).where(TABLE.c.case_id == case_id))
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE).values(case_id=case_id, next_action_at=at)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[TABLE.c.case_id],
            set_={"next_action_at": statement.excluded.next_action_at},
            where=TABLE.c.next_action_at != statement.excluded.next_action_at,
        )
    )


def move(conn: Connection, times: dict[int, datetime | None]) -> None:
    """After a sweep's batch: each case (all scheduled) to its new time, or off (None)."""
    off = [case_id for case_id, at in times.items() if at is None]
    if off:
        conn.execute(delete(TABLE).where(id_in(TABLE.c.case_id, off, conn.dialect)))
    rows = [{"case_id": case_id, "next_action_at": at} for case_id, at in times.items() if at]
    update_rows(conn, TABLE, rows, key="case_id")
