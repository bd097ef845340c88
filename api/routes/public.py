"""The citizen's look-up: a tracking code plus the last digits of the phone; nothing personal."""

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api import throttle
from api.deps import Now, SessionDep
from core.errors import NotFound
from models import Agency, CaseKind, CaseStatus
from workflows.cases import access, intake

router = APIRouter(prefix="/public", tags=["public"])
TRACKING_CODE = re.compile(r"[A-Z0-9\-]{1,32}")

STATUS_VI = {
    CaseStatus.received: "Đã tiếp nhận",
    CaseStatus.accepted: "Đang giải quyết",
    CaseStatus.on_hold: "Chờ công dân bổ sung hồ sơ",
    CaseStatus.resolved: "Đã có kết quả",
    CaseStatus.closed: "Đã kết thúc",
    CaseStatus.declined: "Không thụ lý",
    CaseStatus.withdrawn: "Đã rút đơn",
}


class PublicCase(BaseModel):
    code: str
    kind: CaseKind
    status: CaseStatus
    status_text: str
    received_at: datetime
    due_at: datetime | None
    # The date promised to the citizen (a dossier's return date on its slip).
    promised_at: datetime | None = None
    resolved_at: datetime | None
    agency_name: str


@router.get("/cases/{code}")
def look_up(
    code: str,
    request: Request,
    session: SessionDep,
    now: Now,
    phone_last4: Annotated[str, Query(pattern=r"^[0-9]{4}$")],
) -> PublicCase:
    """The case's status; misses are counted per client and per code, and a client or a
    code with too many misses gets 429 (api/throttle.py), even for the right digits."""
    code = intake.normalise_code(code)  # typed without hyphens, in lower case, with spaces
    checks = [
        (throttle.LOOKUP_PER_CLIENT, throttle.client_key(request)),
        (throttle.LOOKUP_PER_CODE, code[:64]),
    ]
    throttle.refuse_if_over(session=session, checks=checks, now=now)
    # Not a tracking code (a NUL character, which PostgreSQL cannot compare, or any other
    # junk): the same 404 as a wrong code, without asking the database.
    case = None
    if TRACKING_CODE.fullmatch(code):
        try:
            case = access.find_for_citizen(session=session, code=code, phone_last4=phone_last4)
        except NotFound:
            case = None
    if case is None:
        throttle.count(session=session, checks=checks, now=now)
        session.commit()
        raise NotFound("no case with this code and these digits")
    agency = session.get(Agency, case.agency_id)
    return PublicCase(
        code=case.code,
        kind=case.kind,
        status=case.status,
        status_text=STATUS_VI[case.status],
        received_at=case.received_at,
        due_at=case.due_at,
        promised_at=case.promised_at,
        resolved_at=case.resolved_at,
        agency_name=agency.name,
    )
