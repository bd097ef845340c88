"""An agency head takes an escalation on ("đã nắm và chỉ đạo"): steps above the acknowledged
level wait for the grace period (workflows/escalation/ladder.py); an instruction to the officer
in charge is written on the event and mailed to them through the outbox.

`acknowledgement_refusal` is the rule `acknowledge` raises on, so that pages offer the form
only when it can succeed.
"""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from core.errors import Conflict, DomainError, Forbidden, Invalid
from models import Agency, Case, CaseEvent, EscalationStep, Role, User
from notifications.outbox import enqueue
from workflows.deadlines.mail_facts import case_context
from workflows.deadlines.overdue import is_running
from workflows.escalation.sweep import _steps_for, deadline_key, policy_for, reschedule
from workflows.org.agencies import ancestors


def acknowledgement_refusal(
    *, session: Session, case: Case, actor: User, now: datetime
) -> DomainError | None:
    """Why `actor` may not acknowledge the escalation of `case` now (None: they may): the
    rules `acknowledge` raises on, for the pages to offer the form only when it can succeed."""
    chain_heads = {case_agency_head(session=session, case=case)} | {
        a.head_user_id for a in ancestors(session=session, agency_id=case.agency_id)
    }
    if actor.role != Role.head or actor.id not in chain_heads:
        return Forbidden(
            "only the head of the case's agency or of an agency above it",
            code="escalation.not_head",
        )
    if not is_running(case):
        return Invalid(
            "the case is not running: nothing to acknowledge", code="escalation.not_running"
        )
    latest = latest_escalation(session=session, case=case)
    if latest is None:
        return Invalid(
            "the case has not been escalated: nothing to acknowledge",
            code="escalation.not_escalated",
        )
    if latest.grace_until is not None and latest.grace_until > now:
        return Conflict(
            "this escalation is already acknowledged", code="escalation.already_acknowledged"
        )
    return None


def latest_escalation(*, session: Session, case: Case) -> EscalationStep | None:
    """The highest escalation step (level 1 and up) applied for the deadline in force."""
    if case.due_at is None:
        return None
    key = deadline_key(case.due_at)
    escalations = [
        row for row in _steps_for(session=session, case_id=case.id, key=key) if (row.level or 0) > 0
    ]
    return max(escalations, key=lambda row: (row.level or 0, row.applied_at), default=None)


def acknowledge(
    *,
    session: Session,
    case: Case,
    actor: User,
    now: datetime,
    instruction: str | None = None,
    version: int | None = None,
    base_url: str = "",
) -> Case:
    """The agency head takes the escalation on ("đã nắm và chỉ đạo"): higher steps wait for
    the grace period. An `instruction` to the officer is written on the event and mailed to
    the assignee through the outbox. `version`, where given, is the one the head saw."""
    refusal = acknowledgement_refusal(session=session, case=case, actor=actor, now=now)
    if refusal is not None:
        raise refusal
    _claim_version(session=session, case=case, version=case.version if version is None else version)
    latest = latest_escalation(session=session, case=case)
    key = deadline_key(case.due_at)
    policy = policy_for(session=session)
    latest.acknowledged_at, latest.acknowledged_by_id = now, actor.id
    latest.grace_until = policy.grace_until(case.kind, now)
    session.add(latest)
    instruction = (instruction or "").strip() or None
    data = {
        "step": latest.step,
        "level": latest.level,
        "deadline": key,
        "grace_until": latest.grace_until.isoformat(),
    }
    if instruction:
        data["instruction"] = instruction
    event = CaseEvent(
        case_id=case.id,
        at=now,
        actor_id=actor.id,
        action="escalation_acknowledged",
        from_status=case.status,
        to_status=case.status,
        agency_id=case.agency_id,
        data=data,
    )
    session.add(event)
    session.flush()
    if instruction:
        _mail_instruction(
            session=session, case=case, head=actor, instruction=instruction, event_id=event.id,
            now=now, base_url=base_url,
        )  # fmt: skip
    case.updated_at = now
    reschedule(session=session, case=case, now=now, policy=policy)
    session.add(case)
    session.flush()
    return case


def _claim_version(*, session: Session, case: Case, version: int) -> None:
    """Bump the case's version only if nobody else did (as the lifecycle does)."""
    table = Case.__table__
    result = session.execute(
        update(table)
        .where(table.c.id == case.id, table.c.version == version)
        .values(version=table.c.version + 1)
    )
    if result.rowcount != 1:
        raise Conflict("the case was changed by someone else; reload it and try again")
    case.version = version + 1


def _mail_instruction(
    *, session: Session, case: Case, head: User, instruction: str, event_id: int,
    now: datetime, base_url: str,
) -> None:  # fmt: skip
    """The head's instruction, by email to the officer in charge (none when unassigned)."""
    officer = session.get(User, case.assignee_id) if case.assignee_id else None
    if officer is None or not officer.is_active or not officer.email:
        return
    context = case_context(session=session, case=case, now=now, base_url=base_url)
    enqueue(
        session=session,
        key=f"ack:{case.id}:{event_id}:{officer.id}",
        template="officer_instruction",
        recipient=officer.email,
        recipient_name=officer.full_name,
        context={"case": context, "head_name": head.full_name, "instruction": instruction},
        now=now,
        case_id=case.id,
    )


def case_agency_head(*, session: Session, case: Case) -> int | None:
    agency = session.get(Agency, case.agency_id)
    return agency.head_user_id if agency else None
