"""The inspector's list of inspections and the form that plans a new one.

The meeting page itself (agenda, conclusions, measures, report) is in inspection_meeting.py.
"""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Now, SessionDep
from api.i18n import N_
from api.pages import forms
from api.pages.date_fields import PageMinute
from api.pages.web import LOCAL_TZ, page_roles, redirect, render
from core import typed_dates
from models import InspectionCreate, InspectionKind, Role, User
from models.base import Id, Text
from workflows.deadlines import dates as deadlines
from workflows.inspections import service as inspections
from workflows.inspections import views as inspection_views

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
# Who plans inspections (POST /api/v1/inspections), and who may have some to list: heads sit
# on the teams of their agencies' self-inspections.
Planner = Annotated[User, Depends(page_roles(*inspections.CREATOR_ROLES))]
TeamMember = Annotated[User, Depends(page_roles(*inspections.CREATOR_ROLES, Role.head))]


def day_end(value: date | None) -> datetime | None:
    """A date field as the end of that local day."""
    return None if value is None else deadlines.end_of_day(value)


class PlanForm(BaseModel):
    """The planning form as the page posts it (`meeting_at` in local time)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    agency_id: Id
    include_subtree: bool = False
    title: Text = Field(min_length=1, max_length=500)
    legal_basis: Text = Field(default="", max_length=500)
    kind: InspectionKind = InspectionKind.planned
    meeting_at: PageMinute  # dd/mm/yyyy HH:MM, local time
    leader_id: Id
    member_ids: list[Id] = Field(default_factory=list, max_length=50)

    def inspection(self) -> InspectionCreate:
        others = [o for o in dict.fromkeys(self.member_ids) if o != self.leader_id]
        return InspectionCreate(
            **self.model_dump(exclude={"member_ids", "leader_id"}),
            member_ids=[self.leader_id, *others],
            leader_id=self.leader_id,
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
        "meeting_at": typed_dates.format_minute(meeting),
        "leader_id": str(user.id) if user.role == Role.inspector else "",
        "member_ids": [],
        "include_subtree": True,
    }
    failed = forms.form_failure(request, "plan")
    if failed is not None:  # refused: what was typed, the reason
        values = {
            **failed.values,
            "member_ids": failed.getlist("member_ids"),
            "include_subtree": bool(failed.values.get("include_subtree")),
        }
        return _list_page(request, session, user, values, failed.message, failed.status)
    return _list_page(request, session, user, values)


@router.post("/inspections")
@forms.show_on_error(
    "/inspections",
    form="plan",
    messages={
        "title": N_("Give the inspection a title."),
        "leader_id": N_("Choose the team leader."),
        "meeting_at": N_("Give the meeting's date and time."),
        "agency_id": N_("Choose the agency to inspect."),
    },
)
def plan(session: SessionDep, user: Planner, now: Now, form: Annotated[PlanForm, Form()]):
    inspection = inspections.create(session=session, data=form.inspection(), actor=user, now=now)
    session.commit()
    return redirect(f"/inspections/{inspection.id}?done=planned")
