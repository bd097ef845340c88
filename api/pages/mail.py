"""The mail folder: the .eml files written when no SMTP server is configured.

An administrator sees every message; anyone else sees the messages addressed to them.
Reading the folder is notifications/mailbox.py's job; this module only shows it.
"""

from email.utils import getaddresses
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.web import PageUser, render
from core.errors import NotFound
from models import Role, User
from notifications import mailbox

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
PAGE_SIZE = 50


def _visible(to: str, user: User) -> bool:
    """Admins see all; anyone else the mail addressed to their exact address."""
    addresses = {address.lower() for _name, address in getaddresses([to])}
    return user.role == Role.admin or user.email.lower() in addresses


@router.get("/mail")
def mail_folder(
    request: Request,
    user: PageUser,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    """The reader's mail, newest first, PAGE_SIZE a page."""
    mine = mailbox.mail_to(settings.mail_dir, None if user.role == Role.admin else user.email)
    pages = max(1, -(-len(mine) // PAGE_SIZE))
    page = min(page, pages)
    context = {
        "mails": mine[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "smtp": settings.smtp_configured,
        "page": page,
        "pages": pages,
    }
    return render(request, "mail.html", context, user=user)


@router.get("/mail/{name}")
def mail_message(name: str, request: Request, user: PageUser, settings: SettingsDep):
    try:
        mail = mailbox.read_mail(settings.mail_dir, name)
    except NotFound:
        mail = None
    if mail is None or not _visible(mail.to, user):
        context = {"message_key": N_("Not found.")}
        return render(request, "error.html", context, user=user, status_code=404)
    return render(request, "mail_message.html", {"mail": mail}, user=user)
