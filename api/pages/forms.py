"""One error path for every page form: a refused form is its page again, with the reason.

Page handlers are plain functions with a pydantic form model (`Annotated[Model, Form()]`).
Whatever refuses the request — a field the model rejects, a rule of the domain
(`DomainError`: 403, 404, 409, 422), a concurrent writer (a stale row, a unique key) — ends
here, after the request's session was rolled back and closed: the page the form lives on is
rendered again (`show_on_error` names it), with the status of the refusal, each field's
error beside it, the summary on top and what was typed kept. Nothing was written.

A page that is no form (a GET refused by the domain) is the error page with the message.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.datastructures import FormData
from starlette.responses import Response

from api.i18n import N_
from core.errors import Conflict, DomainError

FAILURE_KEY = "dondoc.form_failure"
_TYPED_NUMBER = re.compile(r"[0-9]{1,9}")


def typed_number(text: str) -> int | None:
    """A row id or page number typed in an address or a form: ASCII digits that fit
    PostgreSQL's integer, else None ("²".isdigit() is true, and int("²") fails)."""
    return int(text) if _TYPED_NUMBER.fullmatch(text) else None


# The words for what pydantic finds wrong with a field (`form.<kind>` in api/i18n.py).
REQUIRED = N_("This field is required.")
TOO_LONG = N_("Too long.")
INVALID = N_("Not a valid value.")
DAY = N_("Type the date as dd/mm/yyyy, e.g. 28/11/2026.")
MINUTE = N_("Type the date and time as dd/mm/yyyy HH:MM, e.g. 28/11/2026 08:00.")
NOT_A_DATE = N_("Write a date as dd/mm/yyyy.")
NOT_A_CHOICE = N_("Choose one of the options.")
_KINDS = {
    "missing": REQUIRED,
    "string_too_long": TOO_LONG,
    "too_long": TOO_LONG,
    "day_format": DAY,  # api/pages/date_fields.py
    "minute_format": MINUTE,
    "date_from_datetime_parsing": NOT_A_DATE,
    "date_parsing": NOT_A_DATE,
    "datetime_parsing": NOT_A_DATE,
    "datetime_from_date_parsing": NOT_A_DATE,
    "enum": NOT_A_CHOICE,
    "literal_error": NOT_A_CHOICE,
}


def _words(err: dict) -> str:
    """The words (a msgid) for one pydantic error: a blank text where one character is the
    least is a missing one."""
    if err["type"] == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        return REQUIRED
    return _KINDS.get(err["type"], INVALID)


class FormInvalid(Exception):
    """Fields a page found wrong itself: {field name: message, an English msgid marked with N_}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class PageRefused(Exception):
    """What refused a page request, with the form that was posted (raised by `PageRoute`)."""

    def __init__(self, cause: Exception, form: FormData | None):
        super().__init__(str(cause))
        self.cause = cause
        self.form = form


@dataclass
class FormFailure:
    """A refused form, as the page that shows it again reads it."""

    form: str  # which form on the page: an action's name, "conclusion", "measure", …
    status: int
    message: str | None  # the summary shown above the form
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    values: dict[str, str] = field(default_factory=dict)  # what was typed (first value)
    lists: dict[str, list[str]] = field(default_factory=dict)  # every value, per name
    cause: Exception | None = None

    def getlist(self, name: str) -> list[str]:
        return self.lists.get(name, [])


def show_on_error(
    page: str,
    *,
    form: str,
    messages: dict[str, str] | None = None,
    code_fields: dict[str, str] | None = None,
) -> Callable:
    """Mark a form handler: when refused, show the GET page `page` again (path parameters
    of the form's own path fill it in) with the form `form` open. `messages` gives a field
    its own words (a message key) instead of the generic ones; `code_fields` puts a domain
    error's words (by its code) beside the field it is about."""

    def mark(endpoint: Callable) -> Callable:
        endpoint.form_page = page  # type: ignore[attr-defined]
        endpoint.form_name = form  # type: ignore[attr-defined]
        endpoint.form_messages = messages or {}  # type: ignore[attr-defined]
        endpoint.form_code_fields = code_fields or {}  # type: ignore[attr-defined]
        return endpoint

    return mark


class PageRoute(APIRoute):
    """A page route: every refusal becomes a `PageRefused`, answered by `answer_refusal`
    (the JSON API keeps its own handlers for the same domain errors)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (
                RequestValidationError,
                ValidationError,
                FormInvalid,
                DomainError,
                StaleDataError,
                IntegrityError,
            ) as exc:
                raise PageRefused(exc, await _posted(request)) from exc
            except OperationalError as exc:
                if "could not serialize" in str(exc.orig) or "deadlock" in str(exc.orig):
                    raise PageRefused(exc, await _posted(request)) from exc
                raise

        return page_handler


async def _posted(request: Request) -> FormData | None:
    if request.method != "POST":
        return None
    try:
        return await request.form()  # parsed once already: this is the cached form
    except Exception:  # noqa: BLE001 -- a body that is no form: nothing to show again
        return None


def status_of(exc: Exception) -> int:
    if isinstance(exc, DomainError):
        return exc.status_code
    if isinstance(exc, StaleDataError | IntegrityError | OperationalError):
        return 409
    return 422


def field_errors(exc: Exception) -> dict[str, str]:
    """{field name: message key} for a form the model or the page refused."""
    if isinstance(exc, FormInvalid):
        return dict(exc.errors)
    if isinstance(exc, RequestValidationError):
        items = [
            (err["loc"][1:] if err["loc"][:1] == ("body",) else err["loc"], err)
            for err in exc.errors()
        ]
    elif isinstance(exc, ValidationError):
        items = [(err["loc"], err) for err in exc.errors()]
    else:
        return {}
    found: dict[str, str] = {}
    for loc, err in items:
        name = "_".join(str(part) for part in loc if not isinstance(part, int)) or "form"
        found.setdefault(name, _words(err))
    return found


def failure(
    *,
    exc: Exception,
    form_name: str,
    posted: FormData | None,
    translate: Callable[..., str],
    messages: dict[str, str],
    domain_text: Callable[[Exception], str],
    code_fields: dict[str, str] | None = None,
) -> FormFailure:
    """The refusal in words: a field's own message key (`messages`: what to give there)
    before the generic one; "too long" and a mistyped date are said as such. Each field's
    words go beside it and, together, on top."""
    keys = field_errors(exc)
    errors = {
        name: translate(key if key in (TOO_LONG, DAY, MINUTE) else messages.get(name, key))
        for name, key in keys.items()
    }
    code = getattr(exc, "code", None)
    if not errors and isinstance(exc, DomainError) and code in (code_fields or {}):
        errors = {code_fields[code]: domain_text(exc)}
    if errors:
        message = " ".join(dict.fromkeys(errors.values()))
    elif isinstance(exc, DomainError):
        message = domain_text(exc)
    else:
        message = translate(
            N_("Someone else changed the case. The page shows it now; check and try again.")
        )
    lists: dict[str, list[str]] = {}
    for key, value in posted.multi_items() if posted is not None else []:
        if isinstance(value, str):
            lists.setdefault(key, []).append(value)
    return FormFailure(
        form=form_name,
        status=status_of(exc),
        message=message,
        errors=errors,
        values={key: values[0] for key, values in lists.items()},
        lists=lists,
        cause=exc,
    )


def refused_fields(
    form: str,
    errors: dict[str, str],
    *,
    values: dict[str, str] | None = None,
    status: int = 422,
    message: str | None = None,
) -> FormFailure:
    """A form a page checked by hand, refused field by field (`errors`: field name -> words
    already in the page's language), for its template's `field_error` and `invalid` macros
    (api/templates/_form.html): pass it as `failed` in the page's context."""
    values = dict(values or {})
    return FormFailure(
        form=form,
        status=status,
        message=message,
        errors=errors,
        values=values,
        lists={key: [value] for key, value in values.items()},
    )


def changed_meanwhile(failed: FormFailure | None) -> bool:
    """Someone else's write won (a stale version, a unique key): the "changed meanwhile"
    page, rather than a reason of the domain's own."""
    if failed is None or failed.status != 409:
        return False
    return not isinstance(failed.cause, DomainError) or (
        isinstance(failed.cause, Conflict) and not failed.cause.code
    )


def form_failure(request: Request, form: str | None = None) -> FormFailure | None:
    """The refused form this GET shows again (only the form named `form`, when given)."""
    found: FormFailure | None = request.scope.get(FAILURE_KEY)
    if found is None or (form is not None and found.form != form):
        return None
    return found


async def show_again(request: Request, path: str, failed: FormFailure) -> Response:
    """The GET page at `path`, through the router (its own dependencies, its own session),
    with `failed` for it to show; answered with the refusal's status."""
    drop = ("endpoint", "route", "path_params")
    scope: dict[str, Any] = {k: v for k, v in request.scope.items() if k not in drop}
    # Only the language of the request carries over to the page shown again.
    lang = request.query_params.get("lang")
    query = urlencode({"lang": lang}).encode() if lang else b""
    scope.update(
        method="GET", path=path, raw_path=path.encode(), query_string=query, **{FAILURE_KEY: failed}
    )
    scope["headers"] = [
        (k, v) for k, v in request.scope["headers"] if k not in (b"content-type", b"content-length")
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def capture(message: dict) -> None:
        sent.append(message)

    await request.app.router(scope, receive, capture)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent[1:] if m["type"] == "http.response.body")
    # The page itself may refuse (gone, out of scope, signed out): its answer stands.
    status = failed.status if start["status"] == 200 else start["status"]
    response = Response(body, status_code=status)
    response.raw_headers = [
        (k, v) for k, v in start["headers"] if k.lower() != b"content-length"
    ] + [(b"content-length", str(len(body)).encode())]
    return response
