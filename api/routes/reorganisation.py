"""Reorganisation: POST /agencies/{id}/dissolve (an agency merged into a successor as of a
date) and POST /cases/{id}/reroute (one moved case sent on; not a transfer)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import AdminUser, CurrentCase, CurrentUser, Now, SessionDep, SettingsDep
from core.clock import day_start
from models import AgencyPublic, CasePublic
from models.base import MAX_INT, Day, Id, Text
from workflows.cases import confidentiality, reorganisation
from workflows.org import agencies

router = APIRouter(tags=["agencies"])


class Dissolution(BaseModel):
    successor_id: Id
    # The day it took effect (00:00 in Vietnam), e.g. 2025-07-01; default: now.
    effective_on: Day | None = None
    basis: Text | None = Field(default=None, max_length=500)  # the decision or resolution
    # Where the agencies below go (default: under the successor).
    children_parent_id: Id | None = None


class DissolutionResult(BaseModel):
    agency: AgencyPublic
    moved_case_ids: list[int]
    moved_user_ids: list[int]
    moved_agency_ids: list[int]


class Reroute(BaseModel):
    version: int = Field(strict=True, ge=1, le=MAX_INT)
    agency_id: Id
    reason: Text = Field(min_length=1, max_length=5000)


@router.post("/agencies/{agency_id}/dissolve")
def dissolve(
    agency_id: Id,
    data: Dissolution,
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    now: Now,
) -> DissolutionResult:
    agency = agencies.get(session=session, agency_id=agency_id)
    effective_at = now
    if data.effective_on is not None:
        effective_at = day_start(data.effective_on)
    result = reorganisation.dissolve(
        session=session,
        agency=agency,
        successor_id=data.successor_id,
        effective_at=effective_at,
        basis=data.basis,
        children_parent_id=data.children_parent_id,
        actor=admin,
        now=now,
        base_url=settings.base_url,
    )
    session.commit()
    return DissolutionResult(
        agency=AgencyPublic.model_validate(agency),
        moved_case_ids=result.moved_case_ids,
        moved_user_ids=result.moved_user_ids,
        moved_agency_ids=result.moved_agency_ids,
    )


@router.post("/cases/{case_id}/reroute")
def reroute(
    data: Reroute,
    case: CurrentCase,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: Now,
) -> CasePublic:
    reorganisation.reroute(
        session=session,
        case=case,
        agency_id=data.agency_id,
        reason=data.reason,
        actor=user,
        now=now,
        version=data.version,
        base_url=settings.base_url,
    )
    shown = confidentiality.reveal(session=session, cases=[case], viewer=user, now=now, where="api")
    session.commit()
    return confidentiality.public(case, shown=shown, now=now)
