"""Open311 GeoReport v2 in our terms: services are case kinds, requests are cases.

The GET answers carry nothing personal: no citizen, no description, no address, and no
denunciation at all (its very existence can expose the denouncer). `expected_datetime` is
the resolution deadline as it stands (`due_at`); it becomes `promised_at` where cases carry one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.errors import Invalid, NotFound
from models import OPEN_STATUSES, Agency, ApiKey, Case, CaseCreate, CaseKind, Channel, User
from workflows.cases import intake

# Denunciations are not taken in through partner systems (Luật Tố cáo: the denouncer's
# identity must be checked) nor shown; dossiers need a procedure at the one-stop desk.
SERVICES = {
    CaseKind.petition: (
        "Phản ánh, kiến nghị",
        "Phản ánh, kiến nghị về quy định hành chính, dịch vụ công, hạ tầng, môi trường.",
    ),
    CaseKind.complaint: (
        "Khiếu nại",
        "Khiếu nại quyết định hành chính, hành vi hành chính (Luật Khiếu nại 2011).",
    ),
}
PUBLIC_KINDS = tuple(SERVICES)
DEFAULT_WINDOW = timedelta(days=90)  # the spec's default when no dates are given
MAX_RESULTS = 1000


@dataclass
class Submission:
    service_code: str
    description: str
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    email: str | None = None
    address_string: str | None = None
    lat: str | None = None
    long: str | None = None


def services() -> list[dict]:
    return [
        {
            "service_code": kind.value,
            "service_name": name,
            "description": description,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "",
        }
        for kind, (name, description) in SERVICES.items()
    ]


def definition(service_code: str) -> dict:
    if service_code not in {kind.value for kind in PUBLIC_KINDS}:
        raise NotFound(f"no service {service_code!r}")
    return {"service_code": service_code, "attributes": []}


def submit(
    *,
    session: Session,
    key: ApiKey,
    form: Submission,
    now: datetime,
    base_url: str,
    sms: bool = False,
) -> Case:
    """Register the partner's request as a case of the key's agency, through the intake."""
    if form.service_code not in {kind.value for kind in PUBLIC_KINDS}:
        raise NotFound(f"no service {form.service_code!r}")
    description = form.description.strip()
    if not description:
        raise Invalid("description is required")
    name = " ".join(part.strip() for part in (form.first_name, form.last_name) if part.strip())
    if not name:
        raise Invalid("first_name or last_name is required")
    place = (form.address_string or "").strip()
    if not place and form.lat and form.long:
        place = f"{form.lat}, {form.long}"
    if not place:
        raise Invalid("address_string or lat and long are required")
    data = CaseCreate.model_validate(
        {
            "kind": form.service_code,
            "title": _title(description),
            "description": description,
            "channel": Channel.online,
            "citizen": {
                "name": name,
                "phone": form.phone or None,
                "email": form.email or None,
                "address": place,
            },
            "agency_id": key.agency_id,
        }
    )
    actor = session.get(User, key.user_id)
    return intake.intake(
        session=session, data=data, actor=actor, now=now, base_url=base_url, sms=sms
    ).case


def _title(description: str) -> str:
    line = description.splitlines()[0].strip()
    return line if len(line) <= 120 else line[:119].rstrip() + "…"


def find(
    *,
    session: Session,
    now: datetime,
    codes: list[str] | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[Case, Agency]]:
    """Requests by code, or by status and a received window (the last 90 days by default)."""
    query = select(Case, Agency).join(Agency, Agency.id == Case.agency_id)
    query = query.where(col(Case.kind).in_(PUBLIC_KINDS))
    if codes:
        query = query.where(col(Case.code).in_([code.strip().upper() for code in codes]))
    else:
        if start is None and end is None:
            start = now - DEFAULT_WINDOW
        if start is not None:
            query = query.where(Case.received_at >= start)
        if end is not None:
            query = query.where(Case.received_at <= end)
        if status == "open":
            query = query.where(col(Case.status).in_(OPEN_STATUSES))
        elif status == "closed":
            query = query.where(col(Case.status).not_in(OPEN_STATUSES))
        elif status is not None:
            raise Invalid("status must be open or closed")
    query = query.order_by(col(Case.received_at).desc()).limit(MAX_RESULTS)
    return list(session.exec(query).all())


def view(case: Case, agency: Agency, *, status_notes: str) -> dict:
    """One request as GET answers it: nothing personal."""
    return {
        "service_request_id": case.code,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": status_notes,
        "service_name": SERVICES[case.kind][0],
        "service_code": str(case.kind),
        "agency_responsible": agency.name,
        "service_notice": "",
        "requested_datetime": case.received_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": case.due_at,
    }
