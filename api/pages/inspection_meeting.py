"""The inspection meeting page: the agenda with a conclusion form per case, the measures,
and the inspection's report.

Members conclude and record measures; administrators read it; anyone else gets the 403
page, as from the API. A refused form re-renders the page with the reason in words, the
form open and what was typed kept; nothing is written.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from api.deps import Now, SessionDep
from api.i18n import N_
from api.pages.inspections import FormError, form_day_end, form_id, form_text, validation_text
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
from core.errors import Conflict, DomainError, Forbidden, NotFound
from models import (
    Case,
    ConclusionCreate,
    ConclusionOutcome,
    Inspection,
    MeasureCreate,
    MeasureKind,
    User,
)
from models.base import Id
from workflows.cases import access
from workflows.inspections import agenda as inspection_agenda
from workflows.inspections import reports as inspection_reports
from workflows.inspections import service as inspections
from workflows.inspections import views as inspection_views

router = APIRouter(include_in_schema=False)
CONCLUSION_FIELDS = ("case_id", "version", "outcome", "text", "responsible_user_id", "due_date")
MEASURE_FIELDS = ("target", "measure", "text", "due_date")


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


def _forbidden(request: Request, user: User, exc: Forbidden):
    """The 403 page, saying why (an administrator reads the meeting but is not on the team)."""
    context = {"message": error_text(request, exc)}
    return render(request, "error.html", context, user=user, status_code=403)


def _meeting(
    request: Request,
    session,
    user: User,
    inspection: Inspection,
    now: datetime,
    *,
    error: dict | None = None,
    status: int = 200,
):
    agenda = inspection_agenda.agenda(session=session, inspection=inspection, now=now)
    units, officials = inspection_views.measure_targets(session=session, inspection=inspection)
    visible = access.visible_agency_ids(session=session, user=user)
    on_agenda = {item.case_id for item in agenda.items}
    context = {
        "inspection": inspections.public(session=session, inspection=inspection),
        "agenda": agenda,
        "can_conclude": inspections.is_member(session=session, inspection=inspection, user=user),
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
        "error_on_agenda": bool(error and error.get("case_id") in on_agenda),
    }
    return render(request, "inspections/meeting.html", context, user=user, status_code=status)


@router.get("/inspections/{inspection_id}")
def meeting(
    request: Request, session: SessionDep, user: PageUser, inspection: PageInspection, now: Now
):
    return _meeting(request, session, user, inspection, now)


def _conclusion_data(form) -> ConclusionCreate:
    outcome = form_text(form, "outcome")
    if outcome not in set(ConclusionOutcome):
        raise FormError(N_("Choose an outcome: close the case or give a directive."))
    text = form_text(form, "text")
    if not text:
        raise FormError(N_("Write the conclusion."))
    version = form_text(form, "version")
    directive = {}
    if outcome == ConclusionOutcome.directive:  # the directive fields of a closing are ignored
        directive = {
            "responsible_user_id": form_id(
                form, "responsible_user_id", N_("A directive needs a responsible person.")
            ),
            "due_at": form_day_end(form, "due_date", N_("A directive needs a deadline (a date).")),
        }
    return ConclusionCreate(
        case_id=form_id(form, "case_id", N_("Which case? None was given.")),
        outcome=outcome,
        text=text,
        version=int(version) if version.isdigit() else None,
        **directive,
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
async def conclude(
    request: Request, session: SessionDep, user: PageUser, inspection: PageInspection, now: Now
):
    form = await request.form()
    values = {key: form_text(form, key) for key in CONCLUSION_FIELDS}
    case_id = int(values["case_id"]) if values["case_id"].isdigit() else None
    status, message = 422, None
    try:
        data = _conclusion_data(form)
        inspections.conclude(session=session, inspection=inspection, data=data, actor=user, now=now)
        session.commit()
    except FormError as exc:
        message = page_translator(request)(exc.key)
    except ValidationError as exc:
        message = validation_text(exc)
    except Forbidden as exc:
        session.rollback()
        return _forbidden(request, user, exc)
    except Conflict as exc:
        session.rollback()
        status, message = 409, _conflict_text(request, session, inspection, case_id, exc)
    except IntegrityError:  # a second member's click won the race for the same case
        session.rollback()
        status, message = 409, _conflict_text(request, session, inspection, case_id, None)
    except DomainError as exc:
        status, message = exc.status_code, error_text(request, exc)
    if message is None:
        return redirect(
            f"/inspections/{inspection.id}?done={data.outcome}&case={data.case_id}#conclusions"
        )
    session.rollback()
    session.expire_all()
    error = {"form": "conclusion", "case_id": case_id, "message": message, "values": values}
    return _meeting(request, session, user, inspection, now, error=error, status=status)


def _measure_data(form) -> MeasureCreate:
    kind, _, ident = form_text(form, "target").partition(":")
    if kind not in ("agency", "user") or not ident.isdigit():
        raise FormError(N_("Choose the unit or official the measure is against."))
    measure = form_text(form, "measure")
    if measure not in set(MeasureKind):
        raise FormError(N_("Choose the measure."))
    text = form_text(form, "text")
    if not text:
        raise FormError(N_("Write what the measure says."))
    due_at = form_day_end(form, "due_date", None)
    if measure == MeasureKind.explanation_report and due_at is None:
        raise FormError(N_("An explanation report needs a due date."))
    return MeasureCreate(
        target={f"{kind}_id": int(ident)}, measure=measure, text=text, due_at=due_at
    )


def _measure_error(request, session, user, inspection, now, exc, values=None):
    if isinstance(exc, Forbidden):
        return _forbidden(request, user, exc)
    if isinstance(exc, FormError):
        status, message = 422, page_translator(request)(exc.key)
    elif isinstance(exc, ValidationError):
        status, message = 422, validation_text(exc)
    else:
        status, message = exc.status_code, error_text(request, exc)
    error = {"form": "measure", "message": message, "values": values or {}}
    return _meeting(request, session, user, inspection, now, error=error, status=status)


@router.post("/inspections/{inspection_id}/measures")
async def add_measure(
    request: Request, session: SessionDep, user: PageUser, inspection: PageInspection, now: Now
):
    form = await request.form()
    values = {key: form_text(form, key) for key in MEASURE_FIELDS}
    try:
        data = _measure_data(form)
        inspections.add_measure(
            session=session, inspection=inspection, data=data, actor=user, now=now
        )
        session.commit()
    except (FormError, ValidationError, DomainError) as exc:
        session.rollback()
        return _measure_error(request, session, user, inspection, now, exc, values)
    return redirect(f"/inspections/{inspection.id}?done=measure#measures")


@router.post("/inspections/{inspection_id}/measures/{measure_id}/done")
def complete_measure(
    measure_id: Id,
    request: Request,
    session: SessionDep,
    user: PageUser,
    inspection: PageInspection,
    now: Now,
):
    try:
        inspections.complete_measure(
            session=session, inspection=inspection, measure_id=measure_id, actor=user, now=now
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _measure_error(request, session, user, inspection, now, exc)
    return redirect(f"/inspections/{inspection.id}?done=measure_done#measures")
