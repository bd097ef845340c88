"""The officer's queue and the case page: details, timeline, deadline, action forms."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import BaseModel, ConfigDict, create_model
from sqlmodel import select

from api import i18n
from api.deps import Now, SessionDep, SettingsDep
from api.labels import label
from api.pages import acknowledgement, forms
from api.pages.date_fields import PageDay
from api.pages.web import (
    PageCase,
    PageForbidden,
    PageNotFound,
    PageUser,
    page_roles,
    redirect,
    render,
)
from models import Agency, Case, CaseEvent, Complexity, Notification, Role, User
from models.base import Id
from workflows.cases import access, confidentiality, lifecycle, notices, search
from workflows.deadlines import explanation, overdue
from workflows.deadlines import policies as policy_data
from workflows.org import agencies
from workflows.reports import summary as reports
from workflows.reports import tiles

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
# Inspectors open the queue only from a dashboard tile (`due`): the cases they may see.
QueueUser = Annotated[
    User, Depends(page_roles(Role.officer, Role.head, Role.admin, Role.inspector))
]
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
def queue(
    request: Request,
    session: SessionDep,
    user: QueueUser,
    now: Now,
    due: Annotated[Literal["overdue", "soon", "open"] | None, Query()] = None,
    agency_id: Annotated[Id | None, Query()] = None,
):
    """Own and unassigned open cases; with `due`, the cases a dashboard tile counts (in the
    subtree of `agency_id`, else all the reader sees); a head's escalated cases on top."""
    if due is None and user.role == Role.inspector:
        raise PageForbidden()
    total = None
    if due is None:
        mine = search.CaseFilter(open_only=True, mine_or_unassigned=user.id)
        rows = search.matching(session=session, user=user, filters=mine, now=now, limit=QUEUE_LIMIT)
    else:
        scope = reports.report_scope(session=session, user=user, agency_id=agency_id)
        rows, total = tiles.cases(
            session=session, agency_ids=scope, tile=due, now=now, limit=QUEUE_LIMIT
        )
    escalated = [] if due else acknowledgement.awaiting(session=session, user=user, now=now)
    listed = [c.agency_id for c in rows + escalated] + [agency_id]
    names = agencies.names(session=session, agency_ids=listed)
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
    shown = confidentiality.reveal(
        session=session, cases=rows + escalated, viewer=user, now=now, where="queue"
    )
    session.commit()
    unsent = notices.unsent_counts(session=session, case_ids=[c.id for c in rows])
    context = {
        "items": items,
        "agency_names": names,
        "shown": shown,
        "unsent_notices": unsent,
        "escalated": [(c, overdue.urgency(case=c, now=now)) for c in escalated],
        "due": due,
        "total": total,
        "agency_name": names.get(agency_id) if agency_id else None,
    }
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
    # The people the page names: the agency's active officers and heads (whom the case may be
    # assigned to), the assignee and the timeline's actors; not every user of the country.
    officers = list(
        session.exec(
            select(User).where(
                User.agency_id == case.agency_id,
                User.role.in_((Role.officer, Role.head)),
                User.is_active,
            )
        )
    )
    people = {u.id: u for u in officers}
    named = ({e.actor_id for e in events} | {case.assignee_id}) - set(people) - {None}
    if named:
        people.update({u.id: u for u in session.exec(select(User).where(User.id.in_(named)))})
    actions = [
        (a, action_fields(case, a))
        for a in lifecycle.available_actions(session=session, case=case, actor=user, now=now)
    ]
    transfer_offered = any(kind == "agency" for _, fields in actions for _, kind, _ in fields)
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
        "actions": actions,
        # What a person looks for and is told why it is not offered (the rule's words).
        "refused": [
            (a, label(lang, "error", exc.code) if exc.code else exc.detail)
            for a, exc in lifecycle.refused_actions(
                session=session, case=case, actor=user, now=now
            ).items()
        ],
        "acknowledgement": acknowledgement.state(session=session, case=case, user=user, now=now),
        "on_time": overdue.resolved_on_time(case),
        "choices": CHOICES,
        "notices": [
            (n, notices.is_overdue(n, now))
            for n in notices.for_case(session=session, case_id=case.id)
        ],
        # Where a case may be transferred to, read only when the transfer form is offered.
        "agencies": (
            session.execute(
                select(Agency.id, Agency.name)
                .where(Agency.dissolved_at.is_(None))
                .order_by(Agency.name)
            ).all()
            if transfer_offered
            else []
        ),
        "officers": sorted(officers, key=lambda u: u.full_name),
        **_extension_choices(case),
        "shown": confidentiality.reveal(
            session=session, cases=[case], viewer=user, now=now, where="page"
        ),
    }


def _extension_choices(case: Case) -> dict:
    """The complexities an extension may be asked for: those the policy still allows one
    for; none needed ("—") while the case's own complexity still allows one."""
    policy = policy_data.default().version(case.policy_version)
    left = [
        c
        for c in (Complexity.complex, Complexity.especially_complex)
        if policy.extensions_allowed(c) > case.extensions_used
    ]
    own = policy.extensions_allowed(case.complexity) > case.extensions_used
    return {"complexities": [c.value for c in left], "complexity_optional": own}


@router.get("/cases/{case_id}")
def case_page(request: Request, session: SessionDep, user: PageUser, case: PageCase, now: Now):
    lang = i18n.language(request)
    context = _case_context(session, case, user, now, lang)
    context["done"] = request.query_params.get("done")
    # The queue's buttons and the escalation email open one form, in view.
    context["open_form"] = request.query_params.get("open")
    failed = forms.form_failure(request)
    if failed is not None:  # an action refused: its form open, what was typed kept
        context["failed_action"] = failed.form
        context["error"] = "conflict" if forms.changed_meanwhile(failed) else failed.message
        # The browser's address becomes the case page's: a reload shows it, never posts.
        context["page_url"] = f"/cases/{case.id}?open={failed.form}#action-{failed.form}"
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
