"""What the citizen is told, and when: written to the outbox with the change that causes it.

Receipt (with the tracking code and the promised date), acceptance (thụ lý), a decline with
its reason, the apology and new appointment of a late dossier (NĐ 61/2018 Art. 19.9), and the
answer. Citizens who gave an email address are written to, those who gave only a phone get
an SMS where a gateway is configured; one notice per case, action
and version, so a retried request never writes two.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models import Case
from notifications.context import rating_url
from notifications.outbox import enqueue
from workflows.deadlines.mail_facts import case_context

TEMPLATES = {
    "receive": "citizen_receipt",
    "accept": "citizen_accepted",
    "decline": "citizen_declined",
    "reset_date": "citizen_apology",
    "resolve": "citizen_answer",
}


def notify(
    *,
    session: Session,
    case: Case,
    action: str,
    data: dict[str, Any],
    now: datetime,
    base_url: str,
    sms: bool = False,
) -> None:
    """Queue the citizen's email for `action`, if the action concerns them and they have one."""
    if not owed(case=case, action=action, sms=sms):
        return
    facts = case_context(session=session, case=case, now=now, base_url=base_url)
    fields = message(
        case=case, action=action, data=data, facts=facts, now=now, base_url=base_url, sms=sms
    )
    enqueue(session=session, **fields)


def owed(*, case: Case, action: str, sms: bool = False) -> bool:
    """Whether `action` writes the citizen a message: an email where the citizen gave one; an
    SMS where they gave only a phone and `sms` says a gateway is configured (the edge passes
    it, as it passes `base_url`; notifications/sms.py)."""
    return action in TEMPLATES and bool(case.citizen_email or _by_sms(case, sms))


def _by_sms(case: Case, sms: bool) -> bool:
    return not case.citizen_email and bool(case.citizen_phone) and sms


def message(
    *,
    case: Case,
    action: str,
    data: dict[str, Any],
    facts: dict[str, Any],
    now: datetime,
    base_url: str,
    sms: bool = False,
) -> dict[str, Any]:
    """The outbox row's fields (enqueue's arguments) for an owed message; `facts` is the case
    as templates see it (mail_facts.case_context)."""
    by_sms = _by_sms(case, sms)
    context: dict[str, Any] = {"case": facts}
    if action == "decline":
        context["reason"] = data["reason"]
    elif action == "reset_date":
        context["reason"] = data["reason"]
        context["new_due_at"] = case.due_at.isoformat()
        if data.get("previous_due_at"):
            context["old_due_at"] = data["previous_due_at"]
    elif action == "resolve":
        context["answer"] = data["answer"]
        context["rating_url"] = rating_url(base_url, case.code)
    return dict(
        key=f"citizen:{case.id}:{action}:{case.version}",
        template=TEMPLATES[action],
        recipient=case.citizen_phone if by_sms else case.citizen_email,
        recipient_name=case.citizen_name,
        context=context,
        case_id=case.id,
        now=now,
        channel="sms" if by_sms else "email",
    )
