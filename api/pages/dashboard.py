"""The head's dashboard and the summary report page (heads, inspectors, admins)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import select

from api.deps import Now, SessionDep
from api.pages import date_fields, forms
from api.pages.web import page_roles, page_translator, render
from core.clock import days_bounds, report_period
from models import Agency, Role, User
from models.base import Id
from workflows import health
from workflows.cases import access
from workflows.feedback import rating
from workflows.org import agencies
from workflows.reports import summary as reports

router = APIRouter(include_in_schema=False, route_class=forms.PageRoute)
LeaderUser = Annotated[User, Depends(page_roles(Role.head, Role.inspector, Role.admin))]
OptionalAgency = Annotated[Id | None, Query()]


def _agency_choices(session, user: User) -> list:
    """(id, name) rows of the agencies the user may pick: columns, not 3,763 ORM objects."""
    visible = access.visible_agency_ids(session=session, user=user)
    stmt = select(Agency.id, Agency.name).order_by(Agency.name)
    if visible is not None:
        stmt = stmt.where(Agency.id.in_(visible))
    return list(session.execute(stmt))


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    user: LeaderUser,
    now: Now,
    agency_id: OptionalAgency = None,
):
    scope = reports.report_scope(session=session, user=user, agency_id=agency_id)
    month, year = reports.month_and_year(
        session=session, agency_ids=scope, agency_id=agency_id, now=now
    )
    biggest = max(year.backlog_by_age.values(), default=0) or 1
    ping_pong = reports.ping_pong_cases(session=session, agency_ids=scope)
    year_start, year_end = days_bounds(year.period_from, year.period_to)
    context = {
        "agency_id": agency_id or (user.agency_id if user.role == Role.head else None),
        "choices": _agency_choices(session, user),
        "month": month,
        "year": year,
        "soon_due": reports.soon_due_count(session=session, agency_ids=scope, now=now),
        "buckets": [(k, v, v * 100 / biggest) for k, v in year.backlog_by_age.items()],
        "ranking": reports.agencies_by_overdue(session=session, agency_ids=scope, now=now),
        # The citizens' ratings this year, the agencies with the lowest share satisfied first.
        "satisfaction": rating.satisfaction_by_agency(
            session=session,
            agency_ids=scope,
            start=year_start,
            end=year_end,
            worst_first=True,
            limit=20,
        ),
        "ping_pong": ping_pong,
        "agency_names": agencies.names(
            session=session, agency_ids=[c.agency_id for c in ping_pong]
        ),
        "now": now,
        # The admin sees how the system runs (the same figures as /readyz, with the error text).
        "health": health.readiness(session=session) if user.role == Role.admin else None,
        "mail_intake": health.mail_intake(session=session) if user.role == Role.admin else None,
    }
    return render(request, "dashboard.html", context, user=user)


@router.get("/reports")
def report_page(
    request: Request,
    session: SessionDep,
    user: LeaderUser,
    now: Now,
    typed_from: Annotated[str, Query(alias="from", max_length=40)] = "",
    typed_to: Annotated[str, Query(alias="to", max_length=40)] = "",
    agency_id: OptionalAgency = None,
):
    # The period as typed, dd/mm/yyyy: a day that is none is said beside its box (422) and
    # the report shows the default period meanwhile.
    days, period_error = {}, {}
    for name, text in (("from", typed_from), ("to", typed_to)):
        try:
            days[name] = date_fields.day_or_none(text)
        except ValueError:
            days[name] = None
            period_error[name] = page_translator(request)(forms.DAY)
    period_from, period_to = report_period(now=now, period_from=days["from"], period_to=days["to"])
    scope = reports.report_scope(session=session, user=user, agency_id=agency_id)
    result = reports.summary(
        session=session,
        agency_ids=scope,
        agency_id=agency_id,
        period_from=period_from,
        period_to=period_to,
        now=now,
    )
    query = f"from={period_from.isoformat()}&to={period_to.isoformat()}"
    if agency_id:
        query += f"&agency_id={agency_id}"
    context = {
        "result": result,
        "choices": _agency_choices(session, user),
        "agency_id": agency_id or (user.agency_id if user.role == Role.head else None),
        "query": query,
        "period_error": period_error,
    }
    if period_error:
        context.update(typed_from=typed_from, typed_to=typed_to)
    status = 422 if period_error else 200
    return render(request, "reports.html", context, user=user, status_code=status)
