"""The outbox rows of an escalation step: template, recipient and context."""

from datetime import datetime

from sqlmodel import Session

from models import Case
from notifications.outbox import enqueue
from workflows.escalation_targets import Person, Tree
from workflows.ladder import load_policy


def _template(target: str) -> str:
    if target == "officer":
        return "officer_reminder"
    return "head_escalation" if target == "head" else "parent_escalation"


def notify(session, case, key, step, target, person: Person, now, send_after, base_url, tree):
    context = {
        "case": case_dict(session=session, case=case, now=now, base_url=base_url, tree=tree),
        "step": step.key,
        "level": step.level,
        "target": target,
        # For the parent's mail: the head below, who did not act.
        "head_name": _head_below(tree, case.agency_id, target),
    }
    return enqueue(
        session=session,
        key=f"esc:{case.id}:{key}:{step.key}:{person.user_id}",
        template=_template(target),
        recipient=person.email,
        recipient_name=person.name,
        context=context,
        now=now,
        case_id=case.id,
        send_after=send_after,
    )


def _head_below(tree: Tree, agency_id: int, target: str) -> str:
    if not target.startswith("head+"):
        return ""
    chain = tree.chain(agency_id)
    below = chain[: int(target.removeprefix("head+"))]
    names = [node.head.name for node in reversed(below) if node.head is not None]
    return names[0] if names else ""


def case_dict(*, session: Session, case: Case, now: datetime, base_url: str, tree: Tree) -> dict:
    """The case as the templates see it: notifications.context.case_context once it exists."""
    try:
        from notifications.context import case_context
    except ImportError:  # built in parallel (issue 3); the same keys until it is merged
        case_context = None
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
