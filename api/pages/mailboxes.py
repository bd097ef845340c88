"""The administrator's feedback mailboxes page: each agency's IMAP mailbox, its last fetch
and error, a form to set or replace one, and a button to stop fetching it.

The rules are those of the JSON API (workflows/channels/mailbox.py): the page only reads
the form. The password is write-only: the form never shows it back, not even refused, and a
replacement left without one keeps the stored password.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlmodel import select

from api.deps import Now, SessionDep, SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.web import error_text, page_roles, page_translator, redirect, render
from core.errors import DomainError
from models import Agency, AgencyMailbox, MailboxSecurity, MailboxUpdate, Role, User
from models.base import Id
from workflows.channels import mailbox as mailboxes

router = APIRouter(include_in_schema=False)
AdminPageUser = Annotated[User, Depends(page_roles(Role.admin))]

FORM = "mailbox"
TYPED = ("agency_id", "address", "host", "port", "security", "login", "folder")
CHECKED = ("acknowledge", "enabled")
NEW = {"port": "993", "security": "ssl", "folder": "INBOX", "enabled": "1"}
# A field's own words where the generic "Not a valid value." says too little.
MESSAGES = {
    "address": N_("Type an email address, e.g. gopy@thainguyen.gov.vn."),
    "port": N_("The port is a whole number from 1 to 65535."),
}
# The domain's refusals, beside the field they are about.
CODE_FIELDS = {
    "mailbox.no_agency": "agency_id",
    "mailbox.agency_dissolved": "agency_id",
    "mailbox.password_needed": "password",
}


def _rows(session) -> list[tuple[AgencyMailbox, str, bool]]:
    """Each mailbox with its agency's name and whether the agency was dissolved."""
    statement = (
        select(AgencyMailbox, Agency.name, Agency.dissolved_at)
        .join(Agency, Agency.id == AgencyMailbox.agency_id)
        .order_by(Agency.name, Agency.id)
    )
    return [(box, name, gone is not None) for box, name, gone in session.exec(statement)]


def _agencies(session) -> list[tuple[int, str]]:
    """The agencies a mailbox may be set for: (id, name) of those not dissolved."""
    statement = (
        select(Agency.id, Agency.name)
        .where(Agency.dissolved_at.is_(None))
        .order_by(Agency.name, Agency.id)
    )
    return list(session.exec(statement))


def _stored(box: AgencyMailbox) -> dict[str, str]:
    """A stored mailbox as the form's values (never its password), to replace it."""
    public = mailboxes.public(box)
    values = {name: str(getattr(public, name)) for name in TYPED}
    values.update({name: "1" for name in CHECKED if getattr(public, name)})
    return values


def _page(request: Request, session, user: User, *, status: int = 200, **extra):
    form = extra.pop("form", None)
    if form is None:  # a fresh form, or an agency's stored settings to replace
        chosen = forms.typed_number(request.query_params.get("agency", ""))
        box = session.get(AgencyMailbox, chosen) if chosen is not None else None
        form = _stored(box) if box is not None else dict(NEW)
    context = {
        "rows": _rows(session),
        "agencies": _agencies(session),
        "securities": list(MailboxSecurity),
        "form": form,
        "done": request.query_params.get("done"),
        **extra,
    }
    return render(request, "mailboxes.html", context, user=user, status_code=status)


@router.get("/mailboxes")
def mailboxes_page(request: Request, session: SessionDep, user: AdminPageUser):
    return _page(request, session, user)


def _refused(request, session, user, form, errors: dict[str, str], status: int = 422):
    failed = forms.refused_fields(FORM, errors, values=form, status=status)
    message = " ".join(dict.fromkeys(errors.values()))
    return _page(request, session, user, error=message, form=form, failed=failed, status=status)


@router.post("/mailboxes")
async def set_mailbox(
    request: Request, session: SessionDep, settings: SettingsDep, user: AdminPageUser, now: Now
):
    posted = await request.form()
    # The password apart, as typed (spaces may belong to it), and never in what is shown again.
    form = {k: str(v).strip() for k, v in posted.items() if k not in ("csrf_token", "password")}
    password = str(posted.get("password") or "")
    _ = page_translator(request)
    errors = {name: _(forms.REQUIRED) for name in TYPED if not form.get(name)}
    agency_id = form.get("agency_id", "")
    if agency_id and forms.typed_number(agency_id) is None:
        errors["agency_id"] = _(forms.NOT_A_CHOICE)
    fields = {name: form[name] for name in TYPED if form.get(name) and name != "agency_id"}
    fields.update({name: form.get(name) == "1" for name in CHECKED})
    fields["password"] = password or None
    try:
        data = MailboxUpdate.model_validate(fields)
    except ValidationError as exc:
        for name, key in forms.field_errors(exc).items():
            errors.setdefault(name, _(key if key == forms.TOO_LONG else MESSAGES.get(name, key)))
    if errors:
        return _refused(request, session, user, form, errors)
    try:
        mailboxes.configure(
            session=session, agency_id=int(agency_id), data=data, secret=settings.secret_key,
            now=now,
        )  # fmt: skip
        session.commit()
    except DomainError as exc:
        session.rollback()
        field = CODE_FIELDS.get(exc.code or "", "agency_id")
        return _refused(request, session, user, form, {field: error_text(request, exc)},
                        status=exc.status_code)  # fmt: skip
    return redirect("/mailboxes?done=set")


@router.post("/mailboxes/{agency_id}/remove")
def remove_mailbox(agency_id: Id, request: Request, session: SessionDep, user: AdminPageUser):
    """Stop fetching: the mailbox's settings go, the inbox items it brought stay."""
    try:
        mailboxes.remove(session=session, agency_id=agency_id)
        session.commit()
    except DomainError as exc:  # removed meanwhile (by another administrator)
        session.rollback()
        return _page(request, session, user, error=error_text(request, exc), status=404)
    return redirect("/mailboxes?done=removed")
