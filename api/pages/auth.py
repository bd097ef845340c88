"""Sign in, sign out, the role-aware home page, the language switch."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api import i18n
from api import sign_in as signing
from api.deps import TOKEN_COOKIE, Now, SessionDep, SettingsDep
from api.pages import forms
from api.pages.web import MaybeUser, PageUser, redirect, render
from api.security import signed_in
from api.throttle import TooManyRequests
from models import Agency, Role

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)

# The pages each role starts from; pages of later issues add themselves here.
# The second item is a key of the "nav" group of api/labels.py.
HOME_LINKS: dict[Role, list[tuple[str, str]]] = {
    Role.clerk: [("/cases/new", "intake"), ("/tra-cuu", "lookup"), ("/mail", "mail")],
    Role.officer: [("/queue", "queue"), ("/cases/new", "intake"), ("/mail", "mail")],
    Role.head: [
        ("/dashboard", "dashboard"),
        ("/queue", "queue"),
        ("/reports", "reports"),
        ("/inspections", "inspections"),
    ],
    Role.inspector: [
        ("/inspections", "inspections"),
        ("/reports", "reports"),
        ("/dashboard", "dashboard"),
    ],
    Role.admin: [
        ("/dashboard", "dashboard"),
        ("/inspections", "inspections"),
        ("/reports", "reports"),
        ("/mail", "mail"),
        ("/users", "users"),
        ("/mailboxes", "mailboxes"),
    ],
}


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect a signed-in user to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SignInForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    username: str = Field(max_length=64)
    password: str = Field(max_length=128)
    next: str = Field(default="/", max_length=500)


@router.get("/sign-in")
def sign_in_page(
    request: Request, user: MaybeUser, next: Annotated[str | None, Query(max_length=500)] = None
):
    failed = forms.form_failure(request, "sign_in")
    if failed is not None:  # refused: the name typed is kept, never the password
        context = {"next": safe_next(failed.values.get("next"))}
        context["username"] = failed.values.get("username", "")[:64]
        return render(request, "sign_in.html", context)
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "sign_in.html", {"next": safe_next(next)})


@router.post("/sign-in")
@forms.show_on_error("/sign-in", form="sign_in")
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
    form: Annotated[SignInForm, Form()],
):
    username, password, next = form.username, form.password, form.next
    context = {"next": safe_next(next), "username": username}
    try:
        token = signing.sign_in(
            session=session,
            request=request,
            settings=settings,
            username=username,
            password=password,
            now=now,
        )
    except TooManyRequests as exc:
        context["throttled"] = exc.headers["Retry-After"]
        response = render(request, "sign_in.html", context, status_code=429)
        response.headers["Retry-After"] = context["throttled"]
        return response
    if token is None:
        return render(request, "sign_in.html", context | {"error": True}, status_code=401)
    response = redirect(safe_next(next))
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=settings.token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, settings: SettingsDep, now: Now):
    token = request.cookies.get(TOKEN_COOKIE)
    found = signed_in(session=session, token=token, secret=settings.secret_key) if token else None
    if found is not None:
        signing.sign_out(session=session, request=request, found=found, now=now)
    response = redirect("/sign-in")
    response.delete_cookie(TOKEN_COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, next: str | None = None):
    """Remember the language in a cookie and go back to the page."""
    response = redirect(safe_next(next))
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/")
def home(request: Request, session: SessionDep, user: PageUser):
    agency = session.get(Agency, user.agency_id) if user.agency_id else None
    context = {"agency": agency, "links": HOME_LINKS.get(user.role, [])}
    return render(request, "home.html", context, user=user)
