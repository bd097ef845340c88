"""Rendering a notification: subject, plain text and HTML from Jinja templates.

Templates live in notifications/templates/<language>/<name>.txt (blocks `subject` and
`body`) and <name>.html (block `body`). Vietnamese is the default; a language without
templates falls back to Vietnamese.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from notifications.context import local_date

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

# The context keys each template needs (besides recipient_name, which comes from the row).
# `case` is workflows.deadlines.mail_facts.case_context(); see docs/notifications.md.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "officer_reminder": ("case",),
    "head_escalation": ("case",),
    "parent_escalation": ("case", "head_name"),
    "officer_instruction": ("case", "head_name", "instruction"),
    "daily_digest": ("agency_name", "date", "cases", "overdue_count"),
    "citizen_receipt": ("case",),
    "citizen_accepted": ("case",),
    "citizen_declined": ("case", "reason"),
    "citizen_apology": ("case", "reason", "new_due_at"),
    "citizen_answer": ("case", "answer"),
    "citizen_notice": ("case", "notice"),
    "ping_pong": ("case", "from_agency", "to_agency", "transfer_count"),
    # The acknowledgement of a message to an agency's feedback mailbox (docs/channels.md).
    "inbox_ack": ("agency_name", "subject", "received_at"),
}
CASE_KEYS = ("code", "title", "agency_name", "due_date", "overdue", "days_overdue", "days_left")


class RenderError(Exception):
    """The notification cannot be rendered (unknown template, missing or bad context)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@lru_cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters["local_date"] = local_date
    return env


def missing_keys(template: str, context: dict[str, Any]) -> list[str]:
    """The required keys absent from `context` (case keys as `case.code`, …)."""
    missing = [key for key in TEMPLATES[template] if key not in context]
    if "case" in TEMPLATES[template] and isinstance(context.get("case"), dict):
        missing += [f"case.{key}" for key in CASE_KEYS if key not in context["case"]]
    return missing


def render(
    *, template: str, context: dict[str, Any], recipient_name: str = "", language: str = "vi"
) -> RenderedEmail:
    """The email for one notification; raises RenderError with the reason."""
    if template not in TEMPLATES:
        raise RenderError(f"unknown template {template!r}")
    missing = missing_keys(template, context)
    if missing:
        raise RenderError(f"template {template!r} needs context keys: {', '.join(missing)}")
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    env = environment()
    # The greeting's title (notifications/templates/*/_base.*): a citizen is "ông/bà", an
    # official "đồng chí" (docs/glossary.md).
    to_citizen = template.startswith("citizen") or template == "inbox_ack"  # a citizen wrote in
    values = {
        **context,
        "recipient_name": recipient_name,
        "language": language,
        "to_citizen": to_citizen,
    }
    try:
        # `m` is the case macros of the language (facts, deadline), plain or HTML-escaped.
        text_values = {**values, "m": env.get_template(f"{language}/_case.txt").module}
        text_template = env.get_template(f"{language}/{template}.txt")
        subject_block = text_template.blocks["subject"]
        subject = " ".join("".join(subject_block(text_template.new_context(text_values))).split())
        text = text_template.render(text_values).strip() + "\n"
        html_macros = env.get_template(f"{language}/_case.html").module
        html = env.get_template(f"{language}/{template}.html").render(
            {**values, "m": html_macros, "subject": subject}
        )
    except Exception as exc:  # any template fault is this notification's, recorded by the caller
        detail = f"template {template!r} ({language}): {type(exc).__name__}: {exc}"
        raise RenderError(detail) from exc
    return RenderedEmail(subject=subject, text=text, html=html)
