"""The outbox rows of an escalation step: template, recipient and context."""

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import Case, Notification, NotificationState
from workflows.escalation_targets import Person, Tree
from workflows.ladder import Step, load_policy


def _template(target: str) -> str:
    if target == "officer":
        return "officer_reminder"
    return "head_escalation" if target == "head" else "parent_escalation"


def notification_row(
    *, case: Case, key: str, step: Step, target: str, person: Person, now: datetime,
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
        state=NotificationState.pending,
        attempts=0,
        next_attempt_at=send_after or now,
        created_at=now,
    )


def enqueue_many(*, session: Session, rows: list[dict[str, Any]]) -> int:
    """The batch form of notifications.outbox.enqueue: the same rows, the same rule (a row
    whose key exists is not written again), one statement for the whole batch."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Notification).on_conflict_do_nothing(
        index_elements=["idempotency_key"]
    )
    written = session.connection().execute(statement, rows).rowcount
    return written if written is not None and written >= 0 else len(rows)


def _head_below(tree: Tree, agency_id: int, target: str) -> str:
    if not target.startswith("head+"):
        return ""
    chain = tree.chain(agency_id)
    below = chain[: int(target.removeprefix("head+"))]
    names = [node.head.name for node in reversed(below) if node.head is not None]
    return names[0] if names else ""


@cache
def _shared_case_context():
    try:
        from notifications.context import case_context
    except ImportError:  # built in parallel (issue 3); the same keys until it is merged
        return None
    return case_context


def case_dict(*, session: Session, case: Case, now: datetime, base_url: str, tree: Tree) -> dict:
    """The case as the templates see it: notifications.context.case_context once it exists."""
    case_context = _shared_case_context()
    if case_context is not None:
        return case_context(session=session, case=case, now=now, base_url=base_url)
    tz = load_policy().tz
    today = now.astimezone(tz).date()
    due_day = case.due_at.astimezone(tz).date() if case.due_at else None
    overdue = case.due_at is not None and now > case.due_at
    node = tree.nodes.get(case.agency_id)
    return {
        "id": case.id,
        "code": case.code,
        "title": case.title,
        "kind": str(case.kind),
        "status": str(case.status),
        "agency_id": case.agency_id,
        "agency_name": node.name if node else "",
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "due_date": due_day.strftime("%d/%m/%Y") if due_day else "",
        "overdue": overdue,
        "days_overdue": max(0, (today - due_day).days) if overdue else 0,
        "days_left": max(0, (due_day - today).days) if due_day and not overdue else 0,
        "url": f"{base_url.rstrip('/')}/cases/{case.id}",
    }
