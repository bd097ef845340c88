"""The mail folder: .eml files written when no SMTP server is configured, for the web UI."""

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from core.errors import NotFound


@dataclass(frozen=True)
class MailFile:
    file: str  # the file name inside the mail folder
    subject: str
    to: str
    date: datetime | None
    notification_id: int | None


@dataclass(frozen=True)
class MailContent:
    file: str
    subject: str
    to: str
    mail_from: str
    date: datetime | None
    text: str
    html: str | None


def _date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _notification_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def list_mail(mail_dir: Path, *, limit: int = 200) -> list[MailFile]:
    """The written emails, newest first (by file name: notification ids grow)."""
    folder = Path(mail_dir)
    if not folder.is_dir():
        return []
    parser = BytesHeaderParser(policy=policy.default)
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    listed = []
    for path in files:
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        listed.append(
            MailFile(
                file=path.name,
                subject=str(headers.get("Subject", "")),
                to=str(headers.get("To", "")),
                date=_date(headers.get("Date")),
                notification_id=_notification_id(headers.get("X-Dondoc-Notification")),
            )
        )
    return listed


def read_mail(mail_dir: Path, file: str) -> MailContent:
    """One written email, decoded; NotFound for anything but a file of the mail folder."""
    folder = Path(mail_dir).resolve()
    path = (folder / file).resolve()
    if path.parent != folder or path.suffix != ".eml" or not path.is_file():
        raise NotFound("no such email")
    with path.open("rb") as handle:
        message: EmailMessage = BytesParser(policy=policy.default).parse(handle)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return MailContent(
        file=path.name,
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        mail_from=str(message.get("From", "")),
        date=_date(message.get("Date")),
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else None,
    )
