"""The administrator's agencies page: the tree as it stands, and dissolving an agency into a
successor as of a date (workflows/cases/reorganisation.py does the work)."""

from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func
from sqlmodel import select

from api.deps import Now, SessionDep, SettingsDep
from api.pages import forms
from api.pages.web import LOCAL_TZ, error_text, page_roles, page_translator, redirect, render
from core import typed_dates
from core.errors import DomainError
from models import OPEN_STATUSES, Agency, Case, Role, User
from workflows.cases import reorganisation
from workflows.org import agencies

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, Depends(page_roles(Role.admin))]


def _counts(session, column, *where) -> dict[int, int]:
    rows = session.exec(select(column, func.count()).where(*where).group_by(column))
    return dict(rows.all())


def _page(request, session, user, values: dict, error: str | None = None, status: int = 200):
    rows = list(
        session.exec(select(Agency).order_by(Agency.dissolved_at.is_not(None), Agency.name))
    )
    by_id = {a.id: a for a in rows}
    heads = {
        u.id: u
        for u in session.exec(
            select(User).where(
                User.id.in_([a.head_user_id for a in rows if a.head_user_id] or [-1])
            )
        )
    }
    context = {
        "rows": rows,
        "by_id": by_id,
        "heads": heads,
        "open_cases": _counts(session, Case.agency_id, Case.status.in_(OPEN_STATUSES)),
        "staff": _counts(session, User.agency_id, User.is_active),
        "active": [a for a in rows if a.dissolved_at is None],
        "values": values,
        "error": error,
        "done": request.query_params.get("done"),
    }
    return render(request, "admin_agencies.html", context, user=user, status_code=status)


@router.get("/admin/agencies")
def agency_page(request: Request, session: SessionDep, user: Admin, now: Now):
    today = typed_dates.format_day(now.astimezone(LOCAL_TZ).date())
    return _page(request, session, user, {"effective_on": today})


@router.post("/admin/agencies/dissolve")
async def dissolve(
    request: Request, session: SessionDep, settings: SettingsDep, user: Admin, now: Now
):
    form = await request.form()
    values = {key: str(form.get(key) or "").strip() for key in form}
    _ = page_translator(request)
    try:
        ids = {}
        for key in ("agency_id", "successor_id", "children_parent_id"):
            value = values.get(key, "")
            if value and not value.isdigit():
                raise DomainError(_("Not a valid choice."))
            ids[key] = int(value) if value else None
        if ids["agency_id"] is None or ids["successor_id"] is None:
            raise DomainError(_("Choose the agency and its successor."))
        try:
            day = typed_dates.parse_day(values.get("effective_on", ""))
        except ValueError:
            raise DomainError(_(forms.DAY)) from None
        result = reorganisation.dissolve(
            session=session,
            agency=agencies.get(session=session, agency_id=ids["agency_id"]),
            successor_id=ids["successor_id"],
            effective_at=datetime.combine(day, time(), tzinfo=LOCAL_TZ),
            basis=values.get("basis") or None,
            children_parent_id=ids["children_parent_id"],
            actor=user,
            now=now,
            base_url=settings.base_url,
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        status = exc.status_code if exc.status_code != 404 else 422
        return _page(request, session, user, values, error_text(request, exc), status)
    return redirect(f"/admin/agencies?done={result.agency.id}#agency-{result.agency.id}")
