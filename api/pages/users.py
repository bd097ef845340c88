"""The administrator's users page: list, disable or enable, reset a password, change the
role, the agency or an inspector's jurisdiction; the recent security events below."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy import func, or_
from sqlmodel import select

from api.deps import Now, SessionDep
from api.pages import forms
from api.pages.web import (
    PageNotFound,
    error_text,
    page_roles,
    page_translator,
    redirect,
    render,
)
from core.errors import DomainError
from models import Agency, Role, User, UserUpdate
from models.base import Id
from workflows.org import agencies, audit, users

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, Depends(page_roles(Role.admin))]


PAGE_SIZE = 50


def _listed(session, q: str, page: int) -> tuple[list[User], int]:
    """One page of the users whose username, name or email contains `q` (case aside), by
    username, and how many match: a country has some 15,000 users."""
    statement = select(User)
    if q:
        needle = f"%{q.lower()}%"
        statement = statement.where(
            or_(
                func.lower(User.username).like(needle),
                func.lower(User.full_name).like(needle),
                func.lower(User.email).like(needle),
            )
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    people = session.exec(
        statement.order_by(User.username).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return list(people), total


def _page(
    request, session, admin: User, error: str | None = None, status: int = 200,
    edit: int | None = None,
):  # fmt: skip
    """The list, searched and paged, and the one user being changed: the agency lists are
    drawn once for that form, not twice for every row (3,763 agencies in a country)."""
    q = request.query_params.get("q", "").strip()[:100]
    page = forms.typed_number(request.query_params.get("page", "1")) or 1
    if edit is None:
        edit = forms.typed_number(request.query_params.get("edit", ""))
    people, total = _listed(session, q, page)
    editing = session.get(User, edit) if edit is not None else None
    shown = people + ([editing] if editing else [])
    listed = [u.agency_id for u in shown] + [u.jurisdiction_agency_id for u in shown]
    context = {
        "people": people,
        "total": total,
        "q": q,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "editing": editing,
        "agency_names": agencies.names(session=session, agency_ids=listed),
        "agencies": (
            session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all()
            if editing
            else []
        ),
        "roles": list(Role),
        "events": audit.recent(session=session, limit=50),
        "error": error,
        "done": request.query_params.get("done"),
    }
    return render(request, "users.html", context, user=admin, status_code=status)


@router.get("/users")
def users_page(request: Request, session: SessionDep, admin: Admin):
    return _page(request, session, admin)


@router.post("/users/{user_id}")
def update_user(
    user_id: Id,
    request: Request,
    session: SessionDep,
    admin: Admin,
    now: Now,
    role: Annotated[str, Form(max_length=16)],
    agency_id: Annotated[str, Form(max_length=12)] = "",
    jurisdiction_agency_id: Annotated[str, Form(max_length=12)] = "",
    is_active: Annotated[str, Form(max_length=4)] = "",
    password: Annotated[str, Form(max_length=128)] = "",
):
    user = session.get(User, user_id)
    if user is None:
        raise PageNotFound()
    fields = {
        "role": role,
        "agency_id": agency_id or None,
        "jurisdiction_agency_id": jurisdiction_agency_id or None,
        "is_active": is_active == "1",
    }
    if password:
        fields["password"] = password
    try:
        data = UserUpdate.model_validate(fields)
        users.update(session=session, user=user, data=data, actor=admin, now=now)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        if isinstance(exc, DomainError):
            text = error_text(request, exc)
        else:  # the field's words, never pydantic's English
            _ = page_translator(request)
            text = " ".join(dict.fromkeys(_(key) for key in forms.field_errors(exc).values()))
        return _page(
            request, session, admin, error=f"{user.username}: {text}", status=422, edit=user.id
        )
    session.commit()
    return redirect(f"/users?q={quote(user.username)}&done={quote(user.username)}#user-{user.id}")
