"""The daily digest: each head gets one mail on the overdue and soon-due cases below them."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Agency, Case, Notification, User
from notifications.outbox import enqueue
from workflows.deadlines.mail_facts import digest_context
from workflows.deadlines.overdue import running_condition
from workflows.escalation.sweep import policy_for
from workflows.org.agencies import subtree_ids

SOON_WORKING_DAYS = 3
MAX_CASES = 100


def write_digests(*, session: Session, as_of: datetime, base_url: str = "") -> int:
    """One digest per head per local day (a rerun writes nothing); none on days off.

    Returns the number of digests written.
    """
    policy = policy_for(session=session)
    day = as_of.astimezone(policy.tz).date()
    if not policy.calendar.is_working_day(day):
        return 0
    soon = policy.calendar.add_working_days(day, SOON_WORKING_DAYS)
    horizon = policy.local_instant(soon, policy.work_end)
    agencies_by_head: dict[int, list[Agency]] = defaultdict(list)
    rows = session.execute(
        select(Agency, User).join(User, User.id == Agency.head_user_id).where(User.is_active)
    )
    heads: dict[int, User] = {}
    for agency, head in rows:
        agencies_by_head[head.id].append(agency)
        heads[head.id] = head
    written = 0
    for head_id, agencies in agencies_by_head.items():
        ids = {i for a in agencies for i in subtree_ids(session=session, agency_id=a.id)}
        cases = list(
            session.scalars(
                select(Case)
                .where(Case.agency_id.in_(ids), running_condition(), Case.due_at <= horizon)
                .order_by(Case.due_at, Case.id)
                .limit(MAX_CASES)
            )
        )
        if not cases:
            continue  # nothing overdue or near: no mail
        name = ", ".join(a.name for a in agencies)
        context = digest_context(
            session=session, cases=cases, now=as_of, base_url=base_url, agency_name=name
        )
        head = heads[head_id]
        key = f"digest:{head_id}:{day.isoformat()}"
        # Counted by a look-up: enqueue's own answer is not reliable on PostgreSQL (psycopg
        # reports rowcount -1 for this statement under SQLAlchemy 2.1).
        exists = session.scalar(select(Notification.id).where(Notification.idempotency_key == key))
        if exists is not None:
            continue
        written += 1
        enqueue(
            session=session,
            key=key,
            template="daily_digest",
            recipient=head.email,
            recipient_name=head.full_name,
            context=context,
            now=as_of,
        )
    return written
