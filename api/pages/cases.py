"""The officer's queue and the case page: details, timeline, deadline, action forms."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlmodel import or_, select

from api import i18n
from api.deps import Now, SessionDep
from api.pages.web import PageCase, PageUser, error_text, page_roles, redirect, render
from core.errors import Conflict, DomainError
from models import OPEN_STATUSES, Agency, Case, CaseEvent, Notification, Role, User
from workflows.cases import access, lifecycle
from workflows.deadlines import explanation
from workflows.reports import summary as reports

router = APIRouter(include_in_schema=False)
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


def allowed_actions(case: Case, user: User) -> list[str]:
    """The actions the lifecycle offers this user on this case in its present state."""
    names = []
    for name in lifecycle.PUBLIC_ACTIONS:
        transition = lifecycle.TRANSITIONS[name]
        if case.status not in transition.sources or user.role not in transition.roles:
            continue
        if transition.kinds is not None and case.kind not in transition.kinds:
            continue
        names.append(name)
    return names


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
    items = [(c, urgency(c, now), allowed_actions(c, user)) for c in rows]
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
        "deadline": explanation.explain(
            session=session,
            case=case,
            now=now,
            lang=lang,
            gettext=i18n.translations(lang).gettext,
        ),
        "urgency": urgency(case, now),
        "actions": [(a, ACTION_FIELDS.get(a, [])) for a in allowed_actions(case, user)],
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
    return render(request, "case.html", context, user=user)


@router.post("/cases/{case_id}/act/{action}")
async def act(
    action: str, request: Request, session: SessionDep, user: PageUser, case: PageCase, now: Now
):
    form = await request.form()
    fields = {k: str(v).strip() for k, v in form.items() if str(v).strip()}
    version = fields.pop("version", "")
    error, status = None, 200
    try:
        if action not in lifecycle.PUBLIC_ACTIONS:
            raise DomainError(f"unknown action {action!r}")
        for key in ("agency_id", "assignee_id"):
            if key in fields:
                fields[key] = int(fields[key]) if fields[key].isdigit() else fields[key]
        lifecycle.apply(
            session=session,
            case=case,
            action=action,
            actor=user,
            now=now,
            version=int(version) if version.isdigit() else -1,
            **fields,
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        error, status = exc, exc.status_code
    if error is None:
        return redirect(f"/cases/{case.id}?done={action}")
    session.expire_all()
    fresh = session.get(Case, case.id)
    lang = i18n.language(request)
    context = _case_context(session, fresh, user, now, lang)
    context["error"] = "conflict" if isinstance(error, Conflict) else error_text(request, error)
    context["failed_action"] = action
    return render(request, "case.html", context, user=user, status_code=status)
