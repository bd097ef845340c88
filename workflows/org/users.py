"""Users: creation with argon2 password hashes, and sign-in."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlmodel import Session, select

from core.errors import Conflict, Invalid
from models import Agency, Role, User, UserCreate

_hasher = PasswordHasher()
# Compared against when the user does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not a real password")

ROLES_WITH_AGENCY = {Role.clerk, Role.officer, Role.head}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def list_all(*, session: Session) -> list[User]:
    """Every user, in the order they were created."""
    return list(session.exec(select(User).order_by(User.id)))


def create(*, session: Session, data: UserCreate, now: datetime) -> User:
    """A new user; clerks, officers and heads must belong to an agency."""
    if data.role in ROLES_WITH_AGENCY and data.agency_id is None:
        raise Invalid(f"a {data.role} must belong to an agency")
    if data.agency_id is not None and session.get(Agency, data.agency_id) is None:
        raise Invalid(f"agency {data.agency_id} does not exist")
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict(f"username {data.username!r} is taken")
    user = User.model_validate(
        data,
        update={"password_hash": hash_password(data.password), "created_at": now},
    )
    session.add(user)
    session.flush()
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    # No username holds a NUL character, and PostgreSQL cannot compare text with one.
    user = None
    if "\x00" not in username:
        user = session.exec(select(User).where(User.username == username)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except VerificationError:
        return None
    if user is None or not user.is_active:
        return None
    return user
