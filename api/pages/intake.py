"""The reception desk: the intake form with the duplicate hint, and the printable receipt."""

import re
import uuid
from typing import Annotated, Literal

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from api.deps import Now, SessionDep, SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.web import PageCase, PageUser, page_roles, redirect, render
from models import OPEN_STATUSES, Agency, Case, CaseCreate, CaseKind, Channel, Role, User
from models.base import Id, Text
from notifications.context import lookup_url
from workflows.cases import access, confidentiality, intake
from workflows.deadlines import procedures

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
DeskUser = Annotated[User, Depends(page_roles(Role.clerk, Role.officer, Role.head, Role.admin))]
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
        "procedures": procedures.in_force(session=session),
    }
    return render(request, "intake.html", context, user=user, status_code=status)


@router.get("/cases/new")
def intake_form(request: Request, session: SessionDep, user: DeskUser):
    failed = forms.form_failure(request, "intake")
    if failed is not None:  # refused: what was typed, and the same key for the retry
        return _form(request, session, user, failed.values, failed.message, failed.status)
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
        stmt = select(Case).where(
            Case.phone_digits == digits,
            Case.status.in_(OPEN_STATUSES),
            confidentiality.identity_visible(user),  # a phone must not unmask a denouncer
        )
        if scope is not None:
            stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
        found = list(session.exec(stmt.order_by(Case.received_at.desc()).limit(10)))
    context = {"found": found, "searched": len(digits) >= 6}
    return render(request, "similar.html", context, user=user)


class IntakeForm(BaseModel):
    """The desk's form, flat as the page posts it; `CaseCreate` checks it as the API does."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    kind: CaseKind
    channel: Channel
    agency_id: Id
    title: Text = Field(max_length=500)
    description: Text = Field(default="", max_length=20000)
    citizen_name: Text = Field(max_length=255)
    citizen_phone: Text | None = Field(default=None, max_length=32)
    citizen_email: Text | None = Field(default=None, max_length=320)
    citizen_address: Text | None = Field(default=None, max_length=500)
    citizen_id_number: Text | None = Field(default=None, max_length=32)
    idempotency_key: Text | None = Field(default=None, max_length=128)
    procedure_code: Text | None = Field(default=None, max_length=64)
    instance: Literal[1, 2] | None = None
    first_case_id: Id | None = None

    def case(self) -> CaseCreate:
        """The case to register (a pydantic error names its field as the form does:
        `citizen.phone` is `citizen_phone`)."""
        citizen = {key: getattr(self, f"citizen_{key}") or None for key in CITIZEN}
        fields = self.model_dump(
            include={"kind", "channel", "agency_id", "title", "description", "procedure_code"}
            | {"instance", "first_case_id"},
            exclude_none=True,
        )
        return CaseCreate.model_validate({**fields, "citizen": citizen})


@router.post("/cases/new")
@forms.show_on_error(
    "/cases/new",
    form="intake",
    messages={
        "citizen_phone": N_(
            "A phone number is 6 to 20 digits (spaces, dots and dashes allowed), "
            "optionally with + in front."
        ),
        "citizen_email": N_("Not a valid email address."),
        "citizen_name": N_("Write the citizen's full name."),
        "title": N_("Write the subject of the petition."),
        "first_case_id": N_("Write the first complaint's case number (digits only)."),
    },
    code_fields={
        "intake.other_agency": "agency_id",
        "intake.no_agency": "agency_id",
        "intake.procedure_dossiers": "procedure_code",
        "intake.instance_complaints": "instance",
        "intake.first_case_needed": "first_case_id",
        "intake.first_case_unused": "first_case_id",
        "intake.first_case_unknown": "first_case_id",
    },
)
def intake_submit(
    session: SessionDep,
    settings: SettingsDep,
    user: DeskUser,
    now: Now,
    form: Annotated[IntakeForm, Form()],
):
    result = intake.intake(
        session=session,
        data=form.case(),
        actor=user,
        now=now,
        base_url=settings.base_url,
        idempotency_key=form.idempotency_key or None,
    )
    session.commit()
    return redirect(f"/cases/{result.case.id}/receipt")


@router.get("/cases/{case_id}/receipt")
def receipt(
    request: Request,
    case: PageCase,
    session: SessionDep,
    settings: SettingsDep,
    user: PageUser,
    now: Now,
):
    code_url = lookup_url(settings.base_url, case.code)
    context = {
        "case": case,
        "agency": session.get(Agency, case.agency_id),
        "clerk": session.get(User, case.created_by_id) if case.created_by_id else None,
        "lookup_url": settings.base_url.rstrip("/") + "/tra-cuu",
        "shown": confidentiality.reveal(
            session=session, cases=[case], viewer=user, now=now, where="receipt"
        ),
        # The QR code a one-stop desk prints: it opens the public look-up for this code.
        "qr_svg": Markup(segno.make(code_url, error="m").svg_inline(scale=3, title=case.code)),
        "procedure": (
            procedures.get(session=session, code=case.procedure_code)
            if case.procedure_code
            else None
        ),
    }
    session.commit()
    return render(request, "receipt.html", context, user=user)
