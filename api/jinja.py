"""The one Jinja environment: web pages and print views (the agenda) render through it."""

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from core.clock import LOCAL_TZ

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATE_DIR)


def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return value.astimezone(LOCAL_TZ).strftime(fmt) if value else "—"


def local_date(value: datetime | None) -> str:
    return local_time(value, "%d/%m/%Y")


def local_datetime(value: datetime | None) -> str:
    """Hour first, as the printed agenda writes it."""
    return local_time(value, "%H:%M %d/%m/%Y")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


templates.env.filters.update(
    local_time=local_time, local_date=local_date, local_datetime=local_datetime, percent=percent
)
