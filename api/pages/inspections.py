"""The inspector's list of inspections and the form that plans a new one.

The meeting page itself (agenda, conclusions, measures, report) is in inspection_meeting.py.
"""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from api.deps import Now, SessionDep
from api.i18n import N_
from api.pages.web import LOCAL_TZ, error_text, page_roles, page_translator, redirect, render
from core.errors import DomainError
from models import InspectionCreate, InspectionKind, Role, User
from workflows.deadlines import dates as deadlines
from workflows.inspections import service as inspections
from workflows.inspections import views as inspection_views

router = APIRouter(include_in_schema=False)
# Who plans inspections (POST /api/v1/inspections), and who may have some to list: heads sit
# on the teams of their agencies' self-inspections.
Planner = Annotated[User, Depends(page_roles(*inspections.CREATOR_ROLES))]
TeamMember = Annotated[User, Depends(page_roles(*inspections.CREATOR_ROLES, Role.head))]


class FormError(Exception):
    """A form the page cannot turn into a request: `key` is the message (an English msgid)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def form_text(form, name: str) -> str:
    return str(form.get(name) or "").strip()


def form_id(form, name: str, missing: str) -> int:
    value = form_text(form, name)
    if not value.isdigit():
        raise FormError(missing)
    return int(value)


def form_day_end(form, name: str, missing: str | None) -> datetime | None:
    """A date field as the end of that local day (None when empty and optional)."""
    value = form_text(form, name)
    if not value and missing is None:
        return None
    try:
        return deadlines.end_of_day(date.fromisoformat(value))
    except ValueError:
        raise FormError(missing or N_("Not a valid date.")) from None


def validation_text(exc: ValidationError) -> str:
    """Pydantic's complaint about a form, for the few cases the page did not check first."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def _plan_data(form) -> InspectionCreate:
    value = form_text(form, "meeting_at")
    try:
        meeting_at = datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise FormError(N_("Give the meeting's date and time.")) from None
    title = form_text(form, "title")
    if not title:
        raise FormError(N_("Give the inspection a title."))
    agency_id = form_id(form, "agency_id", N_("Choose the agency to inspect."))
    leader_id = form_id(form, "leader_id", N_("Choose the team leader."))
    others = [int(v) for v in form.getlist("member_ids") if str(v).isdigit()]
    return InspectionCreate(
        agency_id=agency_id,
        include_subtree=bool(form.get("include_subtree")),
        title=title,
        legal_basis=form_text(form, "legal_basis"),
        kind=form_text(form, "kind") or InspectionKind.planned,
        meeting_at=meeting_at,
        member_ids=[leader_id, *(o for o in dict.fromkeys(others) if o != leader_id)],
        leader_id=leader_id,
    )


def _list_page(request, session, user, values: dict, error: str | None = None, status=200):
    context = {
        "rows": inspection_views.listing(session=session, user=user),
        "agencies": inspection_views.target_agencies(session=session),
        "people": inspection_views.team_choices(session=session),
        "kinds": list(InspectionKind),
        "can_plan": user.role in inspections.CREATOR_ROLES,
        "values": values,
        "error": error,
    }
    return render(request, "inspections/index.html", context, user=user, status_code=status)


@router.get("/inspections")
def inspection_list(request: Request, session: SessionDep, user: TeamMember, now: Now):
    meeting = now.astimezone(LOCAL_TZ).replace(hour=8, minute=0, second=0, microsecond=0)
    values = {
        "kind": InspectionKind.planned.value,
        "meeting_at": meeting.strftime("%Y-%m-%dT%H:%M"),
        "leader_id": str(user.id) if user.role == Role.inspector else "",
        "member_ids": [],
        "include_subtree": True,
    }
    return _list_page(request, session, user, values)


@router.post("/inspections")
async def plan(request: Request, session: SessionDep, user: Planner, now: Now):
    form = await request.form()
    values = {
        **{key: form_text(form, key) for key in form if key != "member_ids"},
        "member_ids": [str(v) for v in form.getlist("member_ids")],
        "include_subtree": bool(form.get("include_subtree")),
    }
    try:
        inspection = inspections.create(session=session, data=_plan_data(form), actor=user, now=now)
        session.commit()
    except FormError as exc:
        session.rollback()
        message = page_translator(request)(exc.key)
        return _list_page(request, session, user, values, message, 422)
    except ValidationError as exc:
        session.rollback()
        return _list_page(request, session, user, values, validation_text(exc), 422)
    except DomainError as exc:
        session.rollback()
        message = error_text(request, exc)
        return _list_page(request, session, user, values, message, exc.status_code)
    return redirect(f"/inspections/{inspection.id}?done=planned")
