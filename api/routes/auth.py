"""POST /auth/token: OAuth2 password sign-in."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import Now, SessionDep, SettingsDep
from api.security import create_token
from workflows.org import users

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/auth/token")
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
) -> Token:
    user = users.authenticate(session=session, username=form.username, password=form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = create_token(
        user_id=user.id, secret=settings.secret_key, now=now, minutes=settings.token_minutes
    )
    return Token(access_token=token)
