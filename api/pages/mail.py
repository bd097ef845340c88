"""The mail folder: the .eml files written when no SMTP server is configured.

An administrator sees every message; anyone else sees the messages addressed to them.
Reading the folder is notifications/mailbox.py's job; this module only shows it.
"""

from email.utils import getaddresses

from fastapi import APIRouter, Request

from api.deps import SettingsDep
from api.i18n import N_
from api.pages import forms
from api.pages.web import PageUser, render
from core.errors import NotFound
from models import Role, User
from notifications import mailbox

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
MAX_LISTED = 300


def _visible(to: str, user: User) -> bool:
    """Admins see all; anyone else the mail addressed to their exact address."""
    addresses = {address.lower() for _name, address in getaddresses([to])}
    return user.role == Role.admin or user.email.lower() in addresses


@router.get("/mail")
def mail_folder(request: Request, user: PageUser, settings: SettingsDep):
    mails = [
        m
        for m in mailbox.list_mail(settings.mail_dir, limit=MAX_LISTED * 10)
        if _visible(m.to, user)
    ][:MAX_LISTED]
    context = {"mails": mails, "smtp": settings.smtp_configured}
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
