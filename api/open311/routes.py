"""Open311 GeoReport v2 routes: services, service definitions, requests (GET and POST).

Every answer, errors included, is in the format the path asks for (.json or .xml); errors
are the spec's list of {code, description}: 400 missing or bad parameter, 403 bad api_key,
404 unknown service or request.
"""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import throttle as counters
from api.deps import Now, SessionDep, SettingsDep
from api.open311 import formats
from api.routes.public import STATUS_VI
from core.errors import DomainError, Invalid, NotFound
from workflows.channels import api_keys, open311

router = APIRouter(prefix="/open311/v2", tags=["open311"])


def throttle(*, request: Request, session: Session, now: datetime) -> None:
    """Every public request counts against its client (api/throttle.py): 429 with
    Retry-After over the limit."""
    counters.every_request(
        request=request, session=session, rule=counters.OPEN311_PER_CLIENT, now=now
    )


def _fail(error: Exception, fmt: str) -> Response:
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return formats.errors(400, problems, fmt)
    status_code = 400 if isinstance(error, Invalid) else error.status_code
    return formats.errors(status_code, error.detail, fmt)


def _format(fmt: str) -> None:
    if fmt not in formats.FORMATS:
        raise NotFound("the format must be json or xml")


def _instant(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00+07:00") from None
    if instant.tzinfo is None:
        raise Invalid(f"{name} must carry a timezone offset")
    return instant


@router.get("/services.{fmt}")
def list_services(fmt: str, request: Request, session: SessionDep, now: Now) -> Response:
    throttle(request=request, session=session, now=now)
    try:
        _format(fmt)
    except DomainError as error:
        return _fail(error, fmt)
    return formats.answer_list("services", open311.services(), fmt)


@router.get("/services/{service_code}.{fmt}")
def service_definition(
    service_code: str, fmt: str, request: Request, session: SessionDep, now: Now
) -> Response:
    throttle(request=request, session=session, now=now)
    try:
        _format(fmt)
        return formats.answer_definition(open311.definition(service_code), fmt)
    except DomainError as error:
        return _fail(error, fmt)


@router.get("/requests.{fmt}")
def list_requests(fmt: str, request: Request, session: SessionDep, now: Now) -> Response:
    throttle(request=request, session=session, now=now)
    query = request.query_params
    try:
        _format(fmt)
        codes = [c for c in (query.get("service_request_id") or "").split(",") if c.strip()]
        rows = open311.find(
            session=session,
            now=now,
            codes=codes,
            status=query.get("status") or None,
            start=_instant(query.get("start_date"), "start_date"),
            end=_instant(query.get("end_date"), "end_date"),
        )
    except DomainError as error:
        return _fail(error, fmt)
    items = [open311.view(c, a, status_notes=STATUS_VI[c.status]) for c, a in rows]
    return formats.answer_list("requests", items, fmt)


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(
    service_request_id: str, fmt: str, request: Request, session: SessionDep, now: Now
) -> Response:
    throttle(request=request, session=session, now=now)
    try:
        _format(fmt)
        rows = open311.find(session=session, now=now, codes=[service_request_id])
        if not rows:
            raise NotFound(f"no request {service_request_id!r}")
    except DomainError as error:
        return _fail(error, fmt)
    items = [open311.view(c, a, status_notes=STATUS_VI[c.status]) for c, a in rows]
    return formats.answer_list("requests", items, fmt)


@router.post("/requests.{fmt}")
async def create_request(
    fmt: str, request: Request, session: SessionDep, settings: SettingsDep, now: Now
) -> Response:
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    # The intake is blocking database work: off the event loop, like a plain route.
    return await run_in_threadpool(
        _create, fmt, fields, request, session, settings.base_url, now, settings.sms_configured
    )


def _create(
    fmt: str,
    fields: dict,
    request: Request,
    session: Session,
    base_url: str,
    now: datetime,
    sms: bool = False,
) -> Response:
    throttle(request=request, session=session, now=now)
    try:
        _format(fmt)
        if not fields.get("api_key"):
            raise Invalid("api_key is required")
        if not fields.get("service_code"):
            raise Invalid("service_code is required")
        key = api_keys.authenticate(session=session, key=fields["api_key"])
        if key is None:
            return formats.errors(403, "api_key is not valid or was revoked", fmt)
        submission = open311.Submission(
            service_code=fields["service_code"],
            description=fields.get("description", ""),
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
            phone=fields.get("phone") or None,
            email=fields.get("email") or None,
            address_string=fields.get("address_string") or None,
            lat=fields.get("lat") or None,
            long=fields.get("long") or None,
        )
        case = open311.submit(
            session=session, key=key, form=submission, now=now, base_url=base_url, sms=sms
        )
        session.commit()
    except (DomainError, ValidationError) as error:
        session.rollback()
        return _fail(error, fmt)
    created = {"service_request_id": case.code, "service_notice": "", "account_id": ""}
    return formats.answer_list("requests", [created], fmt, status_code=201)
