"""Users: creation and changes (argon2 password hashes, the password policy), sign-in."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlmodel import Session, select

from core.errors import Conflict, Invalid
from models import Agency, Role, User, UserCreate, UserUpdate
from workflows.org import audit, passwords, sessions

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
        raise Invalid(f"a {data.role} must belong to an agency", code="user.agency_needed")
    if data.agency_id is not None and session.get(Agency, data.agency_id) is None:
        raise Invalid(f"agency {data.agency_id} does not exist", code="user.no_agency")
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict(f"username {data.username!r} is taken", code="user.username_taken")
    passwords.check(password=data.password, username=data.username)
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


def update(*, session: Session, user: User, data: UserUpdate, actor: User, now: datetime) -> User:
    """An administrator's change; disabling a user or setting a new password ends every
    session of theirs at once. Each change is a security event (without the password)."""
    changes = data.model_dump(exclude_unset=True)
    for key in ("is_active", "role", "full_name", "email"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be empty", code="user.field_empty")
    if actor.id == user.id and (changes.get("is_active") is False or "role" in changes):
        raise Invalid(
            "administrators cannot disable themselves or change their own role",
            code="user.self_change",
        )
    for key in ("agency_id", "jurisdiction_agency_id"):
        if changes.get(key) is not None and session.get(Agency, changes[key]) is None:
            raise Invalid(f"agency {changes[key]} does not exist", code="user.no_agency")
    role = changes.get("role", user.role)
    agency_id = changes.get("agency_id", user.agency_id)
    if role in ROLES_WITH_AGENCY and agency_id is None:
        raise Invalid(f"a {role} must belong to an agency", code="user.agency_needed")
    password = changes.pop("password", None)
    if password is not None:
        passwords.check(password=password, username=user.username)
        user.password_hash = hash_password(password)
    for key, value in changes.items():
        setattr(user, key, value)
    session.add(user)
    ended = 0
    if password is not None or changes.get("is_active") is False:
        ended = sessions.end_all(session=session, user_id=user.id, now=now)
    fields = sorted(changes) + (["password"] if password is not None else [])
    audit.record(
        session=session,
        kind="user_changed",
        now=now,
        username=user.username,
        user_id=user.id,
        actor_id=actor.id,
        detail=f"{', '.join(fields)}; sessions ended: {ended}",
    )
    session.flush()
    return user
