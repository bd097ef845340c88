"""Fetching an agency's feedback mailbox over IMAP (imap-tools) into its inbox.

Each new (unseen) message is read without touching its flags (BODY.PEEK), kept as an inbox
item in a transaction of its own, and only after that transaction committed is it marked
\\Seen on the server. A crash in between leaves the message unseen: the next fetch reads it
again, finds its item by Message-ID and only marks it seen. A message without a Message-ID
is known by the SHA-256 of its bytes.

Texts: RFC 2047 headers and every declared charset are decoded (UTF-8, windows-1252,
windows-1258 …); a text part with no or a wrong charset is tried as UTF-8, then as
windows-1258; Vietnamese written with combining marks (as windows-1258 does) is composed
(NFC), so it reads and searches like any other text.
"""

import hashlib
import html as html_text
import imaplib
import re
import socket
import ssl
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr

import imap_tools
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from sqlalchemy import Engine
from sqlmodel import Session

from models import Agency, AgencyMailbox, MailboxSecurity
from workflows.attachments.storage import Storage
from workflows.channels.inbox import MailFile, Message, exists, record

TIMEOUT_SECONDS = 30
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_HTML_TAG = re.compile(r"<[^>]+>")
# The server's or the network's failures: they end this mailbox's fetch, noted, not raised.
FETCH_ERRORS = (
    imaplib.IMAP4.error, imap_tools.errors.ImapToolsError, OSError, socket.timeout,
    ssl.SSLError, EOFError,
)  # fmt: skip
# A message this code cannot make sense of: it stays unseen on the server, the others are read.
UNREADABLE = (ValueError, LookupError, TypeError, AttributeError, IndexError)


@dataclass
class FetchReport:
    new: int = 0  # items written
    known: int = 0  # messages that had their item already (only marked seen)
    error: str | None = None  # why the fetch stopped (server down, login refused …)


def connect(mailbox: AgencyMailbox, password: str):
    """A logged-in imap-tools mailbox on the configured folder."""
    if mailbox.security == MailboxSecurity.ssl:
        client = MailBox(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    elif mailbox.security == MailboxSecurity.starttls:
        client = MailBoxStartTls(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    else:
        client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    return client.login(mailbox.login, password, initial_folder=mailbox.folder)


def fetch(
    *, engine: Engine, agency_id: int, password: str, storage: Storage, max_bytes: int,
    now: datetime,
) -> FetchReport:  # fmt: skip
    """Fetch the unseen messages of the agency's mailbox into its inbox."""
    report = FetchReport()
    with Session(engine) as session:
        mailbox = session.get(AgencyMailbox, agency_id)
        agency = session.get(Agency, agency_id)
        session.expunge_all()
    if mailbox is None or agency is None:  # removed meanwhile
        return report
    try:
        with connect(mailbox, password) as client:
            for uid in client.uids(AND(seen=False)):
                _one(client=client, uid=uid, engine=engine, agency=agency, mailbox=mailbox,
                     storage=storage, max_bytes=max_bytes, now=now, report=report)  # fmt: skip
    except FETCH_ERRORS as error:
        report.error = f"{type(error).__name__}: {error}"[:500]
    return report


def _one(*, client, uid, engine, agency, mailbox, storage, max_bytes, now, report) -> None:
    header = next(client.fetch(uid_list=[uid], headers_only=True, mark_seen=False), None)
    if header is None:  # expunged meanwhile
        return
    message_id = _message_id(header)
    with Session(engine) as session:
        known = message_id is not None and exists(
            session=session, agency_id=agency.id, message_id=message_id
        )
    if not known:
        full = next(client.fetch(uid_list=[uid], mark_seen=False), None)
        if full is None:
            return
        try:
            message = read(full, received_at=_arrival(client, uid) or now)
        except UNREADABLE as error:
            report.error = f"message {uid} could not be read: {type(error).__name__}: {error}"
            return
        with Session(engine) as session:
            item = record(
                session=session, agency=agency, message=message, now=now, storage=storage,
                max_bytes=max_bytes, acknowledge=mailbox.acknowledge,
                mailbox_address=mailbox.address,
            )  # fmt: skip
            session.commit()
        known = item is None
    # Only now, with the item committed, is the message marked seen on the server.
    client.flag([uid], imap_tools.MailMessageFlags.SEEN, True)
    if known:
        report.known += 1
    else:
        report.new += 1


def _message_id(message: MailMessage) -> str | None:
    value = (message.obj.get("Message-ID") or "").strip()
    return value[:998] or None


def _arrival(client, uid: str) -> datetime | None:
    """The server's INTERNALDATE: when the message arrived in the agency's mailbox."""
    status, data = client.client.uid("FETCH", uid, "(INTERNALDATE)")
    if status != "OK":
        return None
    for line in data:
        found = _INTERNALDATE.search(line if isinstance(line, bytes) else b"")
        if found:
            text = found.group(1).decode("ascii")
            return datetime.strptime(text, "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)
    return None


def read(message: MailMessage, *, received_at: datetime) -> Message:
    """The decoded message: sender, subject, text, dates, files."""
    name, address = parseaddr(message.from_values.full if message.from_values else "")
    raw = message.obj.as_bytes() if message.obj else b""
    message_id = _message_id(message) or f"<sha256-{hashlib.sha256(raw).hexdigest()}@dondoc>"
    try:
        sent_at = message.date if message.date_str else None
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = None
    except (ValueError, TypeError):
        sent_at = None
    files = [
        MailFile(filename=part.filename, content_type=part.content_type, data=part.payload)
        for part in message.attachments
        if part.filename
    ]
    headers = message.obj
    auto = (headers.get("Auto-Submitted") or "no").strip().lower() != "no" or (
        headers.get("Precedence") or ""
    ).strip().lower() in ("bulk", "junk", "list")
    return Message(
        message_id=message_id,
        sender_email=(message.from_values.email if message.from_values else address)[:255],
        sender_name=_nfc(message.from_values.name if message.from_values else name),
        subject=_nfc(message.subject),
        text=_text(message),
        sent_at=sent_at.astimezone(UTC) if sent_at else None,
        received_at=received_at,
        files=files,
        automatic=auto or bool(headers.get("List-Id")),
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").replace("\x00", "")


def _decode(payload: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8", "cp1258"):
        if not encoding:
            continue
        try:
            return payload.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")


def _text(message: MailMessage) -> str:
    """The plain text parts, else the HTML parts without their tags."""
    plain, html = [], []
    for part in message.obj.walk():
        if part.get_content_maintype() == "multipart" or part.get_filename():
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_content_type() == "text/plain":
            plain.append(_decode(payload, part.get_content_charset()))
        elif part.get_content_type() == "text/html":
            html.append(
                html_text.unescape(_HTML_TAG.sub(" ", _decode(payload, part.get_content_charset())))
            )
    return _nfc("\n".join(plain) if plain else "\n".join(html)).strip()
