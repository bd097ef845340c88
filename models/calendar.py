"""Days an administrator adds to the working-day calendar."""

from datetime import date

from sqlmodel import Field, SQLModel


class CalendarDayBase(SQLModel):
    day: date
    is_working: bool  # False: an extra day off; True: a working Saturday or Sunday
    note: str = Field(default="", max_length=255)


class CalendarDay(CalendarDayBase, table=True):
    __tablename__ = "calendar_days"

    day: date = Field(primary_key=True)
