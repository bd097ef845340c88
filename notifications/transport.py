"""Where rendered emails go: an SMTP server (through `emails`) or a folder of .eml files."""

import hashlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parseaddr
from pathlib import Path
from types import TracebackType

import emails
from emails.backend.smtp import SMTPBackend
from emails.backend.smtp.client import SMTPClientWithResponse, SMTPClientWithResponse_SSL
from emails.backend.smtp.exceptions import SMTPConnectNetworkError

from core.clock import LOCAL_TZ
from core.settings import Settings
from notifications.render import RenderedEmail

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Outcome:
    """What happened to one message."""

    ok: bool
    transport: str
    smtp_code: int | None = None
    response: str | None = None
    # The connection is unusable (refused, dropped, login failed): stop this batch.
    connection_lost: bool = False
    # The message itself is unsendable (bad address or header): retrying cannot help.
    permanent: bool = False


def message_id(*, notification_id: int, key: str, mail_from: str) -> str:
    """A Message-ID fixed per notification, so a rare resend is recognisably the same mail."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "dondoc.localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<dondoc.{notification_id}.{digest}@{domain}>"


def build_message(
    *,
    email: RenderedEmail,
    notification_id: int,
    key: str,
    recipient: str,
    recipient_name: str,
    mail_from: str,
    now: datetime,
) -> emails.Message:
    """The MIME message (multipart/alternative: plain text and HTML, UTF-8)."""
    return emails.Message(
        subject=email.subject,
        text=email.text,
        html=email.html,
        mail_from=mail_from,
        mail_to=(recipient_name or None, recipient),
        date=format_datetime(now.astimezone(LOCAL_TZ)),
        message_id=message_id(notification_id=notification_id, key=key, mail_from=mail_from),
        headers={"X-Dondoc-Notification": str(notification_id)},
    )


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def tls_context(settings: Settings) -> ssl.SSLContext:
    """Certificates verified and the host name checked: against the system's CAs, or only
    against `smtp_ca_file` (a private CA) when it is set."""
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


class _Client(SMTPClientWithResponse):
    """`emails`' client calls smtplib's starttls() without a context, which verifies
    nothing: ours passes a verifying one."""

    def __init__(self, parent, *, context: ssl.SSLContext, **kwargs):
        self.verifying_context = context
        super().__init__(parent, **kwargs)

    def starttls(self, *args, **kwargs):
        return smtplib.SMTP.starttls(self, context=self.verifying_context)


class _SslClient(SMTPClientWithResponse_SSL):
    """Implicit TLS (port 465) with a verifying context (`emails` drops the context)."""

    def __init__(self, *, context: ssl.SSLContext, **kwargs):
        # No host yet: the context is set without connecting; the next call connects.
        smtplib.SMTP_SSL.__init__(self, context=context)
        SMTPClientWithResponse.__init__(self, **kwargs)


class _Backend(SMTPBackend):
    connection_cls = _Client
    connection_ssl_cls = _SslClient


class SmtpTransport:
    """One SMTP connection, opened on the first message and closed on exit."""

    name = "smtp"

    def __init__(self, settings: Settings):
        security = settings.smtp_security
        self.backend = _Backend(
            host=settings.smtp_host,
            port=settings.smtp_port,
            ssl=security == "ssl",
            tls=security == "starttls",
            user=settings.smtp_user or None,
            password=settings.smtp_password or None,
            timeout=SMTP_TIMEOUT_SECONDS,
            fail_silently=True,
            context=tls_context(settings),
        )

    def __enter__(self) -> "SmtpTransport":
        return self

    def __exit__(self, exc_type, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.backend.close()

    def send(self, message: emails.Message, *, notification_id: int) -> Outcome:
        try:
            data = message.as_bytes()
            from_addr = message.get_mail_from()[1]
            to_addrs = [address for address in message.get_recipients_emails() if address]
        except ValueError as exc:  # a header that cannot be encoded, an unusable address
            return Outcome(False, self.name, response=_describe(exc), permanent=True)
        if not to_addrs or not from_addr:
            return Outcome(False, self.name, response="no sender or no recipient", permanent=True)
        try:
            response = self.backend.sendmail(
                from_addr=from_addr, to_addrs=to_addrs, msg=_Prebuilt(data)
            )
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            # Raised while connecting or talking to the server: the connection is gone.
            self.backend.close()
            return Outcome(False, self.name, response=_describe(exc), connection_lost=True)
        if response.success:
            return Outcome(True, self.name, response.status_code, _text(response.status_text))
        if response.last_command is None:
            # Failed before MAIL FROM: connecting, TLS or login.
            self.backend.close()
            return Outcome(
                False, self.name, response=_describe(response.error), connection_lost=True
            )
        if response.refused_recipients:
            code, text = next(iter(response.refused_recipients.values()))
            return Outcome(False, self.name, code, _text(text))
        return Outcome(False, self.name, response.status_code, _text(response.status_text))


@dataclass(frozen=True)
class _Prebuilt:
    """A message already rendered to bytes, in the shape SMTPBackend.sendmail expects."""

    data: bytes

    def as_bytes(self) -> bytes:
        return self.data


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown SMTP error"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, SMTPConnectNetworkError):
        return f"cannot connect to the SMTP server: {exc.strerror} (errno {exc.errno})"
    return f"{type(exc).__name__}: {exc}"


class MailDirTransport:
    """Writes each message to <mail_dir>/<id>-<template>.eml (no SMTP configured).

    The file name is fixed per notification, so writing it again after a crash replaces
    the same file: in this mode a notification appears exactly once.
    """

    name = "mail_dir"

    def __init__(self, settings: Settings):
        self.directory = Path(settings.mail_dir)

    def __enter__(self) -> "MailDirTransport":
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, exc_type, exc: BaseException | None, tb: TracebackType | None) -> None:
        return None

    def send(self, message: emails.Message, *, notification_id: int) -> Outcome:
        path = self.directory / f"{notification_id:08d}.eml"
        temporary = path.with_suffix(".tmp")
        try:
            data = message.as_bytes()
        except ValueError as exc:
            return Outcome(False, self.name, response=_describe(exc), permanent=True)
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as exc:  # the disk is full, the folder not writable: try again later
            temporary.unlink(missing_ok=True)
            return Outcome(False, self.name, response=_describe(exc), connection_lost=True)
        return Outcome(True, self.name, response=str(path))


def open_transport(settings: Settings) -> SmtpTransport | MailDirTransport:
    """SMTP when a host is configured, the mail folder otherwise."""
    return SmtpTransport(settings) if settings.smtp_configured else MailDirTransport(settings)
