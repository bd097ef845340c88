"""The mail folder: the .eml files written when no SMTP server is configured.

An administrator sees every message; anyone else sees the messages addressed to them.
"""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastapi import APIRouter, Request

from api.deps import SettingsDep
from api.pages.web import PageUser, render
from models import Role, User

router = APIRouter(include_in_schema=False)
SAFE_NAME = re.compile(r"^[\w.\-]+\.eml$")
MAX_LISTED = 300


@dataclass
class Mail:
    name: str
    sender: str
    to: str
    subject: str
    date: object
    message: EmailMessage

    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


def read(path: Path) -> Mail:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    try:
        sent = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent = None
    return Mail(
        name=path.name,
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=sent,
        message=message,
    )


def _visible(mail: Mail, user: User) -> bool:
    return user.role == Role.admin or user.email.lower() in mail.to.lower()


def folder(mail_dir: Path | None) -> list[Path]:
    """The .eml files, newest first."""
    if mail_dir is None or not mail_dir.is_dir():
        return []
    files = [p for p in mail_dir.rglob("*.eml") if p.is_file()]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


@router.get("/mail")
def mail_folder(request: Request, user: PageUser, settings: SettingsDep):
    mails = []
    for path in folder(settings.mail_dir):
        mail = read(path)
        if _visible(mail, user):
            mails.append(mail)
        if len(mails) >= MAX_LISTED:
            break
    context = {"mails": mails, "smtp": settings.smtp_configured}
    return render(request, "mail.html", context, user=user)


@router.get("/mail/{name}")
def mail_message(name: str, request: Request, user: PageUser, settings: SettingsDep):
    paths = {p.name: p for p in folder(settings.mail_dir)} if SAFE_NAME.match(name) else {}
    mail = read(paths[name]) if name in paths else None
    if mail is None or not _visible(mail, user):
        context = {"message_key": "err.not_found"}
        return render(request, "error.html", context, user=user, status_code=404)
    return render(request, "mail_message.html", {"mail": mail}, user=user)
