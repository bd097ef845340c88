"""An agency's feedback mailbox (IMAP) and the messages fetched from it, waiting for triage."""

from datetime import datetime
from enum import StrEnum

from pydantic import EmailStr
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import Text, UTCDateTime


class MailboxSecurity(StrEnum):
    ssl = "ssl"  # IMAPS, port 993
    starttls = "starttls"  # port 143, then TLS
    none = "none"  # plain text: a test server or a local relay only


class InboxState(StrEnum):
    new = "new"  # waiting for a clerk
    case = "case"  # became a new case
    added = "added"  # added to an existing case
    discarded = "discarded"  # not a matter for the desk (with a reason)


class MailboxUpdate(SQLModel):
    """What an administrator sets (PUT /agencies/{id}/mailbox). `password` is write-only:
    left out, the one stored is kept; it is never sent back."""

    address: EmailStr = Field(max_length=255)
    host: Text = Field(min_length=1, max_length=255)
    port: int = Field(default=993, ge=1, le=65535)
    security: MailboxSecurity = MailboxSecurity.ssl
    login: Text = Field(min_length=1, max_length=255)
    password: Text | None = Field(default=None, min_length=1, max_length=1000)
    folder: Text = Field(default="INBOX", min_length=1, max_length=255)
    acknowledge: bool = False
    enabled: bool = True


class MailboxPublic(SQLModel):
    agency_id: int
    address: str
    host: str
    port: int
    security: MailboxSecurity
    login: str
    password_set: bool
    folder: str
    acknowledge: bool
    enabled: bool
    updated_at: datetime
    last_fetch_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None


class AgencyMailbox(SQLModel, table=True):
    __tablename__ = "agency_mailboxes"

    agency_id: int = Field(primary_key=True, foreign_key="agencies.id")
    address: str = Field(max_length=255)
    host: str = Field(max_length=255)
    port: int
    security: MailboxSecurity = Field(sa_type=String(16))
    login: str = Field(max_length=255)
    # Fernet token (AES-CBC + HMAC) under a key derived from DONDOC_SECRET_KEY
    # (workflows/channels/mailbox.py); never the password itself.
    password_encrypted: str = Field(max_length=2000)
    folder: str = Field(default="INBOX", max_length=255)
    acknowledge: bool = False
    enabled: bool = True
    updated_at: datetime = Field(sa_type=UTCDateTime)
    last_fetch_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InboxItem(SQLModel, table=True):
    """One message of an agency's mailbox: not yet a case."""

    __tablename__ = "inbox_items"
    __table_args__ = (UniqueConstraint("agency_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    message_id: str = Field(max_length=998)
    sender_email: str = Field(default="", max_length=255)
    sender_name: str = Field(default="", max_length=255)
    subject: str = Field(default="", max_length=1000)
    text: str = ""
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the Date header
    received_at: datetime = Field(sa_type=UTCDateTime)  # arrival at the agency's server
    fetched_at: datetime = Field(sa_type=UTCDateTime)
    state: InboxState = Field(default=InboxState.new, sa_type=String(16), index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id")
    reason: str = Field(default="", max_length=2000)
    handled_by_id: int | None = Field(default=None, foreign_key="users.id")
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InboxAttachment(SQLModel, table=True):
    """A file of a message: stored like a case's files (by SHA-256), or kept out with a
    reason (`refused`: too_large, type) and no bytes."""

    __tablename__ = "inbox_attachments"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="inbox_items.id", index=True)
    filename: str = Field(max_length=255)
    size: int
    content_type: str = Field(default="", max_length=128)
    sha256: str | None = Field(default=None, max_length=64)
    refused: str | None = Field(default=None, max_length=16)
