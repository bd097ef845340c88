"""Days an administrator adds to the working-day calendar."""

from datetime import date

from sqlmodel import Field, SQLModel

from models.base import Text


class CalendarDayBase(SQLModel):
    day: date
    is_working: bool  # False: an extra day off; True: a working Saturday or Sunday
    note: Text = Field(default="", max_length=255)
    # The text that announced the day (a decision, a ministry's notice), shown with it.
    source: Text = Field(default="", max_length=500)


class CalendarDay(CalendarDayBase, table=True):
    __tablename__ = "calendar_days"

    day: date = Field(primary_key=True)
