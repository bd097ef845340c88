"""The escalation ladder applied to cases: scheduling, steps in batches, acknowledgement.

A step is applied at most once per (case, deadline, step): the row in `escalation_steps`, the
case's event, its outbox rows and its new `escalation_level`/`next_action_at` are written in
one transaction, and the unique key makes a rerun write nothing twice.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from models import Case, CaseEvent, CaseStatus, EscalationStep, Role, User
from models.db import is_postgres
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.escalation_mail import case_dict, enqueue_many, notification_row
from workflows.escalation_targets import Tree
from workflows.ladder import Applied, Policy, Step, load_policy

RUNNING = (CaseStatus.received, CaseStatus.accepted)


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


def reschedule(
    *, session: Session, case: Case, now: datetime, policy: Policy | None = None
) -> None:
    """Set `next_action_at` and `escalation_level` after any change of status or deadline.

    A running case is looked at when its next unapplied step falls due (at once if one is
    already due); a paused or finished case is not looked at. The level is the highest step
    applied for the deadline in force, so a new deadline starts a new ladder.
    """
    if case.status not in RUNNING or case.due_at is None:
        case.next_action_at = None
        return
    policy = policy or load_policy()
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


def _claim(*, session: Session, case_ids: list[int], now: datetime) -> list[Case]:
    """Lock the cases still due; on PostgreSQL skip those another sweep holds.

    On SQLite the transaction already is the only writer (BEGIN IMMEDIATE).
    """
    query = select(Case).where(Case.id.in_(case_ids), Case.next_action_at <= now).order_by(Case.id)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def apply_batch(
    *,
    session: Session,
    case_ids: list[int],
    now: datetime,
    base_url: str = "",
    policy: Policy | None = None,
) -> BatchResult:
    """Apply every due ladder step of these cases in the caller's transaction."""
    policy = policy or load_policy()
    result = BatchResult()
    cases = _claim(session=session, case_ids=case_ids, now=now)
    if not cases:
        return result
    applied_rows = session.scalars(
        select(EscalationStep).where(EscalationStep.case_id.in_([c.id for c in cases]))
    )
    applied_by_case: dict[tuple[int, str], list[EscalationStep]] = defaultdict(list)
    for row in applied_rows:
        applied_by_case[(row.case_id, row.deadline_key)].append(row)
    tree = Tree.load(session=session, assignee_ids={c.assignee_id for c in cases if c.assignee_id})
    send_after = policy.send_after(now)
    step_rows, events, mails, case_updates = [], [], [], []
    for case in cases:
        result.cases += 1
        if case.status not in RUNNING or case.due_at is None:
            case_updates.append({"id": case.id, "next_action_at": None})  # resolved: nothing more
            continue
        key = deadline_key(case.due_at)
        applied = _applied(applied_by_case[(case.id, key)])
        plan = policy.plan(kind=case.kind, due_at=case.due_at, applied=applied, now=now)
        level, long_pending = max((a.level or 0 for a in applied.values()), default=0), False
        context_case = None
        for step, scheduled_at in plan.due:
            people = tree.resolve(
                targets=step.notify, agency_id=case.agency_id, assignee_id=case.assignee_id
            )
            if people.people and context_case is None:
                context_case = case_dict(
                    session=session, case=case, now=now, base_url=base_url, tree=tree
                )
            mails.extend(
                notification_row(
                    case=case,
                    key=key,
                    step=step,
                    target=target,
                    person=person,
                    now=now,
                    send_after=send_after,
                    context_case=context_case,
                    tree=tree,
                )  # fmt: skip
                for target, person in people.people
            )
            result.steps += 1
            level = max(level, step.level or 0)
            long_pending = long_pending or step.long_pending
            data = {
                "step": step.key,
                "level": step.level,
                "deadline": key,
                "scheduled_at": scheduled_at.isoformat(),
                "notified": [
                    {"target": t, "user_id": p.user_id, "name": p.name} for t, p in people.people
                ],
                "skipped": people.skipped,
                "send_after": send_after.isoformat() if send_after else None,
            }
            step_rows.append(
                dict(
                    case_id=case.id,
                    deadline_key=key,
                    step=step.key,
                    level=step.level,
                    scheduled_at=scheduled_at,
                    applied_at=now,
                    data=data,
                )
            )
            events.append(
                dict(
                    case_id=case.id,
                    at=now,
                    actor_id=None,
                    action=_event_action(step),
                    from_status=case.status,
                    to_status=case.status,
                    agency_id=case.agency_id,
                    data=data,
                )
            )
        update_row: dict[str, Any] = {
            "id": case.id,
            "next_action_at": plan.next_at,
            "escalation_level": level,
        }
        if long_pending:
            update_row["long_pending"] = True
            result.flagged += 1
        case_updates.append(update_row)
    if step_rows:
        session.execute(insert(EscalationStep), step_rows)
        session.execute(insert(CaseEvent), events)
    result.notifications = enqueue_many(session=session, rows=mails)
    _update_cases(session, case_updates)
    return result


def _update_cases(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key, grouped by the columns each row sets."""
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        session.execute(update(Case), group)


def _event_action(step: Step) -> str:
    if step.long_pending:
        return "flagged_for_inspection"
    return "escalation" if (step.level or 0) > 0 else "reminder"


def acknowledge(*, session: Session, case: Case, actor: User, now: datetime) -> Case:
    """The agency head takes the escalation on: higher steps wait for the grace period."""
    from workflows.agencies import ancestors

    chain_heads = {case_agency_head(session=session, case=case)} | {
        a.head_user_id for a in ancestors(session=session, agency_id=case.agency_id)
    }
    if actor.role != Role.head or actor.id not in chain_heads:
        raise Forbidden("only the head of the case's agency or of an agency above it")
    if case.status not in RUNNING or case.due_at is None:
        raise Invalid("the case is not running: nothing to acknowledge")
    key = deadline_key(case.due_at)
    escalations = [
        row for row in _steps_for(session=session, case_id=case.id, key=key) if (row.level or 0) > 0
    ]
    if not escalations:
        raise Invalid("the case has not been escalated: nothing to acknowledge")
    latest = max(escalations, key=lambda row: (row.level or 0, row.applied_at))
    if latest.grace_until is not None and latest.grace_until > now:
        raise Conflict("this escalation is already acknowledged")
    policy = load_policy()
    latest.acknowledged_at, latest.acknowledged_by_id = now, actor.id
    latest.grace_until = policy.grace_until(case.kind, now)
    session.add(latest)
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor_id=actor.id,
            action="escalation_acknowledged",
            from_status=case.status,
            to_status=case.status,
            agency_id=case.agency_id,
            data={
                "step": latest.step,
                "level": latest.level,
                "deadline": key,
                "grace_until": latest.grace_until.isoformat(),
            },
        )
    )
    session.flush()
    case.version += 1
    case.updated_at = now
    reschedule(session=session, case=case, now=now, policy=policy)
    session.add(case)
    session.flush()
    return case


def case_agency_head(*, session: Session, case: Case) -> int | None:
    from models import Agency

    agency = session.get(Agency, case.agency_id)
    return agency.head_user_id if agency else None


def sweep(*, engine, as_of: datetime, batch_size: int = 500, base_url: str = "") -> BatchResult:
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
