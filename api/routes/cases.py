"""Cases: intake, listing, detail, lifecycle actions, history and the deadline explanation."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Response, status
from pydantic import BaseModel, Field, ValidationError

from api import i18n
from api.deps import CurrentCase, CurrentUser, Now, SessionDep, SettingsDep
from core.errors import Invalid, NotFound
from models import CaseCreate, CaseEventPublic, CaseKind, CasePublic, CaseStatus
from models.base import MAX_INT, Id, Instant, Text
from models.citizen_id import last_digits
from workflows.cases import confidentiality, intake, lifecycle, search, second_complaints
from workflows.deadlines import explanation

router = APIRouter(prefix="/cases", tags=["cases"])


class CaseSummary(BaseModel):
    id: int
    code: str
    title: str
    status: CaseStatus
    received_at: datetime


class CaseIntakePublic(CasePublic):
    # Open cases of the same citizen at the same agency with a similar title.
    possible_duplicates: list[CaseSummary] = []


class CasePage(BaseModel):
    items: list[CasePublic]
    total: int
    limit: int
    offset: int


@router.post("", status_code=status.HTTP_201_CREATED)
def create_case(
    data: CaseCreate,
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    settings: SettingsDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=128)] = None,
) -> CaseIntakePublic:
    result = intake.intake(
        session=session,
        data=data,
        actor=user,
        now=now,
        base_url=settings.base_url,
        sms=settings.sms_configured,
        idempotency_key=idempotency_key,
    )
    session.commit()
    if not result.created:
        response.status_code = status.HTTP_200_OK
    public = intake.to_public(result.case, now=now)  # the desk sees what it just typed
    return CaseIntakePublic(
        **public.model_dump(),
        possible_duplicates=[
            CaseSummary.model_validate(c, from_attributes=True)
            for c in result.duplicates
            if confidentiality.may_see_identity(session=session, case=c, viewer=user)
        ],
    )


@router.get("")
def list_cases(
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    status_: Annotated[CaseStatus | None, Query(alias="status")] = None,
    kind: CaseKind | None = None,
    agency_id: Id | None = None,
    overdue: bool | None = None,
    q: Annotated[Text | None, Query(max_length=200)] = None,
    received_before: Instant | None = None,
    received_after: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> CasePage:
    for instant in (received_before, received_after):
        if instant is not None and instant.tzinfo is None:
            raise Invalid("received_before and received_after must carry a timezone")
    filters = search.CaseFilter(
        status=status_,
        kind=kind,
        agency_id=agency_id,
        overdue=overdue,
        q=q,
        received_before=received_before,
        received_after=received_after,
    )
    rows, total = search.search(
        session=session, user=user, filters=filters, now=now, limit=limit, offset=offset
    )
    shown = confidentiality.reveal(session=session, cases=rows, viewer=user, now=now, where="list")
    session.commit()
    items = [confidentiality.public(c, shown=shown, now=now) for c in rows]
    for item in items:  # a list shows only the last digits of a CCCD number (if shown at all)
        item.citizen.id_number = last_digits(item.citizen.id_number)
    return CasePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{case_id}")
def get_case(case: CurrentCase, session: SessionDep, user: CurrentUser, now: Now) -> CasePublic:
    shown = confidentiality.reveal(session=session, cases=[case], viewer=user, now=now, where="api")
    session.commit()
    public = confidentiality.public(case, shown=shown, now=now)
    public.second_case_ids = second_complaints.second_case_ids(
        session=session, case_id=case.id, user=user
    )
    return public


class ActionBody(BaseModel):
    version: int = Field(strict=True, ge=1, le=MAX_INT)


@router.post("/{case_id}/actions/{action}")
def act(
    action: str,
    case: CurrentCase,
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    settings: SettingsDep,
    body: Annotated[dict[str, Any], Body()],
) -> CasePublic:
    if action not in lifecycle.PUBLIC_ACTIONS:
        raise NotFound(f"no action {action!r}; one of: {', '.join(lifecycle.PUBLIC_ACTIONS)}")
    fields = dict(body)
    try:
        version = ActionBody.model_validate({"version": fields.pop("version", None)}).version
    except ValidationError:
        raise Invalid("version: the positive integer you last read is required") from None
    lifecycle.apply(
        session=session,
        case=case,
        action=action,
        actor=user,
        now=now,
        base_url=settings.base_url,
        sms=settings.sms_configured,
        version=version,
        **fields,
    )
    shown = confidentiality.reveal(session=session, cases=[case], viewer=user, now=now, where="api")
    session.commit()
    return confidentiality.public(case, shown=shown, now=now)


@router.get("/{case_id}/events")
def list_events(case: CurrentCase, session: SessionDep, user: CurrentUser) -> list[CaseEventPublic]:
    rows = lifecycle.history(session=session, case=case)
    if confidentiality.may_see_identity(session=session, case=case, viewer=user):
        return rows
    return [
        CaseEventPublic.model_validate(e, update={"data": confidentiality.mask_data(e.data)})
        for e in rows
    ]


@router.get("/{case_id}/deadline")
def explain_deadline(
    case: CurrentCase, session: SessionDep, now: Now, lang: Literal["vi", "en"] = "vi"
) -> dict[str, Any]:
    gettext = i18n.translations(lang).gettext
    return explanation.explain(session=session, case=case, now=now, lang=lang, gettext=gettext)
