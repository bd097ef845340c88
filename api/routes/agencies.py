"""Agencies: a tree of any depth. Reading is open to signed-in users; writing to admins."""

from fastapi import APIRouter, status

from api.deps import AdminUser, CurrentUser, SessionDep
from models import AgencyCreate, AgencyPublic, AgencyUpdate
from models.base import Id
from workflows.org import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"])


@router.get("")
def list_agencies(session: SessionDep, _user: CurrentUser) -> list[AgencyPublic]:
    return agencies.list_all(session=session)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_agency(data: AgencyCreate, session: SessionDep, _admin: AdminUser) -> AgencyPublic:
    agency = agencies.create(session=session, data=data)
    session.commit()
    return agency


@router.get("/{agency_id}")
def get_agency(agency_id: Id, session: SessionDep, _user: CurrentUser) -> AgencyPublic:
    return agencies.get(session=session, agency_id=agency_id)


@router.patch("/{agency_id}")
def update_agency(
    agency_id: Id, data: AgencyUpdate, session: SessionDep, _admin: AdminUser
) -> AgencyPublic:
    agency = agencies.update(
        session=session, agency=agencies.get(session=session, agency_id=agency_id), data=data
    )
    session.commit()
    return agency
