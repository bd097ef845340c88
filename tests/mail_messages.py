"""Raw messages as citizens' mail programs send them: RFC 2047 headers, UTF-8, windows-1252
and windows-1258 (Vietnamese with combining tone marks), files attached."""

import base64
import unicodedata
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # the marks windows-1258 combines


def windows_vietnamese(text: str) -> str:
    """`text` the way windows-1258 writes it: letters with their hat, breve or horn
    precomposed, tone marks as combining characters after them."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out)


def encoded_word(text: str, charset: str) -> str:
    """An RFC 2047 encoded word (base64) of `text` in `charset`."""
    data = (windows_vietnamese(text) if charset == "windows-1258" else text).encode(charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def plain(
    *, message_id: str | None, subject: str, body: str, charset: str = "utf-8",
    sender: str = "Nguyễn Văn An <an@example.vn>", date: str = "Mon, 02 Mar 2026 08:15:00 +0700",
    extra: str = "",
) -> bytes:  # fmt: skip
    """A one-part text message, its subject and body in `charset` (8bit)."""
    name, address = sender.rsplit(" <", 1)
    body_text = windows_vietnamese(body) if charset == "windows-1258" else body
    head = (
        f"From: {encoded_word(name, 'utf-8')} <{address}\r\n"
        f"To: phananh@agency.example.vn\r\n"
        f"Subject: {encoded_word(subject, charset)}\r\n"
        f"Date: {date}\r\n"
        + (f"Message-ID: {message_id}\r\n" if message_id else "")
        + extra
        + "MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + body_text.encode(charset) + b"\r\n"


def with_files(*, message_id: str, subject: str, body: str, files: list[tuple[str, bytes]],
               sender: str = "an@example.vn") -> bytes:  # fmt: skip
    """A UTF-8 message with files attached."""
    message = MIMEMultipart()
    message["From"] = sender
    message["To"] = "phananh@agency.example.vn"
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Mar 2026 08:15:00 +0700"
    message["Message-ID"] = message_id
    message.attach(MIMEText(body, "plain", "utf-8"))
    for name, data in files:
        part = MIMEApplication(data)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        message.attach(part)
    return message.as_bytes()
