"""The escalation ladder applied to cases: scheduling, steps in batches (an acknowledgement:
workflows/escalation/acknowledgement.py).

A step is applied at most once per (case, deadline, step): the row in `escalation_steps`, the
case's event, its outbox rows and its new `escalation_level`/`next_action_at` are written in
one transaction, and the unique key makes a rerun write nothing twice.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, select
from sqlmodel import Session

from models import Case, CaseEvent, EscalationStep
from models.db import is_postgres
from workflows.deadlines import calendar as calendars
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.overdue import is_running
from workflows.escalation.batch_sql import id_in, insert_rows, update_rows
from workflows.escalation.ladder import Applied, Policy, load_policy
from workflows.escalation.mail import enqueue_many
from workflows.escalation.rows import BatchWrites
from workflows.escalation.targets import Tree


def deadline_key(due_at: datetime) -> str:
    """The deadline a step belongs to, as a stable string."""
    return due_at.astimezone(UTC).isoformat()


def _applied(rows) -> dict[str, Applied]:
    return {row.step: Applied(level=row.level, grace_until=row.grace_until) for row in rows}


def _steps_for(*, session: Session, case_id: int, key: str) -> list[EscalationStep]:
    query = select(EscalationStep).where(
        EscalationStep.case_id == case_id, EscalationStep.deadline_key == key
    )
    return list(session.scalars(query))


def policy_for(*, session: Session, calendar: WorkingCalendar | None = None) -> Policy:
    """The ladder counting working days on the calendar in force (read when not given)."""
    return load_policy().with_calendar(calendar or calendars.load(session=session))


def reschedule(
    *, session: Session, case: Case, now: datetime, policy: Policy | None = None
) -> None:
    """Set `next_action_at` and `escalation_level` after any change of status or deadline.

    A running case is looked at when its next unapplied step falls due (at once if one is
    already due); a paused or finished case is not looked at. The level is the highest step
    applied for the deadline in force, so a new deadline starts a new ladder.
    """
    if not is_running(case):
        case.next_action_at = None
        return
    policy = policy or policy_for(session=session)
    key = deadline_key(case.due_at)
    rows = _steps_for(session=session, case_id=case.id, key=key) if case.id else []
    applied = _applied(rows)
    plan = policy.plan(kind=case.kind, due_at=case.due_at, applied=applied, now=now)
    case.next_action_at = plan.due[0][1] if plan.due else plan.next_at
    case.escalation_level = max((a.level or 0 for a in applied.values()), default=0)


@dataclass
class BatchResult:
    cases: int = 0
    steps: int = 0
    notifications: int = 0
    flagged: int = 0

    def add(self, other: "BatchResult") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def due_case_ids(*, session: Session, as_of: datetime, limit: int | None = None) -> list[int]:
    """Cases whose next action is due, by the `next_action_at` index, earliest first."""
    query = (
        select(Case.id)
        .where(Case.next_action_at <= as_of)
        .order_by(Case.next_action_at, Case.id)
        .limit(limit)
    )
    return list(session.scalars(query))


# What a batch reads of each case: the ladder's inputs and the facts the emails repeat.
_CASES = Case.__table__
_CLAIMED = tuple(
    _CASES.c[name]
    for name in (
        "id", "code", "title", "kind", "status", "agency_id", "assignee_id", "received_at",
        "due_at", "escalation_level", "long_pending",
    )
)  # fmt: skip
_STEPS = EscalationStep.__table__


def _claim(*, session: Session, case_ids: list[int], now: datetime) -> list[Row]:
    """Lock the cases still due; on PostgreSQL skip those another sweep holds.

    On SQLite the transaction already is the only writer (BEGIN IMMEDIATE). Plain rows, not
    ORM objects: the batch reads eleven columns and writes back with set-based statements.
    """
    query = (
        select(*_CLAIMED)
        .where(
            id_in(_CASES.c.id, case_ids, session.get_bind().dialect), _CASES.c.next_action_at <= now
        )
        .order_by(_CASES.c.id)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.connection().execute(query))


def _applied_by_case(*, session: Session, case_ids: list[int]) -> dict[tuple[int, str], dict]:
    """The steps already applied to these cases, by (case, deadline)."""
    query = select(
        _STEPS.c.case_id, _STEPS.c.deadline_key, _STEPS.c.step, _STEPS.c.level,
        _STEPS.c.grace_until,
    ).where(id_in(_STEPS.c.case_id, case_ids, session.get_bind().dialect))  # fmt: skip
    applied: dict[tuple[int, str], dict[str, Applied]] = defaultdict(dict)
    for case_id, key, step, level, grace_until in session.connection().execute(query):
        applied[(case_id, key)][step] = Applied(level=level, grace_until=grace_until)
    return applied


def apply_batch(
    *,
    session: Session,
    case_ids: list[int],
    now: datetime,
    base_url: str = "",
    policy: Policy | None = None,
) -> BatchResult:
    """Apply every due ladder step of these cases in the caller's transaction.

    Set-based whatever the batch size: four reads (the claimed cases, their applied steps,
    their agencies with ancestors and heads, their officers) and four writes (steps, events,
    outbox rows, one UPDATE of the cases).
    """
    policy = policy or policy_for(session=session)
    cases = _claim(session=session, case_ids=case_ids, now=now)
    if not cases:
        return BatchResult()
    applied = _applied_by_case(session=session, case_ids=[c.id for c in cases])
    tree = Tree.load(
        session=session,
        agency_ids={c.agency_id for c in cases},
        assignee_ids={c.assignee_id for c in cases if c.assignee_id},
    )
    writes = BatchWrites(tree=tree, now=now, send_after=policy.send_after(now), base_url=base_url)
    for case in cases:
        if not is_running(case):
            writes.stop(case)  # resolved or paused since it was scheduled: nothing more
            continue
        key = deadline_key(case.due_at)
        done = applied.get((case.id, key), {})
        plan = policy.plan(kind=case.kind, due_at=case.due_at, applied=done, now=now)
        writes.add(case, key=key, done=done, plan=plan)
    conn = session.connection()
    insert_rows(conn, EscalationStep.__table__, writes.steps)
    insert_rows(conn, CaseEvent.__table__, writes.events)
    notifications = enqueue_many(session=session, rows=writes.mails)
    update_rows(conn, _CASES, writes.cases)
    return BatchResult(
        cases=len(cases), steps=len(writes.steps), notifications=notifications,
        flagged=writes.flagged,
    )  # fmt: skip


def sweep(*, engine, as_of: datetime, batch_size: int = 1000, base_url: str = "") -> BatchResult:
    """One sweep without Prefect: the same batches the flow runs as tasks, one transaction each."""
    from models.db import session_scope

    with session_scope(engine) as session:
        ids = due_case_ids(session=session, as_of=as_of)
    total = BatchResult()
    for start in range(0, len(ids), batch_size):
        with session_scope(engine) as session:
            total.add(
                apply_batch(
                    session=session,
                    case_ids=ids[start : start + batch_size],
                    now=as_of,
                    base_url=base_url,
                )
            )
    return total
