"""CSRF protection of the page forms: a per-session token in every form, checked together
with the Origin (or Referer) of every state-changing page request.

`csrf_field()` is the one line each form template carries; `protect` is the dependency
`api.main` puts on every page router, so no handler checks anything itself. The JSON API is
protected differently: it accepts the cookie for reads only (api/deps.py), changes need
the bearer token, which a browser never attaches by itself.
"""

from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from jinja2 import pass_context
from markupsafe import Markup, escape

from api.csrf_token import FIELD, CsrfRefused, check
from api.deps import SAFE_METHODS, TOKEN_COOKIE, SessionDep, SettingsDep
from api.i18n import N_
from api.security import signed_in

__all__ = ["FIELD", "CsrfRefused", "check", "csrf_field", "install", "protect"]
HEADER = "x-csrf-token"  # for scripts; a cross-origin form cannot set a header


@pass_context
def csrf_field(context) -> Markup:
    """The hidden input with the session's token (empty before sign-in)."""
    request = context.get("request")
    token = getattr(request.state, "csrf_token", "") if request is not None else ""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(token)}">')


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_origin(request: Request, base_url: str) -> bool:
    """Origin (else Referer) names this site; a request with neither is left to the token."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    allowed = {_origin(str(request.base_url)), _origin(base_url)}
    return _origin(sent) in allowed


async def protect(request: Request, session: SessionDep, settings: SettingsDep) -> None:
    """Refuse a cross-origin page POST, and a signed-in one without the session's token."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request, settings.base_url):
        raise CsrfRefused()
    if request.url.path == "/sign-in":
        return  # the credentials are the proof; the Origin check above stops login CSRF
    cookie = request.cookies.get(TOKEN_COOKIE)
    found = None
    if cookie:  # a database read: off the event loop, which must never wait for a lock
        found = await run_in_threadpool(
            signed_in, session=session, token=cookie, secret=settings.secret_key
        )
    if found is None:
        return  # not signed in: the page itself asks for a sign-in and changes nothing
    sent = request.headers.get(HEADER)
    if sent is None and _streamed_upload(request):
        # The handler streams this body itself (api/uploads.py, with its size limit): reading
        # the form here would consume it, so the upload checks the token when it reads it.
        request.state.csrf_expected = found.record.csrf_token
        return
    if sent is None:
        sent = (await request.form()).get(FIELD)
    check(sent, found.record.csrf_token)


def _streamed_upload(request: Request) -> bool:
    """A multipart page post whose route reads the body as a stream (marked by the route)."""
    streams = getattr(request.scope.get("endpoint"), "streams_body", False)
    content_type = request.headers.get("content-type", "")
    return streams and content_type.startswith("multipart/form-data")


def install(app: FastAPI, templates_env) -> None:
    """The template global, and the 403 page for refused requests."""
    templates_env.globals["csrf_field"] = csrf_field

    @app.exception_handler(CsrfRefused)
    async def _refused(request: Request, _exc: CsrfRefused):
        from api.pages.web import render

        return render(
            request,
            "error.html",
            {
                "message_key": N_(
                    "The form expired or was not sent from this site. "
                    "Reload the page and try again."
                )
            },
            status_code=403,
        )
