"""The mail folder: .eml files written when no SMTP server is configured, for the web UI.

The folder is listed once and kept (per process) until its modification time moves; then
only the new files are read, so the page does not reread thousands of files per request
(docs/benchmarks.md, "The mail folder page")."""

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from stat import S_ISDIR

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


# A folder changed this recently is listed again on the next read: a file system with coarse
# modification times (1-2 s) may not move the folder's time for a file written in the same tick.
SETTLE_NS = 2_000_000_000


@dataclass(frozen=True)
class _Index:
    mtime_ns: int  # the folder's modification time when it was listed
    settled: bool  # that time was older than SETTLE_NS when it was listed
    entries: dict[str, tuple[MailFile, frozenset[str]]]  # file name → mail, its To addresses
    newest_first: tuple[MailFile, ...]


_indexes: dict[Path, _Index] = {}
_lock = threading.Lock()


def _read_headers(path: Path) -> tuple[MailFile, frozenset[str]] | None:
    """The listed headers of one file, or None when it vanished meanwhile."""
    try:
        with path.open("rb") as handle:
            headers = BytesHeaderParser(policy=policy.default).parse(handle)
    except FileNotFoundError:
        return None
    to = str(headers.get("To", ""))
    mail = MailFile(
        file=path.name,
        subject=str(headers.get("Subject", "")),
        to=to,
        date=_date(headers.get("Date")),
        notification_id=_notification_id(headers.get("X-Dondoc-Notification")),
    )
    return mail, frozenset(address.lower() for _name, address in getaddresses([to]) if address)


def _index(mail_dir: Path) -> _Index | None:
    """The folder's listing, kept per process: when the folder's modification time has not
    moved, the same listing; when it has, the file names are listed again and only the new
    files are read (the writer never changes a file's name or, after a rerun, its message:
    notifications/transport.py). None when there is no folder."""
    folder = Path(mail_dir).resolve()
    try:
        stat = folder.stat()
    except FileNotFoundError:
        return None
    if not S_ISDIR(stat.st_mode):
        return None
    with _lock:
        known = _indexes.get(folder)
        if known and known.settled and known.mtime_ns == stat.st_mtime_ns:
            return known
        settled = time.time_ns() - stat.st_mtime_ns > SETTLE_NS
        old = known.entries if known else {}
        entries = {}
        with os.scandir(folder) as found:
            for entry in found:
                if entry.name.endswith(".eml") and entry.is_file():
                    read = old.get(entry.name) or _read_headers(folder / entry.name)
                    if read is not None:
                        entries[entry.name] = read
        newest_first = tuple(entries[name][0] for name in sorted(entries, reverse=True))
        _indexes[folder] = _Index(stat.st_mtime_ns, settled, entries, newest_first)
        return _indexes[folder]


def list_mail(mail_dir: Path, *, limit: int = 200) -> list[MailFile]:
    """The written emails, newest first (by file name: notification ids grow)."""
    index = _index(mail_dir)
    return list(index.newest_first[:limit]) if index else []


def mail_to(mail_dir: Path, address: str | None) -> list[MailFile]:
    """The written emails addressed to `address` (every one for None), newest first."""
    index = _index(mail_dir)
    if index is None:
        return []
    if address is None:
        return list(index.newest_first)
    wanted = address.lower()
    return [mail for mail in index.newest_first if wanted in index.entries[mail.file][1]]


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
