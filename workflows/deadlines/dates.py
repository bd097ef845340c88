"""Due dates: pure functions of a start instant, a policy step and the working-day calendar.

Counting (LEGAL.md, Civil Code 2015 Art. 147-148):
- the day of the start event is never counted;
- "days": count every day; when the last day is a day off, the deadline moves to the next
  working day;
- "working_days": count only working days (weekends and holidays skipped, worked Saturdays
  counted).
A deadline counted in days ends at 24:00 local time (Asia/Ho_Chi_Minh) of its last day
(Civil Code 2015 Art. 148.6; a last day that is a day off moves to the next working day,
Art. 148.5). It is stored as the last instant of that day, 23:59:59.999999 local (16:59:59.999999
UTC): an answer at 18:00 or 23:59 of the last day is on time, at 00:00 the next day it is late,
and the stored instant still falls on the last day wherever a date is shown.
A pause moves the due date by exactly the paused time, counted in the policy's unit over the
local dates [paused day, resumed day): the day the documents arrive counts again.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.clock import LOCAL_TZ, local_date
from models import Case, CaseStatus
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.overdue import is_overdue  # noqa: F401  (read here by explanation.py)
from workflows.deadlines.policies import Policy, Step, Unit

END_OF_DAY = time.max  # 24:00 less one microsecond: the last instant of the day


def end_of_day(day: date) -> datetime:
    """The end of `day` (24:00 local time, Civil Code Art. 148.6), as a UTC instant."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(UTC)


def last_day(
    *, start: date, amount: int, unit: Unit, calendar: WorkingCalendar
) -> tuple[date, date | None]:
    """The last day of a deadline counted from `start`, and the day it was moved from.

    The second value is None unless a days-deadline fell on a day off and was moved.
    """
    if unit == "working_days":
        return calendar.add_working_days(start, amount), None
    nominal = start + timedelta(days=amount)
    moved = calendar.next_working_day(nominal)
    return moved, (nominal if moved != nominal else None)


def paused_units(
    *, paused_at: datetime, resumed_at: datetime, unit: Unit, calendar: WorkingCalendar
) -> int:
    """How much of the clock a pause took, in the policy's unit."""
    first, last = local_date(paused_at), local_date(resumed_at)
    if unit == "days":
        return max((last - first).days, 0)
    return calendar.working_days_between(first, last)


@dataclass(frozen=True)
class Clock:
    """The running deadline of a case: what `due_at` is computed from."""

    phase: str  # "accept" or "resolve"
    started_at: datetime
    step: Step
    base: int
    extension_units: int
    paused: int

    @property
    def total(self) -> int:
        return self.base + self.extension_units + self.paused


def due(*, clock: Clock, calendar: WorkingCalendar) -> datetime:
    """The due instant of a clock."""
    day, _moved_from = last_day(
        start=local_date(clock.started_at),
        amount=clock.total,
        unit=clock.step.unit,
        calendar=calendar,
    )
    return end_of_day(day)


def clock_for(*, case: Case, policy: Policy) -> Clock | None:
    """The clock a case runs on in its current status (None once it is finished)."""
    if case.clock_started_at is None:
        return None
    if case.status == CaseStatus.received:
        step, phase = policy.accept, "accept"
        extension_units = 0
    elif case.status in (CaseStatus.accepted, CaseStatus.on_hold):
        step, phase = policy.resolve, "resolve"
        extension_units = case.extensions_used * policy.extension_length
    else:
        return None
    base = step.amount(case.complexity, case.remote_area)
    if phase == "resolve" and case.processing_days is not None:
        base = case.processing_days  # the dossier's procedure, fixed at receipt
    return Clock(
        phase=phase,
        started_at=case.clock_started_at,
        step=step,
        base=base,
        extension_units=extension_units,
        paused=case.paused_units,
    )


def due_for(*, case: Case, policy: Policy, calendar: WorkingCalendar) -> datetime | None:
    """The due instant of a case now: its reset date if one was set, else its clock's."""
    clock = clock_for(case=case, policy=policy)
    if clock is None:
        return None
    if case.reset_due_at is not None and clock.phase == "resolve":
        return case.reset_due_at
    return due(clock=clock, calendar=calendar)
