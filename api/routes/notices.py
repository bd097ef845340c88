"""The notices a case owes its citizen (acceptance, completion request, transfer, extension):
due steps the officer sees, sent by email or printed and marked handed over."""

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import CurrentCase, Now, SessionDep, require_roles
from models import CaseNoticePublic, Role, User
from models.base import Id
from workflows.cases import notices

router = APIRouter(prefix="/cases", tags=["cases"])
DeskUser = Annotated[User, Depends(require_roles(Role.clerk, Role.officer, Role.head, Role.admin))]


@router.get("/{case_id}/notices")
def list_notices(case: CurrentCase, session: SessionDep) -> list[CaseNoticePublic]:
    return notices.for_case(session=session, case_id=case.id)


@router.post("/{case_id}/notices/{notice_id}/sent")
def mark_sent(
    notice_id: Id, case: CurrentCase, session: SessionDep, user: DeskUser, now: Now
) -> CaseNoticePublic:
    """A printed notice was handed over or posted (once; a second marking is refused)."""
    notice = notices.mark_sent(
        session=session, case_id=case.id, notice_id=notice_id, actor=user, now=now
    )
    session.commit()
    return notice
