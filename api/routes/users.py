"""Users: listed and created by admins."""

from fastapi import APIRouter, status

from api.deps import AdminUser, CurrentUser, Now, SessionDep
from models import UserCreate, UserPublic
from workflows.org import users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def list_users(session: SessionDep, _admin: AdminUser) -> list[UserPublic]:
    return users.list_all(session=session)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: SessionDep, _admin: AdminUser, now: Now) -> UserPublic:
    user = users.create(session=session, data=data, now=now)
    session.commit()
    return user


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    return user
