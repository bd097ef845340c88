"""The one Jinja environment: web pages and print views (the agenda) render through it."""

from datetime import date, datetime
from pathlib import Path

from babel.numbers import format_decimal, format_percent
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from api import i18n
from api.labels import label
from core import typed_dates
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


def day(value: date | None) -> str:
    """A calendar day (no time zone to apply) as dd/mm/yyyy."""
    return typed_dates.format_day(value) if value else "—"


def percent(value: float | None, lang: str = "vi") -> str:
    """A share as the language writes it, one decimal: "100,0 %" in Vietnamese."""
    return "—" if value is None else format_percent(value, "#,##0.0 %", locale=lang)


def number(value: float | int | None, lang: str = "vi") -> str:
    """A count or figure as the language writes it: "4.427" in Vietnamese, "4,427" in English."""
    return "—" if value is None else format_decimal(value, locale=lang)


@pass_context
def _percent(context, value: float | None) -> str:
    return percent(value, context.get("lang", "vi"))


@pass_context
def _number(context, value: float | int | None) -> str:
    return number(value, context.get("lang", "vi"))


templates.env.filters.update(
    local_time=local_time,
    local_date=local_date,
    local_datetime=local_datetime,
    percent=_percent,
    number=_number,
    day=day,
)


# gettext for the templates (`_()`, `{% trans %}`, `pgettext()`), installed once: each call
# looks up the request's `lang` in the template context, so concurrent requests in two
# languages share the one environment safely (installing a language per request would
# rewrite the environment's globals under the other threads' feet).
@pass_context
def _gettext(context, message: str) -> str:
    return i18n.translations(context.get("lang", "vi")).gettext(message)


@pass_context
def _ngettext(context, singular: str, plural: str, n: int) -> str:
    return i18n.translations(context.get("lang", "vi")).ngettext(singular, plural, n)


@pass_context
def _pgettext(context, msgctxt: str, message: str) -> str:
    return i18n.translations(context.get("lang", "vi")).pgettext(msgctxt, message)


@pass_context
def _npgettext(context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return i18n.translations(context.get("lang", "vi")).npgettext(msgctxt, singular, plural, n)


@pass_context
def _label(context, group: str, value: object, **values) -> str:
    return label(context.get("lang", "vi"), group, value, **values)


templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
)
templates.env.globals["label"] = _label
