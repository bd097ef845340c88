"""How emails write dates and links (the facts about a case: workflows/deadlines/mail_facts.py)."""

from datetime import datetime
from urllib.parse import quote

from core.clock import LOCAL_TZ


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
