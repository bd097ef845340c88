"""The citizen's history for the desk: every earlier case by phone number or CCCD."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import Now, SessionDep
from api.pages import forms
from api.pages.web import error_text, page_roles, render
from core.errors import DomainError
from models import User
from models.citizen_id import last_digits
from workflows.cases import confidentiality
from workflows.citizens.history import DESK_ROLES, citizen_history
from workflows.org import agencies

router = APIRouter(include_in_schema=False)
DeskUser = Annotated[User, Depends(page_roles(*DESK_ROLES))]


@router.get("/citizens")
def history_page(
    request: Request,
    session: SessionDep,
    user: DeskUser,
    now: Now,
    phone: Annotated[str, Query(max_length=32)] = "",
    id_number: Annotated[str, Query(max_length=32)] = "",
):
    cases, error, status, failed = [], None, 200, None
    if phone or id_number:
        try:
            cases = citizen_history(session=session, user=user, phone=phone, id_number=id_number)
            # only denunciations the reader may see are listed; each showing is recorded
            confidentiality.reveal(
                session=session, cases=cases, viewer=user, now=now, where="citizens"
            )
            session.commit()
        except DomainError as exc:
            error, status = error_text(request, exc), exc.status_code
            where = {"citizens.phone_short": "phone", "citizens.id_invalid": "id_number"}
            if exc.code in where:
                failed = forms.refused_fields(
                    "citizens", {where[exc.code]: error}, status=status, message=error
                )
    names = agencies.names(session=session, agency_ids=[c.agency_id for c in cases])
    context = {
        "cases": cases, "error": error, "phone": phone,
        "id_number": id_number, "agency_names": names, "last_digits": last_digits,
        "searched": bool(phone or id_number), "failed": failed,
    }  # fmt: skip
    return render(request, "citizens.html", context, user=user, status_code=status)
