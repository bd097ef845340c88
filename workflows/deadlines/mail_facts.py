"""The facts about a case and its deadline that every email repeats, built one way.

The overdue rule is workflows/deadlines/overdue.py: a case on hold is never called overdue.
Dates and links are written as notifications/context.py writes them.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from core.clock import local_date as local_day
from models import Agency, Case
from notifications.context import case_url, local_date, lookup_url
from workflows.deadlines.overdue import is_overdue, is_paused


def case_context(*, session: Session, case: Case, now: datetime, base_url: str) -> dict[str, Any]:
    """The case as templates see it (JSON-serialisable, frozen at enqueue time)."""
    agency = session.get(Agency, case.agency_id)
    return case_facts(
        case=case, agency_name=agency.name if agency else "", now=now, base_url=base_url
    )


def case_facts(*, case: Any, agency_name: str, now: datetime, base_url: str) -> dict[str, Any]:
    """case_context() without the session: `case` is a Case or a row with the same columns
    (id, code, title, kind, status, agency_id, received_at, due_at), for callers that already
    hold the agency's name (the escalation sweep, which loads the agencies once per batch)."""
    due = case.due_at
    today = local_day(now)
    due_day = local_day(due) if due else None
    overdue = is_overdue(case=case, now=now)
    return {
        "id": case.id,
        "code": case.code,
        "title": case.title,
        "kind": str(case.kind),
        "status": str(case.status),
        "agency_id": case.agency_id,
        "agency_name": agency_name,
        "received_date": local_date(case.received_at),
        "due_at": due.isoformat() if due else None,
        "due_date": due_day.strftime("%d/%m/%Y") if due_day else "",
        "overdue": overdue,
        "paused": is_paused(case),
        # Calendar days on the local calendar, counted from the due date.
        "days_overdue": max(0, (today - due_day).days) if overdue else 0,
        "days_left": max(0, (due_day - today).days) if due_day and not overdue else 0,
        "url": case_url(base_url, case.id),
        "lookup_url": lookup_url(base_url, case.code),
        # A dossier's return date as on the slip (form 01); empty for rows without it.
        "promised_date": local_date(getattr(case, "promised_at", None)),
    }


def _severity(item: dict[str, Any]) -> tuple:
    """Worst first: overdue longest, then the nearest deadline, cases without one last."""
    return (
        not item["overdue"],
        -item["days_overdue"],
        item["due_at"] is None,
        item["due_at"] or "",
    )


def digest_context(
    *, session: Session, cases: list[Case], now: datetime, base_url: str, agency_name: str
) -> dict[str, Any]:
    """The daily digest of an agency: its cases worst first."""
    items = [case_context(session=session, case=c, now=now, base_url=base_url) for c in cases]
    items.sort(key=_severity)
    return {
        "agency_name": agency_name,
        "date": local_date(now),
        "cases": items,
        "overdue_count": sum(1 for item in items if item["overdue"]),
    }
