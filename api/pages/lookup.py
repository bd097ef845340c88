"""The citizen's look-up page: a tracking code and the last 4 digits of the phone."""

import re

from fastapi import APIRouter, Request

from api.deps import Now, SessionDep
from api.pages import forms
from api.pages.web import MaybeUser, render
from api.routes import public
from api.throttle import TooManyRequests
from core.errors import NotFound

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)


@router.get("/tra-cuu")  # the address printed on receipts and in citizens' emails
@router.get("/lookup")
def lookup(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    code: str | None = None,
    phone_last4: str | None = None,
):
    context: dict = {"code": (code or "").strip()[:40], "phone_last4": (phone_last4 or "")[:4]}
    status = 200
    if code is not None or phone_last4 is not None:
        digits = phone_last4 or ""
        try:
            if not re.fullmatch(r"[0-9]{4}", digits):
                raise NotFound("four digits")
            context["found"] = public.look_up(
                code=context["code"], request=request, session=session, now=now, phone_last4=digits
            )
        except NotFound:
            context["not_found"], status = True, 404
        except TooManyRequests as exc:
            context["throttled"], status = exc.headers["Retry-After"], 429
    response = render(request, "lookup.html", context, user=user, status_code=status)
    if status == 429:
        response.headers["Retry-After"] = context["throttled"]
    return response
