"""The administrator's calendar page: announced days off and worked days, with sources."""

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.deps import SessionDep
from api.pages import forms
from api.pages.web import page_roles, page_translator, redirect, render
from core import typed_dates
from core.errors import DomainError, Invalid
from models import Role, User
from workflows.deadlines import calendar

router = APIRouter(include_in_schema=False)
AdminPageUser = Annotated[User, Depends(page_roles(Role.admin))]


def parse_days(text: str) -> list[date]:
    """Days typed as dd/mm/yyyy, separated by commas, spaces or new lines; ValueError
    naming the first that is no day."""
    days = []
    for item in re.split(r"[,;\s]+", text.strip()):
        if not item:
            continue
        try:
            days.append(typed_dates.parse_day(item))
        except ValueError:
            raise ValueError(item) from None  # the day that is none
    return days


def _page(request: Request, session, user: User, **extra):
    context = {"announcements": calendar.announcements(session=session), **extra}
    return render(
        request, "calendar.html", context, user=user, status_code=extra.get("status", 200)
    )


@router.get("/calendar")
def calendar_page(request: Request, session: SessionDep, user: AdminPageUser):
    return _page(request, session, user, done=request.query_params.get("done"))


@router.post("/calendar")
async def add_announcement(request: Request, session: SessionDep, user: AdminPageUser):
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    _ = page_translator(request)
    errors: dict[str, str] = {}
    days: list[tuple[date, bool]] = []
    for name, working in (("days_off", False), ("working_days", True)):
        try:
            days += [(d, working) for d in parse_days(form.get(name, ""))]
        except (Invalid, ValueError):
            errors[name] = _("Write each day as dd/mm/yyyy, separated by commas.")
    for name, longest in (("title", 255), ("source", 500)):
        if not form.get(name):
            errors[name] = _(forms.REQUIRED)
        elif len(form[name]) > longest:
            errors[name] = _(forms.TOO_LONG)
    if not errors and not days:
        errors["days_off"] = _("Give at least one day off or worked day.")
    if not errors:
        try:
            calendar.add_announcement(
                session=session, title=form["title"], source=form["source"], days=days
            )
            session.commit()
            return redirect("/calendar?done=1")
        except DomainError:  # a day listed twice
            session.rollback()
            errors["days_off"] = _("A day is listed twice.")
    failed = forms.refused_fields("calendar", errors, values=form)
    message = " ".join(dict.fromkeys(errors.values()))
    return _page(request, session, user, error=message, form=form, failed=failed, status=422)
