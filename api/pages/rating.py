"""The citizen's rating page (/danh-gia): the link in the answer email leads here.

A public form: the code and the last four phone digits are the citizen's proof, in the form
itself, so there is no session for a forged request to ride on; it is throttled like the
JSON rating (the same hook).
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from api.deps import Now, SessionDep
from api.i18n import N_
from api.pages.web import MaybeUser, error_text, page_translator, render
from api.routes.feedback import throttle
from core.errors import DomainError
from models.feedback import ASPECTS
from workflows.feedback import rating

router = APIRouter(include_in_schema=False)


@router.get("/danh-gia")
def rating_form(request: Request, user: MaybeUser, code: str | None = None):
    context = {"code": (code or "").strip()[:32], "aspects": ASPECTS, "chosen": {}}
    return render(request, "rating.html", context, user=user)


@router.post("/danh-gia")
def rate(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    code: Annotated[str, Form(max_length=64)] = "",
    phone_last4: Annotated[str, Form(max_length=8)] = "",
    score: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    access: Annotated[str, Form(max_length=2)] = "",
    procedure: Annotated[str, Form(max_length=2)] = "",
    officials: Annotated[str, Form(max_length=2)] = "",
    result: Annotated[str, Form(max_length=2)] = "",
    timeliness: Annotated[str, Form(max_length=2)] = "",
):
    throttle(request=request, session=session, now=now)
    given = {
        "access": access,
        "procedure": procedure,
        "officials": officials,
        "result": result,
        "timeliness": timeliness,
    }
    context = {
        "code": code.strip()[:32],
        "phone_last4": phone_last4[:4],
        "aspects": ASPECTS,
        "chosen": given,
        "score": score,
        "comment": comment,
    }
    if score not in {"1", "2", "3", "4", "5"} or any(
        v and v not in {"1", "2", "3", "4", "5"} for v in given.values()
    ):
        _ = page_translator(request)
        context["error"] = _("Please choose a score from 1 to 5.")
        return render(request, "rating.html", context, user=user, status_code=422)
    try:
        rating.rate(
            session=session,
            code=code,
            phone_last4=phone_last4,
            rating=rating.Rating(
                score=int(score),
                comment=comment,
                aspects={name: int(v) for name, v in given.items() if v},
            ),
            now=now,
        )
        session.commit()
    except DomainError as error:
        session.rollback()
        context["error"] = (
            page_translator(request)(N_("No case with this code and these digits."))
            if error.status_code == 404
            else error_text(request, error)
        )
        return render(request, "rating.html", context, user=user, status_code=error.status_code)
    return render(request, "rating.html", {"thanked": True}, user=user)
