"""Template contexts built one way: the facts about a case every email repeats."""

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models import Agency, Case

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_date(value: datetime | str | None) -> str:
    """An instant (or its ISO text) as dd/mm/yyyy on the Hà Nội calendar; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")


def case_url(base_url: str, case_id: int) -> str:
    """Where staff open the case in the web UI."""
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def rating_url(base_url: str, code: str) -> str:
    """Where a citizen rates their resolved case (the code prefilled)."""
    return f"{base_url.rstrip('/')}/danh-gia?code={quote(code)}"


def lookup_url(base_url: str, code: str) -> str:
    """Where a citizen looks the case up by its tracking code."""
    return f"{base_url.rstrip('/')}/tra-cuu?code={quote(code)}"


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
    today = now.astimezone(LOCAL_TZ).date()
    due_day = due.astimezone(LOCAL_TZ).date() if due else None
    overdue = due is not None and now > due
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
        # Calendar days on the local calendar, counted from the due date.
        "days_overdue": max(0, (today - due_day).days) if overdue else 0,
        "days_left": max(0, (due_day - today).days) if due_day and not overdue else 0,
        "url": case_url(base_url, case.id),
        "lookup_url": lookup_url(base_url, case.code),
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
