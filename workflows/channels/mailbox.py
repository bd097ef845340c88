"""An agency's feedback mailbox: what an administrator sets, and its password kept secret.

The password is stored encrypted (Fernet: AES-128-CBC with an HMAC-SHA256, from the
`cryptography` package) under a key derived from DONDOC_SECRET_KEY, which the edges pass in
as `secret`. It is never sent back: the API shape says only whether one is set. A changed
secret key makes the stored passwords unreadable: the fetch reports it on the health panel
and an administrator sets them again.
"""

import base64
import hashlib
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session, select

from core.errors import Invalid, NotFound
from models import Agency, AgencyMailbox, MailboxPublic, MailboxUpdate

_PURPOSE = b"dondoc agency mailbox password\x00"


class PasswordUnreadable(Exception):
    """The stored password cannot be decrypted with this secret key."""


def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(_PURPOSE + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(password: str, *, secret: str) -> str:
    return _fernet(secret).encrypt(password.encode()).decode("ascii")


def decrypt(token: str, *, secret: str) -> str:
    try:
        return _fernet(secret).decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise PasswordUnreadable(
            "the stored mailbox password cannot be decrypted (was DONDOC_SECRET_KEY changed?): "
            "set it again"
        ) from None


def get(*, session: Session, agency_id: int) -> AgencyMailbox:
    mailbox = session.get(AgencyMailbox, agency_id)
    if mailbox is None:
        raise NotFound(f"agency {agency_id} has no mailbox", code="mailbox.none")
    return mailbox


def configure(
    *, session: Session, agency_id: int, data: MailboxUpdate, secret: str, now: datetime
) -> AgencyMailbox:
    """Set (or replace) the agency's mailbox; the caller commits."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id} not found", code="mailbox.no_agency")
    if agency.dissolved_at is not None:
        raise Invalid(f"agency {agency_id} was dissolved", code="mailbox.agency_dissolved")
    mailbox = session.get(AgencyMailbox, agency_id)
    if mailbox is None and data.password is None:
        raise Invalid("a new mailbox needs its password", code="mailbox.password_needed")
    values = data.model_dump(exclude={"password"})
    if mailbox is None:
        mailbox = AgencyMailbox(
            agency_id=agency_id, password_encrypted="", updated_at=now, **values
        )
    else:
        for name, value in values.items():
            setattr(mailbox, name, value)
        mailbox.updated_at = now
    if data.password is not None:
        mailbox.password_encrypted = encrypt(data.password, secret=secret)
        mailbox.last_error = mailbox.last_error_at = None
    session.add(mailbox)
    session.flush()
    return mailbox


def remove(*, session: Session, agency_id: int) -> None:
    session.delete(get(session=session, agency_id=agency_id))
    session.flush()


def public(mailbox: AgencyMailbox) -> MailboxPublic:
    """The mailbox as the API shows it: without the password."""
    names = set(MailboxPublic.model_fields) - {"password_set"}
    values = {name: getattr(mailbox, name) for name in names}
    return MailboxPublic(**values, password_set=bool(mailbox.password_encrypted))


def enabled(*, session: Session) -> list[AgencyMailbox]:
    """The mailboxes to fetch: enabled, of agencies not dissolved."""
    statement = (
        select(AgencyMailbox)
        .join(Agency, Agency.id == AgencyMailbox.agency_id)
        .where(AgencyMailbox.enabled, Agency.dissolved_at.is_(None))
        .order_by(AgencyMailbox.agency_id)
    )
    return list(session.exec(statement))
