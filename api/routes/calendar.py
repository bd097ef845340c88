"""The admin's additions to the working-day calendar (extra days off, worked Saturdays)."""

from datetime import date

from fastapi import APIRouter, status

from api.deps import AdminUser, CurrentUser, SessionDep
from models.calendar import CalendarDay, CalendarDayBase
from workflows.deadlines import calendar

router = APIRouter(prefix="/calendar", tags=["calendar"])


@router.get("/days")
def list_days(session: SessionDep, _user: CurrentUser) -> list[CalendarDay]:
    return calendar.list_days(session=session)


@router.post("/days", status_code=status.HTTP_201_CREATED)
def set_day(data: CalendarDayBase, session: SessionDep, _admin: AdminUser) -> CalendarDay:
    row = calendar.set_day(
        session=session, day=data.day, is_working=data.is_working, note=data.note
    )
    session.commit()
    return row


@router.delete("/days/{day}", status_code=status.HTTP_204_NO_CONTENT)
def delete_day(day: date, session: SessionDep, _admin: AdminUser) -> None:
    calendar.delete_day(session=session, day=day)
    session.commit()
