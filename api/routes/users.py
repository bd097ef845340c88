"""Users: listed and created by admins."""

from fastapi import APIRouter, status

from api.deps import AdminUser, CurrentUser, Now, SessionDep
from core.errors import NotFound
from models import User, UserCreate, UserPublic, UserUpdate
from models.base import Id
from workflows.org import audit, users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def list_users(session: SessionDep, _admin: AdminUser) -> list[UserPublic]:
    return users.list_all(session=session)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: SessionDep, _admin: AdminUser, now: Now) -> UserPublic:
    user = users.create(session=session, data=data, now=now)
    audit.record(
        session=session,
        kind="user_created",
        now=now,
        username=user.username,
        user_id=user.id,
        actor_id=_admin.id,
    )
    session.commit()
    return user


@router.patch("/{user_id}")
def update_user(
    user_id: Id, data: UserUpdate, session: SessionDep, admin: AdminUser, now: Now
) -> UserPublic:
    """Disable, change role, agency, jurisdiction, name or email, or set a new password;
    disabling and a new password end the user's sessions at once."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    users.update(session=session, user=user, data=data, actor=admin, now=now)
    session.commit()
    return user


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    return user
