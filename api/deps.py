"""Dependency aliases shared by every route."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.security import SignedIn, signed_in
from core.settings import Settings, get_settings
from models import Case, Role, User
from models.base import Id
from models.db import engine_for, reading

TOKEN_COOKIE = "dondoc_token"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def settings_dep() -> Settings:
    """The settings (async: a plain read needs no worker thread)."""
    return get_settings()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(
    request: Request, settings: Annotated[Settings, Depends(settings_dep)]
) -> AsyncIterator[Session]:
    """A session per request; routes commit explicitly, anything else is rolled back.

    GET requests only read (no GET route commits): on SQLite their transactions begin
    deferred (models.db.reading), so a long report neither waits for intake nor holds it up.

    Async, so that FastAPI does not hand it to a worker thread twice per request (opening a
    session touches no database; closing one after a commit neither): only a transaction
    still open at the end is rolled back in a worker thread.
    """
    engine = engine_for(settings.database_url)
    if request.method in SAFE_METHODS:
        engine = reading(engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_roll_back, session)
        else:
            session.close()


def _roll_back(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def utcnow() -> datetime:
    """The clock, read only at the edge (tests may override this dependency); async, as
    FastAPI runs every plain function dependency in a worker thread."""
    return datetime.now(UTC)


SettingsDep = Annotated[Settings, Depends(settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]
Now = Annotated[datetime, Depends(utcnow)]


def _unauthorized(detail: str = "not signed in") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def get_signed_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> SignedIn:
    """The user and session of the bearer token (or, for reads only, of the page cookie)."""
    if not token:
        token = request.cookies.get(TOKEN_COOKIE)
        if token and request.method not in SAFE_METHODS:
            # A browser sends the cookie to any site's form: changes need the bearer token.
            raise _unauthorized("changes through the API need a bearer token, not the cookie")
    if not token:
        raise _unauthorized()
    found = signed_in(session=session, token=token, secret=settings.secret_key)
    if found is None:
        raise _unauthorized("invalid or expired token")
    return found


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


async def get_current_user(found: SignedInDep) -> User:
    """Async: no database work, so no worker thread."""
    return found.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role):
    """A dependency that lets only the given roles through (403 for the others)."""

    async def check(user: CurrentUser) -> User:  # no database work: no worker thread
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")
        return user

    return check


AdminUser = Annotated[User, Depends(require_roles(Role.admin))]


def get_current_case(case_id: Id, session: SessionDep, user: CurrentUser) -> Case:
    """The case in the path, if the signed-in user's agency scope includes it (else 404)."""
    from workflows.cases import access

    return access.get_visible(session=session, case_id=case_id, user=user)


CurrentCase = Annotated[Case, Depends(get_current_case)]
