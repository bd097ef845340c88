"""POST /auth/token: OAuth2 password sign-in; POST /auth/sign-out ends the session."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api import sign_in as signing
from api.deps import Now, SessionDep, SettingsDep, SignedInDep

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/auth/token")
def sign_in(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
) -> Token:
    """429 with Retry-After after repeated failures for the username or the client."""
    token = signing.sign_in(
        session=session,
        request=request,
        settings=settings,
        username=form.username,
        password=form.password,
        now=now,
    )
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=token)


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(request: Request, found: SignedInDep, session: SessionDep, now: Now) -> None:
    """The token stops working at once."""
    signing.sign_out(session=session, request=request, found=found, now=now)
