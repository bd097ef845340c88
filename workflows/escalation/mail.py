"""The outbox rows of an escalation step: template, recipient and context."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from models import Case, Notification, NotificationState
from workflows.escalation.batch_sql import insert_rows
from workflows.escalation.ladder import Step
from workflows.escalation.targets import Person, Tree


def _template(target: str) -> str:
    if target == "officer":
        return "officer_reminder"
    return "head_escalation" if target == "head" else "parent_escalation"


def notification_row(
    *, case: Case | Row, key: str, step: Step, target: str, person: Person, now: datetime,
    send_after: datetime | None, context_case: dict[str, Any], tree: Tree,
) -> dict[str, Any]:  # fmt: skip
    """One outbox row for one person told by a step; its key makes it once per person."""
    return dict(
        idempotency_key=f"esc:{case.id}:{key}:{step.key}:{person.user_id}",
        template=_template(target),
        recipient=person.email,
        recipient_name=person.name,
        context={
            "case": context_case,
            "step": step.key,
            "level": step.level,
            "target": target,
            # For the parent's mail: the head below, who did not act.
            "head_name": _head_below(tree, case.agency_id, target),
        },
        case_id=case.id,
        language="vi",
        state=NotificationState.pending.value,
        attempts=0,
        next_attempt_at=send_after or now,
        created_at=now,
    )


def enqueue_many(*, session: Session, rows: list[dict[str, Any]]) -> int:
    """The batch form of notifications.outbox.enqueue: the same rows, the same rule (a row
    whose key exists is not written again), one statement for the whole batch; the number
    written."""
    return insert_rows(
        session.connection(), Notification.__table__, rows, skip_existing=("idempotency_key",)
    )


def _head_below(tree: Tree, agency_id: int, target: str) -> str:
    if not target.startswith("head+"):
        return ""
    chain = tree.chain(agency_id)
    below = chain[: int(target.removeprefix("head+"))]
    names = [node.head.name for node in reversed(below) if node.head is not None]
    return names[0] if names else ""
