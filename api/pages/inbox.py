"""The inbox of the agency's feedback mailbox (/inbox): clerks, officers and heads of that
agency triage each fetched message: a new case (the intake form prefilled, received when the
message arrived), added to an existing case, or discarded with a reason
(workflows/channels/inbox.py). Anyone else is told the page does not exist (404)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from api.deps import Now, SessionDep, SettingsDep
from api.pages.web import PageNotFound, PageUser, error_text, page_translator, redirect, render
from api.routes.attachments import disposition
from api.uploads import StorageDep
from core.errors import DomainError, NotFound
from models import Agency, CaseCreate, CaseKind, InboxState, User
from models.base import Id
from workflows.attachments.storage import FileStorage
from workflows.channels import inbox

router = APIRouter(include_in_schema=False)
KINDS = (CaseKind.petition, CaseKind.complaint, CaseKind.denunciation)
Field = Annotated[str, Form(max_length=20000)]


def _triager(user: User) -> User:
    if user.role not in inbox.TRIAGE_ROLES or user.agency_id is None:
        raise PageNotFound()
    return user


def _item(session, item_id: int, user: User):
    try:
        return inbox.get(session=session, item_id=item_id, user=_triager(user))
    except NotFound:
        raise PageNotFound() from None


@router.get("/inbox")
def inbox_page(request: Request, session: SessionDep, user: PageUser):
    user = _triager(user)
    context = {
        "agency": session.get(Agency, user.agency_id),
        "waiting": inbox.items(session=session, user=user),
        "handled": inbox.items(session=session, user=user, state=None, limit=50),
        "visible": lambda item: inbox.sender_visible(session=session, item=item, user=user),
    }
    return render(request, "inbox.html", context, user=user)


def _item_page(request, session, user, item, *, values=None, error=None, form=None, status=200):
    context = {
        "item": item,
        "files": inbox.files(session=session, item=item),
        "visible": inbox.sender_visible(session=session, item=item, user=user),
        "values": values or inbox.prefill(item),
        "kinds": KINDS,
        "error": error,
        "form": form,
        "open": item.state == InboxState.new,
    }
    return render(request, "inbox_item.html", context, user=user, status_code=status)


@router.get("/inbox/{item_id}")
def item_page(item_id: Id, request: Request, session: SessionDep, user: PageUser):
    return _item_page(request, session, user, _item(session, item_id, user))


def _refused(request, session, user, item, exc, form, values=None):
    session.rollback()
    session.refresh(item)
    status = exc.status_code if isinstance(exc, DomainError) else 422
    message = error_text(request, exc) if isinstance(exc, DomainError) else str(exc)
    return _item_page(request, session, user, item, values=values, error=message, form=form,
                      status=status)  # fmt: skip


@router.get("/inbox/{item_id}/files/{file_id}", response_model=None)
def item_file(
    item_id: Id, file_id: Id, session: SessionDep, storage: StorageDep, user: PageUser
) -> Response:
    """A stored file of the message, to read before deciding (404 where the sender is kept
    confidential from this reader)."""
    item = _item(session, item_id, user)
    try:
        kept = inbox.file(session=session, item=item, file_id=file_id, user=user)
    except NotFound:
        raise PageNotFound() from None
    headers = {"Content-Disposition": disposition(kept.filename),
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    if isinstance(storage, FileStorage):
        return FileResponse(storage.path(kept.sha256), media_type=kept.content_type,
                            headers=headers)  # fmt: skip
    data = b"".join(storage.read(session=session, sha256=kept.sha256))
    return Response(data, media_type=kept.content_type, headers=headers)


@router.post("/inbox/{item_id}/case")
def make_case(
    item_id: Id, request: Request, session: SessionDep, settings: SettingsDep, user: PageUser,
    now: Now, kind: Field = "", title: Field = "", description: Field = "",
    citizen_name: Field = "", citizen_phone: Field = "", citizen_email: Field = "",
    citizen_address: Field = "",
) -> object:  # fmt: skip
    item = _item(session, item_id, user)
    values = {"kind": kind, "title": title, "description": description,
              "citizen_name": citizen_name, "citizen_phone": citizen_phone,
              "citizen_email": citizen_email, "citizen_address": citizen_address}  # fmt: skip
    _ = page_translator(request)
    try:
        if kind not in {k.value for k in KINDS}:
            raise DomainError(_("Choose the kind of case."))
        data = CaseCreate(
            kind=kind, title=title.strip(), description=description.strip(), channel="email",
            agency_id=item.agency_id,
            citizen={"name": citizen_name.strip(), "phone": citizen_phone.strip() or None,
                     "email": citizen_email.strip() or None,
                     "address": citizen_address.strip() or None},
        )  # fmt: skip
        case = inbox.to_case(session=session, item=item, data=data, actor=user, now=now,
                             base_url=settings.base_url, sms=settings.sms_configured)  # fmt: skip
        session.commit()
    except ValidationError:
        error = DomainError(_("Not recorded: check the title and the citizen's name, phone "
                              "and email."))  # fmt: skip
        return _refused(request, session, user, item, error, "case", values)
    except DomainError as exc:
        return _refused(request, session, user, item, exc, "case", values)
    return redirect(f"/cases/{case.id}")


@router.post("/inbox/{item_id}/add")
def add_to_case(
    item_id: Id, request: Request, session: SessionDep, user: PageUser, now: Now,
    code: Annotated[str, Form(max_length=64)] = "",
) -> object:  # fmt: skip
    item = _item(session, item_id, user)
    try:
        case = inbox.add_to_case(session=session, item=item, code=code, actor=user, now=now)
        session.commit()
    except DomainError as exc:
        return _refused(request, session, user, item, exc, "add")
    return redirect(f"/cases/{case.id}")


@router.post("/inbox/{item_id}/discard")
def discard(
    item_id: Id, request: Request, session: SessionDep, user: PageUser, now: Now,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> object:  # fmt: skip
    item = _item(session, item_id, user)
    try:
        inbox.discard(session=session, item=item, reason=reason, actor=user, now=now)
        session.commit()
    except DomainError as exc:
        return _refused(request, session, user, item, exc, "discard")
    return redirect("/inbox")
