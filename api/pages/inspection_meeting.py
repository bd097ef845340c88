"""The inspection meeting page: the agenda with a conclusion form per case, the measures,
and the inspection's report.

Members conclude and record measures; administrators read it; anyone else gets the 403
page, as from the API. A refused form re-renders the page with the reason in words, the
form open and what was typed kept; nothing is written.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Now, SessionDep, SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.date_fields import PageDay
from api.pages.inspections import day_end
from api.pages.web import (
    LOCAL_TZ,
    PageForbidden,
    PageNotFound,
    PageUser,
    error_text,
    local_time,
    page_label,
    page_translator,
    redirect,
    render,
)
from core.errors import DomainError, Forbidden, NotFound
from models import (
    Case,
    ConclusionCreate,
    ConclusionOutcome,
    Inspection,
    MeasureCreate,
    MeasureKind,
    User,
)
from models.base import MAX_INT, Id, Text
from workflows.cases import access
from workflows.inspections import agenda as inspection_agenda
from workflows.inspections import reports as inspection_reports
from workflows.inspections import service as inspections
from workflows.inspections import views as inspection_views

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)


def page_inspection(inspection_id: Id, session: SessionDep, user: PageUser) -> Inspection:
    """The inspection in the path, for its members and administrators (403 page otherwise)."""
    try:
        inspection = inspections.get(session=session, inspection_id=inspection_id)
        inspections.require_reader(session=session, inspection=inspection, user=user)
    except NotFound:
        raise PageNotFound() from None
    except Forbidden:
        raise PageForbidden() from None
    return inspection


PageInspection = Annotated[Inspection, Depends(page_inspection)]


def _meeting(
    request: Request,
    session,
    user: User,
    inspection: Inspection,
    now: datetime,
):
    error, status = _refused_form(request, session, inspection), 200
    agenda = inspection_agenda.agenda(session=session, inspection=inspection, now=now, viewer=user)
    session.commit()  # the denouncers shown to this reader (workflows/cases/confidentiality)
    units, officials = inspection_views.measure_targets(session=session, inspection=inspection)
    visible = access.visible_agency_ids(session=session, user=user)
    on_agenda = {item.case_id for item in agenda.items}
    member = inspections.is_member(session=session, inspection=inspection, user=user)
    context = {
        "inspection": inspections.public(session=session, inspection=inspection),
        "agenda": agenda,
        "can_conclude": member,
        "conclusions": inspection_views.conclusions(session=session, inspection=inspection),
        "responsible": inspection_views.responsible_choices(
            session=session, agency_ids={item.agency_id for item in agenda.items}
        ),
        "units": units,
        "officials": officials,
        "measures": inspection_views.measures(session=session, inspection=inspection, now=now),
        "measure_kinds": list(MeasureKind),
        "report": inspection_reports.report(session=session, inspection=inspection, now=now),
        "linked_agencies": None if visible is None else set(visible),
        "today": now.astimezone(LOCAL_TZ).date().isoformat(),
        "done": request.query_params.get("done"),
        "done_case": request.query_params.get("case"),
        "error": error,
        # A member sees the reason inside the case's open form; anyone else on top.
        "error_on_agenda": bool(member and error and error.get("case_id") in on_agenda),
    }
    return render(request, "inspections/meeting.html", context, user=user, status_code=status)


def _refused_form(request: Request, session, inspection: Inspection) -> dict | None:
    """A refused conclusion or measure, as the meeting template shows it."""
    failed = forms.form_failure(request)
    if failed is None or failed.form not in ("conclusion", "measure"):
        return None
    values = failed.values
    if failed.form == "measure":
        fields = failed.errors
        return {"form": "measure", "message": failed.message, "values": values, "fields": fields}
    typed = values.get("case_id", "")
    case_id = forms.typed_number(typed)
    message = failed.message
    if failed.status == 409:
        cause = failed.cause if isinstance(failed.cause, DomainError) else None
        message = _conflict_text(request, session, inspection, case_id, cause)
    return {
        "form": "conclusion",
        "case_id": case_id,
        "message": message,
        "values": values,
        "fields": failed.errors,
    }


@router.get("/inspections/{inspection_id}")
def meeting(
    request: Request, session: SessionDep, user: PageUser, inspection: PageInspection, now: Now
):
    return _meeting(request, session, user, inspection, now)


class ConclusionForm(BaseModel):
    """One case's conclusion form on the agenda (`due_date`: a local day)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    case_id: Id
    version: Id | None = None
    outcome: ConclusionOutcome
    text: Text = Field(min_length=1, max_length=5000)
    responsible_user_id: Id | None = None
    due_date: PageDay | None = None

    def conclusion(self) -> ConclusionCreate:
        if self.outcome != ConclusionOutcome.directive:  # a closing's directive fields: ignored
            closing = self.model_dump(include={"case_id", "version", "outcome", "text"})
            return ConclusionCreate(**closing)
        missing = {}
        if self.responsible_user_id is None:
            missing["responsible_user_id"] = N_("A directive needs a responsible person.")
        if self.due_date is None:
            missing["due_date"] = N_("A directive needs a deadline (a date).")
        if missing:
            raise forms.FormInvalid(missing)
        return ConclusionCreate(
            **self.model_dump(exclude={"due_date"}), due_at=day_end(self.due_date)
        )


def _conflict_text(request: Request, session, inspection: Inspection, case_id, exc) -> str:
    """Why nothing was written: concluded already at this meeting, or changed meanwhile."""
    _ = page_translator(request)
    if exc is None or exc.code == "insp.already_concluded":
        rows = inspection_views.conclusions(session=session, inspection=inspection)
        for row in rows:
            if row.conclusion.case_id == case_id:
                return _(
                    "Case %(code)s was already concluded at this meeting (%(outcome)s, recorded"
                    " by %(who)s at %(at)s). A second conclusion was not recorded.",
                    code=row.code,
                    outcome=page_label(request, "insp.outcome", row.conclusion.outcome),
                    who=row.author_name,
                    at=local_time(row.conclusion.created_at),
                )
        return error_text(request, exc) if exc else _("Not recorded: invalid input.")
    case = session.get(Case, case_id) if case_id is not None else None
    if case is None:
        return error_text(request, exc)
    return _(
        "Case %(code)s changed after this page was opened (now: %(status)s). Nothing was"
        " recorded; the page shows the case as it is now: check it and record again.",
        code=case.code,
        status=page_label(request, "status", case.status),
    )


@router.post("/inspections/{inspection_id}/conclusions")
@forms.show_on_error(
    "/inspections/{inspection_id}",
    form="conclusion",
    messages={
        "outcome": N_("Choose an outcome: close the case or give a directive."),
        "text": N_("Write the conclusion."),
        "case_id": N_("Which case? None was given."),
        "responsible_user_id": N_("A directive needs a responsible person."),
        "due_date": N_("A directive needs a deadline (a date)."),
    },
)
def conclude(
    session: SessionDep,
    settings: SettingsDep,
    user: PageUser,
    inspection: PageInspection,
    now: Now,
    form: Annotated[ConclusionForm, Form()],
):
    data = form.conclusion()
    inspections.conclude(
        session=session,
        inspection=inspection,
        data=data,
        actor=user,
        now=now,
        base_url=settings.base_url,
    )
    session.commit()
    return redirect(
        f"/inspections/{inspection.id}?done={data.outcome}&case={data.case_id}#conclusions"
    )


class MeasureForm(BaseModel):
    """The measure form: `target` is `agency:<id>` or `user:<id>`."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    target: str = Field(pattern=r"^(agency|user):[0-9]{1,10}$")
    measure: MeasureKind
    text: Text = Field(min_length=1, max_length=5000)
    due_date: PageDay | None = None

    def measure_data(self) -> MeasureCreate:
        if self.measure == MeasureKind.explanation_report and self.due_date is None:
            raise forms.FormInvalid({"due_date": N_("An explanation report needs a due date.")})
        kind, _, ident = self.target.partition(":")
        if int(ident) > MAX_INT:
            raise forms.FormInvalid(
                {"target": N_("Choose the unit or official the measure is against.")}
            )
        return MeasureCreate(
            target={f"{kind}_id": int(ident)},
            measure=self.measure,
            text=self.text,
            due_at=day_end(self.due_date),
        )


MEASURE_MESSAGES = {
    "target": N_("Choose the unit or official the measure is against."),
    "measure": N_("Choose the measure."),
    "text": N_("Write what the measure says."),
}


@router.post("/inspections/{inspection_id}/measures")
@forms.show_on_error("/inspections/{inspection_id}", form="measure", messages=MEASURE_MESSAGES)
def add_measure(
    session: SessionDep,
    user: PageUser,
    inspection: PageInspection,
    now: Now,
    form: Annotated[MeasureForm, Form()],
):
    inspections.add_measure(
        session=session, inspection=inspection, data=form.measure_data(), actor=user, now=now
    )
    session.commit()
    return redirect(f"/inspections/{inspection.id}?done=measure#measures")


@router.post("/inspections/{inspection_id}/measures/{measure_id}/done")
@forms.show_on_error("/inspections/{inspection_id}", form="measure")
def complete_measure(
    measure_id: Id, session: SessionDep, user: PageUser, inspection: PageInspection, now: Now
):
    inspections.complete_measure(
        session=session, inspection=inspection, measure_id=measure_id, actor=user, now=now
    )
    session.commit()
    return redirect(f"/inspections/{inspection.id}?done=measure_done#measures")
