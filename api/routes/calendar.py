"""The working-day calendar: announced days off and worked days, with their sources."""

from datetime import date

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from api.deps import AdminUser, CurrentUser, SessionDep
from models.base import Day, Text
from models.calendar import CalendarDay, CalendarDayBase
from workflows.deadlines import calendar

router = APIRouter(prefix="/calendar", tags=["calendar"])


class AnnouncedDay(BaseModel):
    day: Day
    is_working: bool


class AnnouncementIn(BaseModel):
    title: Text = Field(min_length=1, max_length=255)
    source: Text = Field(min_length=1, max_length=500)
    days: list[AnnouncedDay] = Field(min_length=1, max_length=60)


class AnnouncementOut(BaseModel):
    title: str
    source: str
    days: list[AnnouncedDay]
    shipped: bool


def _out(announcement: calendar.Announcement) -> AnnouncementOut:
    return AnnouncementOut(
        title=announcement.title,
        source=announcement.source,
        days=[AnnouncedDay(day=d, is_working=w) for d, w in announcement.days],
        shipped=announcement.shipped,
    )


@router.get("/days")
def list_days(session: SessionDep, _user: CurrentUser) -> list[CalendarDay]:
    return calendar.list_days(session=session)


@router.post("/days", status_code=status.HTTP_201_CREATED)
def set_day(data: CalendarDayBase, session: SessionDep, _admin: AdminUser) -> CalendarDay:
    row = calendar.set_day(
        session=session,
        day=data.day,
        is_working=data.is_working,
        note=data.note,
        source=data.source,
    )
    session.commit()
    return row


@router.delete("/days/{day}", status_code=status.HTTP_204_NO_CONTENT)
def delete_day(day: date, session: SessionDep, _admin: AdminUser) -> None:
    calendar.delete_day(session=session, day=day)
    session.commit()


@router.get("/announcements")
def list_announcements(session: SessionDep, _user: CurrentUser) -> list[AnnouncementOut]:
    return [_out(a) for a in calendar.announcements(session=session)]


@router.post("/announcements", status_code=status.HTTP_201_CREATED)
def add_announcement(
    data: AnnouncementIn, session: SessionDep, _admin: AdminUser
) -> AnnouncementOut:
    announcement = calendar.add_announcement(
        session=session,
        title=data.title,
        source=data.source,
        days=[(d.day, d.is_working) for d in data.days],
    )
    session.commit()
    return _out(announcement)
