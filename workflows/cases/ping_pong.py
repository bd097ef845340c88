"""A case bounced back to an agency that already held it (ping-pong): the head of the nearest
agency above both is told at once, to settle which one is competent.

The transfer effect finds that head (`arbiter`) and records it on the transfer's event; the
email goes to the outbox with the transfer itself (`notify`). An agency without an active head
is skipped upward and named on the event; when nobody is found, the event says so.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models import Agency, Case, User
from notifications.outbox import enqueue
from workflows.deadlines.mail_facts import case_context
from workflows.org import agencies


def arbiter(*, session: Session, first_id: int, second_id: int) -> dict[str, Any]:
    """The active head of the nearest agency that is, or lies above, both agencies."""
    above_second = {second_id} | {
        a.id for a in agencies.ancestors(session=session, agency_id=second_id)
    }
    chain = [
        session.get(Agency, first_id),
        *agencies.ancestors(session=session, agency_id=first_id),
    ]
    skipped = []
    for agency in (a for a in chain if a.id in above_second):
        head = session.get(User, agency.head_user_id) if agency.head_user_id else None
        if head is not None and head.is_active:
            return {
                "agency_id": agency.id,
                "agency_name": agency.name,
                "user_id": head.id,
                "name": head.full_name,
                "skipped": skipped,
            }
        skipped.append(agency.name)
    return {"user_id": None, "skipped": skipped}


def notify(
    *,
    session: Session,
    case: Case,
    action: str,
    data: dict[str, Any],
    now: datetime,
    base_url: str,
) -> None:
    """Queue the arbiter's email for a transfer that bounced the case back."""
    found = data.get("ping_pong_arbiter") if action == "transfer" else None
    if not found or found["user_id"] is None:
        return
    head = session.get(User, found["user_id"])
    context = {
        "case": case_context(session=session, case=case, now=now, base_url=base_url),
        "from_agency": session.get(Agency, data["from_agency_id"]).name,
        "to_agency": session.get(Agency, data["to_agency_id"]).name,
        "transfer_count": case.transfer_count,
    }
    enqueue(
        session=session,
        key=f"ping_pong:{case.id}:{case.version}",
        template="ping_pong",
        recipient=head.email,
        recipient_name=head.full_name,
        context=context,
        case_id=case.id,
        now=now,
    )
