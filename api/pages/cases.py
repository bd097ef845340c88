"""The officer's queue and the case page: details, timeline, deadline, action forms."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, create_model
from sqlmodel import select

from api import i18n
from api.deps import Now, SessionDep, SettingsDep
from api.pages import forms
from api.pages.date_fields import PageDay
from api.pages.web import PageCase, PageNotFound, PageUser, page_roles, redirect, render
from models import Agency, Case, CaseEvent, Notification, Role, User
from models.base import Id
from workflows.cases import access, confidentiality, lifecycle, notices, search
from workflows.deadlines import explanation, overdue

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
    "declare_complex": [("reason", "textarea", True)],
    "suspend": [("grounds", "choice", True), ("decision", "textarea", True)],
    "resume": [("note", "textarea", False)],
}
# A denunciation's withdrawal: the written request and the resolver's decision (Art. 33).
DENUNCIATION_WITHDRAW = [
    ("reason", "textarea", True),
    ("written_request", "textarea", True),
    ("decision", "choice", True),
]
CHOICES = {
    "grounds": ["awaiting_other_resolution", "awaiting_expert_assessment", "awaiting_successor"],
    "decision": ["stop", "continue"],
}


def action_fields(case: Case, action: str) -> list[tuple[str, str, bool]]:
    if action == "withdraw" and case.kind == "denunciation":
        return DENUNCIATION_WITHDRAW
    return ACTION_FIELDS.get(action, [])


@router.get("/queue")
def queue(request: Request, session: SessionDep, user: StaffUser, now: Now):
    mine = search.CaseFilter(open_only=True, mine_or_unassigned=user.id)
    rows = search.matching(session=session, user=user, filters=mine, now=now, limit=QUEUE_LIMIT)
    names = {a.id: a.name for a in session.exec(select(Agency))}
    scope = access.visible_agency_ids(session=session, user=user)
    reach = None if scope is None else set(scope)
    items = [
        (
            c,
            overdue.urgency(case=c, now=now),
            lifecycle.available_actions(
                session=session, case=c, actor=user, now=now, actor_agency_ids=reach
            ),
        )
        for c in rows
    ]
    shown = confidentiality.reveal(session=session, cases=rows, viewer=user, now=now, where="queue")
    session.commit()
    unsent = notices.unsent_counts(session=session, case_ids=[c.id for c in rows])
    context = {"items": items, "agency_names": names, "shown": shown, "unsent_notices": unsent}
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
        "deadline": explanation.explain(
            session=session, case=case, now=now, lang=lang, gettext=i18n.translations(lang).gettext
        ),
        "urgency": overdue.urgency(case=case, now=now),
        "actions": [
            (a, action_fields(case, a))
            for a in lifecycle.available_actions(session=session, case=case, actor=user, now=now)
        ],
        "choices": CHOICES,
        "notices": [
            (n, notices.is_overdue(n, now))
            for n in notices.for_case(session=session, case_id=case.id)
        ],
        "agencies": list(
            session.exec(select(Agency).where(Agency.dissolved_at.is_(None)).order_by(Agency.name))
        ),
        "officers": sorted(officers, key=lambda u: u.full_name),
        "complexities": ["complex", "especially_complex"],
        "shown": confidentiality.reveal(
            session=session, cases=[case], viewer=user, now=now, where="page"
        ),
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
    session.commit()  # the denouncer shown to this reader (workflows/cases/confidentiality)
    return render(request, "case.html", context, user=user)


def action_form(action: str) -> type[BaseModel]:
    """The form of one action: the lifecycle's own fields for it, and the version the page
    showed (extra fields of the page are ignored); its days are typed as dd/mm/yyyy."""
    fields = lifecycle.TRANSITIONS[action].fields
    typed = ACTION_FIELDS.get(action, [])
    days: dict = {name: (PageDay, ...) for name, kind, _ in typed if kind == "date"}
    if days:
        fields = create_model(f"{fields.__name__}Typed", __base__=fields, **days)

    class ActionForm(fields):
        model_config = ConfigDict(extra="ignore")
        version: Id

    ActionForm.__name__ = ActionForm.__qualname__ = f"{action.title().replace('_', '')}Form"
    return ActionForm


def _action_route(action: str) -> None:
    form_model = action_form(action)

    @forms.show_on_error("/cases/{case_id}", form=action)
    def act(
        session: SessionDep,
        settings: SettingsDep,
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
            base_url=settings.base_url,
            sms=settings.sms_configured,
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
