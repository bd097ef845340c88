"""The officer's queue and the case page: details, timeline, deadline, action forms."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict
from sqlmodel import or_, select

from api import i18n
from api.deps import Now, SessionDep
from api.pages import forms
from api.pages.web import PageCase, PageNotFound, PageUser, page_roles, redirect, render
from models import OPEN_STATUSES, Agency, Case, CaseEvent, Notification, Role, User
from models.base import Id
from workflows.cases import access, lifecycle
from workflows.deadlines import explanation
from workflows.reports import summary as reports

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
StaffUser = Annotated[User, Depends(page_roles(Role.officer, Role.head, Role.admin))]
QUEUE_LIMIT = 200

# The form fields of each action: (name, input kind, required).
ACTION_FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    "accept": [("note", "textarea", False)],
    "decline": [("reason", "textarea", True)],
    "transfer": [("agency_id", "agency", True), ("reason", "textarea", True)],
    "assign": [("assignee_id", "officer", True), ("note", "textarea", False)],
    "request_documents": [("missing", "textarea", True)],
    "documents_received": [("note", "textarea", False)],
    "extend": [("reason", "textarea", True), ("complexity", "complexity", False)],
    "reset_date": [("new_due_date", "date", True), ("reason", "textarea", True)],
    "resolve": [("answer", "textarea", True)],
    "close": [("note", "textarea", False)],
    "reopen": [("reason", "textarea", True)],
    "withdraw": [("reason", "textarea", True)],
}


def urgency(case: Case, now: datetime) -> str:
    if case.status not in ("received", "accepted") or case.due_at is None:
        return ""
    if case.due_at < now:
        return "overdue"
    return "soon" if case.due_at < now + reports.SOON_DUE else ""


@router.get("/queue")
def queue(request: Request, session: SessionDep, user: StaffUser, now: Now):
    scope = access.visible_agency_ids(session=session, user=user)
    stmt = select(Case).where(
        Case.status.in_(OPEN_STATUSES),
        or_(Case.assignee_id == user.id, Case.assignee_id.is_(None)),
    )
    if scope is not None:
        stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
    stmt = stmt.order_by(Case.due_at.is_(None), Case.due_at, Case.id).limit(QUEUE_LIMIT)
    rows = list(session.exec(stmt))
    names = {a.id: a.name for a in session.exec(select(Agency))}
    reach = None if scope is None else set(scope)
    items = [
        (
            c,
            urgency(c, now),
            lifecycle.available_actions(
                session=session, case=c, actor=user, actor_agency_ids=reach
            ),
        )
        for c in rows
    ]
    context = {"items": items, "agency_names": names}
    return render(request, "queue.html", context, user=user)


def _case_context(session, case: Case, user: User, now: datetime, lang: str) -> dict:
    events = list(
        session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    )
    mails = list(
        session.exec(
            select(Notification)
            .where(Notification.case_id == case.id)
            .order_by(Notification.created_at)
        )
    )
    timeline = [("event", e.at, e) for e in events] + [("mail", m.created_at, m) for m in mails]
    timeline.sort(key=lambda item: item[1])
    people = {u.id: u for u in session.exec(select(User).where(User.agency_id.is_not(None)))}
    actor_ids = {e.actor_id for e in events if e.actor_id} - set(people)
    for actor in session.exec(select(User).where(User.id.in_(actor_ids or [-1]))):
        people[actor.id] = actor
    officers = [
        u
        for u in people.values()
        if u.agency_id == case.agency_id and u.role in (Role.officer, Role.head) and u.is_active
    ]
    return {
        "case": case,
        "agency": session.get(Agency, case.agency_id),
        "assignee": people.get(case.assignee_id),
        "timeline": timeline,
        "people": people,
        "deadline": explanation.explain(session=session, case=case, now=now, lang=lang),
        "urgency": urgency(case, now),
        "actions": [
            (a, ACTION_FIELDS.get(a, []))
            for a in lifecycle.available_actions(session=session, case=case, actor=user)
        ],
        "agencies": list(
            session.exec(select(Agency).where(Agency.dissolved_at.is_(None)).order_by(Agency.name))
        ),
        "officers": sorted(officers, key=lambda u: u.full_name),
        "complexities": ["complex", "especially_complex"],
    }


@router.get("/cases/{case_id}")
def case_page(request: Request, session: SessionDep, user: PageUser, case: PageCase, now: Now):
    lang = i18n.language(request)
    context = _case_context(session, case, user, now, lang)
    context["done"] = request.query_params.get("done")
    failed = forms.form_failure(request)
    if failed is not None:  # an action refused: its form open, what was typed kept
        context["failed_action"] = failed.form
        context["error"] = "conflict" if forms.changed_meanwhile(failed) else failed.message
    return render(request, "case.html", context, user=user)


def action_form(action: str) -> type[BaseModel]:
    """The form of one action: the lifecycle's own fields for it, and the version the page
    showed (extra fields of the page are ignored)."""

    class ActionForm(lifecycle.TRANSITIONS[action].fields):
        model_config = ConfigDict(extra="ignore")
        version: Id

    ActionForm.__name__ = ActionForm.__qualname__ = f"{action.title().replace('_', '')}Form"
    return ActionForm


def _action_route(action: str) -> None:
    form_model = action_form(action)

    @forms.show_on_error("/cases/{case_id}", form=action)
    def act(
        session: SessionDep,
        user: PageUser,
        case: PageCase,
        now: Now,
        form: Annotated[form_model, Form()],
    ):
        fields = form.model_dump(exclude={"version"}, exclude_none=True)
        lifecycle.apply(
            session=session,
            case=case,
            action=action,
            actor=user,
            now=now,
            version=form.version,
            **fields,
        )
        session.commit()
        return redirect(f"/cases/{case.id}?done={action}")

    act.__name__ = f"act_{action}"
    router.add_api_route(f"/cases/{{case_id}}/act/{action}", act, methods=["POST"])


for _action in lifecycle.PUBLIC_ACTIONS:
    _action_route(_action)


@router.post("/cases/{case_id}/act/{action}")
def unknown_action(action: str, user: PageUser, case: PageCase):
    """An action the lifecycle does not offer here: nothing to show."""
    raise PageNotFound()
