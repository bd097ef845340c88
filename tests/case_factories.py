"""Cases for tests: registered through the real intake, actions through the real lifecycle."""

import itertools
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from models import Agency, Case, CaseCreate, User
from workflows.cases import intake, lifecycle
from workflows.deadlines.policies import PolicySet

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Where the links in the emails point (the default DONDOC_BASE_URL).
BASE_URL = "http://127.0.0.1:8000"
_phones = itertools.count(1000)


def at(day: str, clock: str = "09:00") -> datetime:
    """A local Hà Nội date and time as an aware datetime."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=HANOI)


def case_body(agency: Agency, **overrides) -> dict:
    body = {
        "kind": "complaint",
        "title": "Chậm cấp giấy chứng nhận quyền sử dụng đất",
        "description": "Nộp hồ sơ từ năm 2020, chưa được cấp.",
        "channel": "in_person",
        "citizen": {"name": "Nguyễn Văn An", "phone": f"0912 345 {next(_phones)}"},
        "agency_id": agency.id,
    }
    body.update(overrides)
    return body


def make_case(
    engine: Engine,
    actor: User,
    agency: Agency,
    *,
    now: datetime,
    policies: PolicySet | None = None,
    **overrides,
) -> Case:
    """A case registered by `actor` at `now` (received_at may be set in overrides)."""
    with Session(engine, expire_on_commit=False) as session:
        result = intake.intake(
            session=session,
            data=CaseCreate.model_validate(case_body(agency, **overrides)),
            actor=actor,
            now=now,
            base_url=BASE_URL,
            policies=policies,
            sms=_sms_configured(),
        )
        session.commit()
        return result.case


def act(
    engine: Engine,
    case: Case,
    action: str,
    actor: User | None,
    *,
    now: datetime,
    policies: PolicySet | None = None,
    **fields,
) -> Case:
    """Run one action in its own transaction, committed; rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        fresh = session.get(Case, case.id)
        try:
            lifecycle.apply(
                session=session,
                case=fresh,
                action=action,
                actor=actor,
                now=now,
                base_url=BASE_URL,
                sms=_sms_configured(),
                policies=policies,
                **fields,
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return fresh


def _sms_configured() -> bool:
    """What the edges pass as `sms` (Settings.sms_configured): whether the test configured
    an SMS gateway (read from the environment, so no settings are made where none were)."""
    return bool(os.environ.get("DONDOC_SMS_URL"))
