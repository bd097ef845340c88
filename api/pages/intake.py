"""The reception desk: the intake form with the duplicate hint, and the printable receipt."""

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from sqlmodel import select

from api.deps import Now, SessionDep, SettingsDep
from api.pages.web import PageCase, PageUser, error_text, page_roles, redirect, render
from core.errors import DomainError
from models import OPEN_STATUSES, Agency, Case, CaseCreate, CaseKind, Channel, Role, User
from workflows.cases import access, intake

router = APIRouter(include_in_schema=False)
DeskUser = Annotated[User, Depends(page_roles(Role.clerk, Role.officer, Role.head, Role.admin))]
FIELDS = ("kind", "channel", "title", "description", "agency_id")
CITIZEN = ("name", "phone", "email", "address", "id_number")


def _agencies(session, user: User) -> list[Agency]:
    scope = access.visible_agency_ids(session=session, user=user)
    stmt = select(Agency).where(Agency.dissolved_at.is_(None)).order_by(Agency.name)
    if scope is not None:
        stmt = stmt.where(Agency.id.in_(scope or [-1]))
    return list(session.exec(stmt))


def _form(request, session, user, values: dict, error: str | None = None, status: int = 200):
    context = {
        "values": values,
        "error": error,
        "agencies": _agencies(session, user),
        "kinds": list(CaseKind),
        "channels": [c for c in Channel if c != Channel.inspection],
    }
    return render(request, "intake.html", context, user=user, status_code=status)


@router.get("/cases/new")
def intake_form(request: Request, session: SessionDep, user: DeskUser):
    values = {"kind": "complaint", "channel": "in_person", "agency_id": user.agency_id}
    values["idempotency_key"] = uuid.uuid4().hex  # a double click registers one case
    return _form(request, session, user, values)


@router.get("/cases/similar")
def similar(
    request: Request,
    session: SessionDep,
    user: PageUser,
    phone: Annotated[str, Query(max_length=32)] = "",
):
    """The open cases of a phone number (HTML fragment for the intake form's hint)."""
    digits = re.sub(r"\D", "", phone)
    found: list[Case] = []
    if len(digits) >= 6:
        scope = access.visible_agency_ids(session=session, user=user)
        stmt = select(Case).where(Case.phone_digits == digits, Case.status.in_(OPEN_STATUSES))
        if scope is not None:
            stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
        found = list(session.exec(stmt.order_by(Case.received_at.desc()).limit(10)))
    context = {"found": found, "searched": len(digits) >= 6}
    return render(request, "similar.html", context, user=user)


@router.post("/cases/new")
async def intake_submit(request: Request, session: SessionDep, user: DeskUser, now: Now):
    form = await request.form()
    values = {key: str(form.get(key, "")).strip() for key in (*FIELDS, "idempotency_key")}
    citizen = {key: str(form.get(f"citizen_{key}", "")).strip() or None for key in CITIZEN}
    values.update({f"citizen_{k}": v or "" for k, v in citizen.items()})
    try:
        data = CaseCreate.model_validate(
            {
                **{k: values[k] or None for k in FIELDS},
                "description": values["description"],
                "citizen": citizen,
            }
        )
        result = intake.intake(
            session=session,
            data=data,
            actor=user,
            now=now,
            idempotency_key=values["idempotency_key"] or None,
        )
        session.commit()
    except ValidationError as exc:
        session.rollback()
        message = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return _form(request, session, user, values, message, 422)
    except DomainError as exc:
        session.rollback()
        return _form(request, session, user, values, error_text(request, exc), exc.status_code)
    return redirect(f"/cases/{result.case.id}/receipt")


@router.get("/cases/{case_id}/receipt")
def receipt(
    request: Request, case: PageCase, session: SessionDep, settings: SettingsDep, user: PageUser
):
    context = {
        "case": case,
        "agency": session.get(Agency, case.agency_id),
        "clerk": session.get(User, case.created_by_id) if case.created_by_id else None,
        "lookup_url": settings.base_url.rstrip("/") + "/tra-cuu",
    }
    return render(request, "receipt.html", context, user=user)
