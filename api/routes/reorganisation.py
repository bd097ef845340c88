"""POST /agencies/{id}/dissolve: an agency merged into a successor; its open cases move."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import AdminUser, Now, SessionDep, SettingsDep
from models import AgencyPublic
from models.base import Id
from workflows.cases import reorganisation
from workflows.org import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"])


class Dissolution(BaseModel):
    successor_id: Id


class DissolutionResult(BaseModel):
    agency: AgencyPublic
    moved_case_ids: list[int]


@router.post("/{agency_id}/dissolve")
def dissolve(
    agency_id: Id,
    data: Dissolution,
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    now: Now,
) -> DissolutionResult:
    agency = agencies.get(session=session, agency_id=agency_id)
    moved = reorganisation.dissolve(
        session=session,
        agency=agency,
        successor_id=data.successor_id,
        actor=admin,
        now=now,
        base_url=settings.base_url,
    )
    session.commit()
    return DissolutionResult(
        agency=AgencyPublic.model_validate(agency), moved_case_ids=[c.id for c in moved]
    )
