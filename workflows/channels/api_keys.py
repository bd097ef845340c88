"""API keys for partner systems: made, checked and revoked; only their hash is stored."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from core.errors import Invalid, NotFound
from models import Agency, ApiKey, Role, User
from workflows.org.users import hash_password


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(*, session: Session, name: str, agency_id: int, now: datetime) -> tuple[ApiKey, str]:
    """A new key for `agency_id`; returns the row and the key, which is never shown again."""
    name = name.strip()
    if not name:
        raise Invalid("an API key needs a name")
    agency = session.get(Agency, agency_id)
    if agency is None or agency.dissolved_at is not None:
        raise Invalid(f"agency {agency_id} does not exist or was dissolved")
    key = secrets.token_urlsafe(32)
    account = User(
        username=f"partner-{secrets.token_hex(6)}",
        full_name=name[:255],
        email="partner@invalid.example",
        role=Role.clerk,
        agency_id=agency_id,
        # Nobody knows this password and the account is disabled: it cannot sign in.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        is_active=False,
        created_at=now,
    )
    session.add(account)
    session.flush()
    row = ApiKey(
        name=name[:255],
        agency_id=agency_id,
        user_id=account.id,
        key_hash=_digest(key),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, key


def revoke(*, session: Session, key_id: int, now: datetime) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"no API key {key_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.flush()
    return row


def authenticate(*, session: Session, key: str) -> ApiKey | None:
    """The live key `key` stands for, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == _digest(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return row
