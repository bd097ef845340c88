"""Notices the law requires (LEGAL.md): each a due step on the case, so the officer is
reminded; sent by email where the citizen gave one, otherwise printed as the form and handed
over (then marked sent).

- accept (complaint, petition, dossier) -> acceptance, by the end of the acceptance day
  (Law 02/2011 Art. 27; Luật Tiếp công dân Art. 28);
- accept (denunciation) -> denunciation_accepted, within 5 working days (Luật Tố cáo
  Art. 29.3; NĐ 31/2019 Art. 9);
- request_documents (dossier) -> completion_request, form 02, the same day (NĐ 61/2018
  Art. 19.4);
- transfer -> transfer, within 5 working days (Luật Tố cáo Art. 24.2; NĐ 20/2008 Art. 9.1(d));
- extend -> extension, the same day (Luật Tố cáo Art. 30.4).
"Same day" is a product default where the law names no count.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from core.errors import Conflict, Invalid, NotFound
from models import Case, CaseKind, CaseNotice, User
from notifications.outbox import enqueue
from workflows.deadlines import dates
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.mail_facts import case_context


@dataclass(frozen=True)
class Rule:
    kind: str
    working_days: int  # 0: due at the end of the action's day (a product default)
    source: str
    email_sent_by: str | None = None  # an existing citizen email that already carries it


def rule_for(*, case: Case, action: str) -> Rule | None:
    """The notice an action owes the citizen, if any."""
    if action == "accept" and case.kind == CaseKind.denunciation:
        return Rule(
            "denunciation_accepted",
            5,
            "Luật Tố cáo 2018 Điều 29.3; NĐ 31/2019 Điều 9",
            "citizen_accepted",
        )
    if action == "accept":
        return Rule(
            "acceptance",
            0,
            "Luật Khiếu nại Điều 27; Luật Tiếp công dân Điều 28; NĐ 61/2018",
            "citizen_accepted",
        )
    if action == "request_documents" and case.kind == CaseKind.dossier:
        return Rule("completion_request", 0, "NĐ 61/2018 Điều 19.4 (mẫu 02)")
    if action == "transfer":
        source = (
            "Luật Tố cáo 2018 Điều 24.2"
            if case.kind == CaseKind.denunciation
            else "NĐ 20/2008 Điều 9.1(d); Luật Tiếp công dân"
        )
        return Rule("transfer", 5, source)
    if action == "extend":
        return Rule("extension", 0, "Luật Tố cáo 2018 Điều 30.4")
    return None


def create(
    *,
    session: Session,
    case: Case,
    action: str,
    data: dict[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    base_url: str,
) -> CaseNotice | None:
    """Record the notice an action owes, and email it where the citizen gave an address."""
    rule = rule_for(case=case, action=action)
    if rule is None:
        return None
    day = dates.local_date(now)
    if rule.working_days:
        day = calendar.add_working_days(day, rule.working_days)
    notice = CaseNotice(
        case_id=case.id,
        kind=rule.kind,
        source=rule.source,
        due_at=dates.end_of_day(day),
        created_at=now,
        channel="email" if case.citizen_email else "print",
        data={
            key: data[key]
            for key in ("missing", "reason", "to_agency_id", "from_agency_id", "units", "due_at")
            if key in data
        },
    )
    if case.citizen_email:
        notice.sent_at = now
        if rule.email_sent_by is None:
            context = {
                "case": case_context(session=session, case=case, now=now, base_url=base_url),
                "notice": {"kind": rule.kind, "source": rule.source, **notice.data},
            }
            enqueue(
                session=session,
                key=f"notice:{case.id}:{rule.kind}:{case.version}",
                template="citizen_notice",
                recipient=case.citizen_email,
                recipient_name=case.citizen_name,
                context=context,
                case_id=case.id,
                now=now,
            )
    session.add(notice)
    return notice


def for_case(*, session: Session, case_id: int) -> list[CaseNotice]:
    return list(
        session.exec(
            select(CaseNotice).where(CaseNotice.case_id == case_id).order_by(CaseNotice.id)
        )
    )


def get(*, session: Session, case_id: int, notice_id: int) -> CaseNotice:
    notice = session.get(CaseNotice, notice_id)
    if notice is None or notice.case_id != case_id:
        raise NotFound(f"notice {notice_id} not found", code="notice.not_found")
    return notice


def mark_sent(
    *, session: Session, case_id: int, notice_id: int, actor: User, now: datetime
) -> CaseNotice:
    """A printed notice was handed over or posted; only once (a second marking is a 409)."""
    notice = get(session=session, case_id=case_id, notice_id=notice_id)
    if notice.sent_at is not None:
        raise Invalid("this notice was already sent", code="notice.already_sent")
    table = CaseNotice.__table__
    result = session.execute(
        sa.update(table)
        .where(table.c.id == notice.id, table.c.sent_at.is_(None))
        .values(sent_at=now, sent_by_id=actor.id)
    )
    if result.rowcount != 1:
        raise Conflict("someone else marked this notice sent; reload the case")
    session.refresh(notice)
    return notice


def unsent_counts(*, session: Session, case_ids: list[int]) -> dict[int, int]:
    """How many notices each case still owes its citizen (the officer's reminder)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseNotice.case_id, sa.func.count())
        .where(CaseNotice.case_id.in_(case_ids), CaseNotice.sent_at.is_(None))
        .group_by(CaseNotice.case_id)
    )
    return {case_id: int(count) for case_id, count in rows}


def is_overdue(notice: CaseNotice, now: datetime) -> bool:
    return notice.sent_at is None and notice.due_at < now
