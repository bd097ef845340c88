"""The administrator's users page: list, disable or enable, reset a password, change the
role, the agency or an inspector's jurisdiction; the recent security events below."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
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
from workflows.org import audit, users

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, Depends(page_roles(Role.admin))]


def _page(request, session, admin: User, error: str | None = None, status: int = 200):
    context = {
        "people": list(session.exec(select(User).order_by(User.username))),
        "agencies": list(session.exec(select(Agency).order_by(Agency.name))),
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
        return _page(request, session, admin, error=f"{user.username}: {text}", status=422)
    session.commit()
    return redirect(f"/users?done={user.username}#user-{user.id}")
