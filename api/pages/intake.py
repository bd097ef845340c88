"""The reception desk: the intake form with the duplicate hint, and the printable receipt."""

import re
from typing import Annotated, Literal

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import or_, select

from api.deps import Now, SessionDep, SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.notices import NEW_FORMS_FROM
from api.pages.web import PageCase, PageUser, page_roles, redirect, render
from models import OPEN_STATUSES, Agency, Case, CaseCreate, CaseKind, Channel, Role, User
from models.base import Id, Text
from models.citizen_id import id_number_problem
from notifications.context import lookup_url
from workflows.cases import access, confidentiality, form_tokens, intake
from workflows.deadlines import dates as deadlines
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


def _form(request, session, user, values: dict, error=None, status: int = 200, registered=None):
    context = {
        "registered": registered,
        "values": values,
        "error": error,
        "agencies": _agencies(session, user),
        "kinds": list(CaseKind),
        "channels": [c for c in Channel if c != Channel.inspection],
        "procedures": procedures.in_force(session=session),
    }
    return render(request, "intake.html", context, user=user, status_code=status)


@router.get("/cases/new")
def intake_form(
    request: Request,
    session: SessionDep,
    user: DeskUser,
    form: Annotated[str, Query(max_length=64)] = "",
):
    """The form with its one-time token (workflows/cases/form_tokens.py), also in its
    address (`?form=`): going Back to it shows the same form, and submitting it again opens
    the first case."""
    failed = forms.form_failure(request, "intake")
    if failed is not None:  # refused: what was typed, and the same token for the retry
        return _form(request, session, user, failed.values, failed.message, failed.status)
    if not form_tokens.TOKEN.fullmatch(form):  # a new form: intake.js puts its token in
        form = form_tokens.new_token()  # the address, for Back and reload to keep it
    values = {"kind": "complaint", "channel": "in_person", "agency_id": user.agency_id}
    values["form_token"] = form
    registered = form_tokens.registered(session=session, token=form, user=user)
    return _form(request, session, user, values, registered=registered)


@router.get("/cases/similar")
def similar(
    request: Request,
    session: SessionDep,
    user: PageUser,
    phone: Annotated[str, Query(max_length=32)] = "",
    id_number: Annotated[str, Query(max_length=32)] = "",
):
    """The intake form's hint (an HTML fragment): the citizen's open cases by phone or
    CCCD, and the details of their latest case for the desk to fill in on request."""
    digits = re.sub(r"\D", "", phone)
    phone = digits if len(digits) >= 6 else ""
    id_number = id_number.strip() if id_number_problem(id_number.strip()) is None else ""
    earlier: list[Case] = []
    if phone or id_number:
        same = [Case.phone_digits == phone] if phone else []
        same += [Case.citizen_id_number == id_number] if id_number else []
        scope = access.visible_agency_ids(session=session, user=user)
        stmt = select(Case).where(
            or_(*same),
            confidentiality.identity_visible(user),  # a phone must not unmask a denouncer
        )
        if scope is not None:
            stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
        stmt = stmt.order_by(Case.received_at.desc(), Case.id.desc()).limit(20)
        earlier = list(session.exec(stmt))
    context = {
        "found": [c for c in earlier if c.status in OPEN_STATUSES][:10],
        "latest": earlier[0] if earlier else None,
        "searched": bool(phone or id_number),
    }
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
    form_token: Text = Field(default="", max_length=64)
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
    data = form.case()
    earlier = form_tokens.claim(session=session, token=form.form_token, user=user, now=now)
    if earlier is not None:  # Back and submit again, a double click: the first case
        session.commit()
        return redirect(f"/cases/{earlier.id}/receipt?again=1")
    result = intake.intake(
        session=session,
        data=data,
        actor=user,
        now=now,
        base_url=settings.base_url,
        sms=settings.sms_configured,
    )
    form_tokens.attach(session=session, token=form.form_token, case=result.case)
    session.commit()
    # "Register and print the receipt": the receipt opens the print dialog this once.
    return redirect(f"/cases/{result.case.id}/receipt?print=1")


def receipt_form_name(case: Case) -> str | None:
    """A dossier's receipt is form 01 of the rules in force on its receipt date (LEGAL.md)."""
    if case.kind != CaseKind.dossier:
        return None
    if deadlines.local_date(case.received_at) < NEW_FORMS_FROM:
        return "Mẫu số 01 — Thông tư 01/2018/TT-VPCP (Nghị định 61/2018/NĐ-CP)"
    return "Mẫu số 01 — Thông tư 03/2025/TT-VPCP (Nghị định 118/2025/NĐ-CP)"


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
    agency = session.get(Agency, case.agency_id)
    context = {
        "case": case,
        "agency": agency,  # the issuing body, under its parent as form 01 heads it
        "parent": session.get(Agency, agency.parent_id) if agency.parent_id else None,
        "form_name": receipt_form_name(case),
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
        # Arriving from "Register and print the receipt" opens the print dialog (once).
        "print_now": request.query_params.get("print") == "1",
        "again": request.query_params.get("again") == "1",
    }
    session.commit()
    return render(request, "receipt.html", context, user=user)
