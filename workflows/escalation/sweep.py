"""The escalation ladder applied to cases: scheduling, steps in batches (an acknowledgement:
workflows/escalation/acknowledgement.py).

A step is applied at most once per (case, deadline, step): the row in `escalation_steps`, the
case's event, its outbox rows, its new time in `case_schedule` and, when the step raised it,
its new `escalation_level` are written in one transaction, and the unique key makes a rerun
write nothing twice.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, Select, select
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from models import Case, CaseEvent, CaseSchedule, EscalationStep
from workflows.deadlines import calendar as calendars
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.overdue import is_running
from workflows.escalation import schedule
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


def next_action(
    *, session: Session | None, case: Case, now: datetime, policy: Policy | None = None
) -> datetime | None:
    """When the sweep must next look at the case (None: never, while it is not running).

    A running case is looked at when its next unapplied step falls due (at once if one is
    already due); a paused or finished case is not looked at. Sets the case's
    `escalation_level`: the highest step applied for the deadline in force, so a new deadline
    starts a new ladder. Reads nothing for a case not yet inserted (`session` may be None).
    """
    if not is_running(case):
        return None
    policy = policy or policy_for(session=session)
    key = deadline_key(case.due_at)
    rows = _steps_for(session=session, case_id=case.id, key=key) if case.id else []
    applied = _applied(rows)
    plan = policy.plan(kind=case.kind, due_at=case.due_at, applied=applied, now=now)
    case.escalation_level = max((a.level or 0 for a in applied.values()), default=0)
    return plan.due[0][1] if plan.due else plan.next_at


def reschedule(
    *, session: Session, case: Case, now: datetime, policy: Policy | None = None
) -> None:
    """After any change of status or deadline of an inserted case: its level and its time
    in the sweep's schedule (models/case_schedule.py)."""
    at = next_action(session=session, case=case, now=now, policy=policy)
    schedule.write(session=session, case_id=case.id, at=at)


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
    """Cases whose next action is due, from the schedule's index, earliest first."""
    query = (
        select(_SCHEDULE.c.case_id)
        .where(_SCHEDULE.c.next_action_at <= as_of)
        .order_by(_SCHEDULE.c.next_action_at, _SCHEDULE.c.case_id)
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
_SCHEDULE = CaseSchedule.__table__


def _claim(*, session: Session, case_ids: list[int], now: datetime) -> list[Row]:
    """Lock the cases still due; on PostgreSQL skip those another sweep holds.

    The case's row is locked, not only its schedule: a change of the case (the lifecycle)
    waits for the batch, then reads the steps it applied. On SQLite the transaction already
    is the only writer (BEGIN IMMEDIATE). Plain rows, not ORM objects: the batch reads eleven
    columns and writes back with set-based statements.
    """
    query = claim_query(case_ids=case_ids, now=now, dialect=session.get_bind().dialect)
    return list(session.connection().execute(query))


def claim_query(*, case_ids: list[int], now: datetime, dialect: Dialect) -> Select:
    """The batch's cases still due, their rows locked (skipping held ones) on PostgreSQL."""
    query = (
        select(*_CLAIMED)
        .join(_SCHEDULE, _SCHEDULE.c.case_id == _CASES.c.id)
        .where(id_in(_SCHEDULE.c.case_id, case_ids, dialect), _SCHEDULE.c.next_action_at <= now)
        .order_by(_CASES.c.id)
    )
    if dialect.name == "postgresql":
        query = query.with_for_update(of=_CASES, skip_locked=True)
    return query


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
    their agencies with ancestors and heads, their officers) and at most six writes (steps,
    events, outbox rows, the schedule's updates and deletes, and one UPDATE of the cases whose
    level changed: none for reminders).
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
    schedule.move(conn, writes.schedule)
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
