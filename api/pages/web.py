"""What every page needs: templates, the language, the signed-in user, redirects."""

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from api import i18n
from api.deps import TOKEN_COOKIE, SessionDep, SettingsDep
from api.jinja import LOCAL_TZ, local_date, local_time, percent, templates
from api.labels import label, labels
from api.pages import forms
from api.security import signed_in
from models import Case, Role, User
from models.base import Id
from models.db import engine_for
from workflows.cases import confidentiality

__all__ = ["LOCAL_TZ", "local_date", "local_time", "percent", "templates"]

templates.env.globals["identity"] = confidentiality.identity  # a denouncer, or the notice
# The notice in the page's language where a bilingual row (the agenda's) carries both.
templates.env.globals["hidden_identity"] = {
    **confidentiality.HIDDEN,
    "both": confidentiality.HIDDEN_BOTH,
}


class SignInRequired(Exception):
    """The page needs a signed-in user: answered with a redirect to the sign-in page."""


class PageForbidden(Exception):
    """The signed-in user's role may not see the page."""


class PageNotFound(Exception):
    """Nothing to show (or nothing this user may see: no hint that it exists)."""


def optional_user(request: Request, session: SessionDep, settings: SettingsDep) -> User | None:
    """The user of the session cookie (while its session is open), or None; the session's
    CSRF token goes to `request.state` for the forms (api/csrf.py)."""
    token = request.cookies.get(TOKEN_COOKIE)
    found = signed_in(session=session, token=token, secret=settings.secret_key) if token else None
    if found is None:
        return None
    request.state.csrf_token = found.record.csrf_token
    return found.user


MaybeUser = Annotated[User | None, Depends(optional_user)]


def page_user(user: MaybeUser) -> User:
    if user is None:
        raise SignInRequired()
    return user


PageUser = Annotated[User, Depends(page_user)]


def page_case(case_id: Id, session: SessionDep, user: PageUser) -> Case:
    """The case in the path if the user's scope includes it; a 404 page otherwise."""
    from core.errors import NotFound
    from workflows.cases import access

    try:
        return access.get_visible(session=session, case_id=case_id, user=user)
    except NotFound:
        raise PageNotFound() from None


PageCase = Annotated[Case, Depends(page_case)]


def page_roles(*roles: Role):
    """A dependency that lets only these roles see the page."""

    def check(user: PageUser) -> User:
        if user.role not in roles:
            raise PageForbidden()
        return user

    return check


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a template with the language (which picks the catalogue), the user and the
    refused form this page shows again, if any (`failed`, see api/pages/forms.py)."""
    from core.settings import get_settings

    lang = i18n.language(request, get_settings().language)
    full = {"lang": lang, "user": user, "request": request}
    full["failed"] = forms.form_failure(request)
    full.update(context or {})
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def page_language(request: Request) -> str:
    from core.settings import get_settings

    return i18n.language(request, get_settings().language)


def page_translator(request: Request) -> Callable[..., str]:
    """`_(message, **values)` in the request's language, for texts a page module builds."""
    return i18n.translator(page_language(request))


def page_label(request: Request, group: str, value: object, **values) -> str:
    """The words for a stored value (a status, an outcome…) in the request's language."""
    return label(page_language(request), group, value, **values)


def error_text(request: Request, exc: Exception) -> str:
    """A domain error in the page's language: the words for its `code` when there are some,
    else the domain's own words."""
    code = getattr(exc, "code", None)
    if code and code in labels(page_language(request))["error"]:
        return page_label(request, "error", code)
    return getattr(exc, "detail", str(exc))


def _error_page(request: Request, message: str, status: int) -> HTMLResponse:
    """The error page with the domain's reason (its own session, to name the user)."""
    from core.settings import get_settings

    settings = get_settings()
    with Session(engine_for(settings.database_url)) as session:
        user = optional_user(request, session, settings)
        return render(request, "error.html", {"message": message}, user=user, status_code=status)


async def answer_refusal(request: Request, exc: forms.PageRefused):
    """The one answer to a refused page request: the form's page again, or the error page."""
    endpoint = request.scope.get("endpoint")
    t = page_translator(request)
    failed = forms.failure(
        exc=exc.cause,
        form_name=getattr(endpoint, "form_name", "").format(**request.path_params),
        posted=exc.form,
        translate=t,
        messages=getattr(endpoint, "form_messages", {}),
        domain_text=lambda error: error_text(request, error),
        code_fields=getattr(endpoint, "form_code_fields", {}),
    )
    page = getattr(endpoint, "form_page", None)
    if page is None or exc.form is None:
        return await run_in_threadpool(_error_page, request, failed.message, failed.status)
    return await forms.show_again(request, page.format(**request.path_params), failed)


def install(app: FastAPI) -> None:
    """Answer page-only exceptions: a refused form, a redirect to sign in, a friendly 403."""

    app.add_exception_handler(forms.PageRefused, answer_refusal)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return redirect(f"/sign-in?next={quote(target, safe='')}")

    @app.exception_handler(PageNotFound)
    async def _not_found(request: Request, _exc: PageNotFound):
        return render(
            request, "error.html", {"message_key": i18n.N_("Not found.")}, status_code=404
        )

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, _exc: PageForbidden):
        return render(
            request,
            "error.html",
            {"message_key": i18n.N_("You may not see this page.")},
            status_code=403,
        )
