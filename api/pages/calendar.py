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
    days, errors = [], {}
    for name, working in (("days_off", False), ("working_days", True)):
        try:
            days += [(d, working) for d in parse_days(form.get(name, ""))]
        except ValueError as bad:  # said beside its field, nothing added
            errors[name] = f"{page_translator(request)(forms.DAY)} ({bad})"
    if errors:
        error = " ".join(errors.values())
        return _page(request, session, user, error=error, errors=errors, form=form, status=422)
    try:
        if len(form.get("title", "")) > 255 or len(form.get("source", "")) > 500:
            raise Invalid("the title or the source is too long")
        calendar.add_announcement(
            session=session, title=form.get("title", ""), source=form.get("source", ""), days=days
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(request, session, user, error=exc.detail, form=form, status=exc.status_code)
    return redirect("/calendar?done=1")
