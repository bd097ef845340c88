"""The escalation ladder as data (ladder.yaml beside this file) and when its steps fall due.

Pure functions only: no session, no clock. Working days come from the policy's
`calendar` (workflows/deadlines/calendar.py: Vietnam's holidays, then the operator's own days
off and working Saturdays); `load_policy()` reads the ladder once per process, and callers bind the
calendar in force with `with_calendar` (workflows.escalation.sweep.policy_for does it from the
database).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from core.clock import LOCAL_TZ
from workflows.deadlines.calendar import WorkingCalendar

LADDER_FILE = Path(__file__).with_name("ladder.yaml")
DEFAULT_KIND = "complaint"


@dataclass(frozen=True)
class Step:
    key: str
    offset: int
    notify: tuple[str, ...]
    level: int | None = None  # None: the step does not change the escalation level
    unit: str = "working"
    long_pending: bool = False


@dataclass(frozen=True)
class Ladder:
    kind: str
    steps: tuple[Step, ...]
    ack_grace_working_days: int


@dataclass(frozen=True)
class Applied:
    """What the ladder needs to know about a step already applied for the current deadline."""

    level: int | None
    grace_until: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """The steps due now, in ladder order, and when the next one falls due (None: no more)."""

    due: list[tuple[Step, datetime]] = field(default_factory=list)
    next_at: datetime | None = None


SCHEDULE_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Policy:
    ladders: Mapping[str, Ladder]
    tz: ZoneInfo
    step_time: time
    work_start: time
    work_end: time
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar, compare=False, repr=False)
    # (kind, local due day) -> every step of the ladder with its instant; see schedule().
    _schedules: dict = field(default_factory=dict, compare=False, repr=False)

    def with_calendar(self, calendar: WorkingCalendar) -> "Policy":
        """The same ladder counting working days on `calendar` (with its own step cache)."""
        return replace(self, calendar=calendar, _schedules={})

    def ladder(self, kind: str) -> Ladder:
        return self.ladders.get(str(kind)) or self.ladders[DEFAULT_KIND]

    def due_date(self, due_at: datetime) -> date:
        """The local day a deadline belongs to (a deadline at 00:00 closes the day before)."""
        return (due_at - timedelta(microseconds=1)).astimezone(self.tz).date()

    def local_instant(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz).astimezone(UTC)

    def step_at(self, step: Step, due_at: datetime) -> datetime:
        """When a step falls due for a case due at `due_at`."""
        return self._step_on(step, self.due_date(due_at))

    def _step_on(self, step: Step, day: date) -> datetime:
        if step.unit == "calendar":
            target = day + timedelta(days=step.offset)
        else:
            target = self.calendar.add_working_days(day, step.offset) if step.offset else day
        return self.local_instant(target, self.step_time)

    def schedule(self, kind: str, due_at: datetime) -> tuple[tuple[Step, datetime], ...]:
        """Every step of the kind's ladder with its instant, for a deadline.

        The instants depend only on the local due day, which thousands of cases share: kept
        per (kind, day), so a sweep does the working-day arithmetic once per day, not per case.
        """
        key = (str(kind), self.due_date(due_at))
        cached = self._schedules.get(key)
        if cached is None:
            if len(self._schedules) >= SCHEDULE_CACHE_SIZE:
                self._schedules.clear()
            cached = tuple((step, self._step_on(step, key[1])) for step in self.ladder(kind).steps)
            self._schedules[key] = cached
        return cached

    def send_after(self, now: datetime) -> datetime | None:
        """None inside working hours; otherwise the start of the next working morning."""
        local = now.astimezone(self.tz)
        today = local.date()
        if self.calendar.is_working_day(today):
            if self.work_start <= local.time() < self.work_end:
                return None
            if local.time() < self.work_start:
                return self.local_instant(today, self.work_start)
        return self.local_instant(self.calendar.add_working_days(today, 1), self.work_start)

    def grace_until(self, kind: str, now: datetime) -> datetime:
        """The end of an acknowledgement's grace: the same local time N working days on."""
        local = now.astimezone(self.tz)
        days = self.ladder(kind).ack_grace_working_days
        day = self.calendar.add_working_days(local.date(), days)
        return datetime.combine(
            day, local.timetz().replace(tzinfo=None), tzinfo=self.tz
        ).astimezone(UTC)

    def plan(
        self, *, kind: str, due_at: datetime, applied: Mapping[str, Applied], now: datetime
    ) -> Plan:
        """Which unapplied steps are due at `now`, and when the next one will be.

        While an acknowledged step's grace runs, every step above its level waits for it.
        """
        hold_level, hold_until = None, None
        for done in applied.values():
            if done.grace_until is not None and (
                hold_until is None or done.grace_until > hold_until
            ):
                hold_level, hold_until = done.level or 0, done.grace_until
        plan = Plan()
        next_at = None
        for step, at in self.schedule(kind, due_at):
            if step.key in applied:
                continue
            if hold_until is not None and (step.level or 0) > hold_level:
                at = max(at, hold_until)
            if at <= now:
                plan.due.append((step, at))
            elif next_at is None or at < next_at:
                next_at = at
        return Plan(due=plan.due, next_at=next_at)


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _steps(raw: list[dict]) -> tuple[Step, ...]:
    steps: list[Step] = []
    for item in raw:
        item = dict(item)
        repeat = item.pop("repeat", None)
        step = Step(
            key=item["key"],
            offset=int(item["offset"]),
            notify=tuple(item.get("notify", ())),
            level=item.get("level"),
            unit=item.get("unit", "working"),
            long_pending=bool(item.get("long_pending", False)),
        )
        if step.unit not in ("working", "calendar"):
            raise ValueError(f"step {step.key}: unit must be working or calendar")
        steps.append(step)
        for n in range(1, (repeat or {}).get("times", 0) + 1):
            steps.append(
                Step(
                    **{
                        **step.__dict__,
                        "key": f"{step.key}.{n}",
                        "offset": step.offset + n * repeat["every"],
                    }
                )
            )
    keys = [s.key for s in steps]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate step keys in ladder: {keys}")
    return tuple(steps)


def parse_policy(data: dict) -> Policy:
    """A Policy from the parsed YAML document."""
    ladders = {
        kind: Ladder(
            kind=kind,
            steps=_steps(spec["steps"]),
            ack_grace_working_days=int(spec.get("ack_grace_working_days", 5)),
        )
        for kind, spec in data["kinds"].items()
    }
    return Policy(
        ladders=ladders,
        tz=LOCAL_TZ,
        step_time=_parse_time(data.get("step_time", "08:00")),
        work_start=_parse_time(data["working_hours"]["start"]),
        work_end=_parse_time(data["working_hours"]["end"]),
    )


@cache
def load_policy(path: Path = LADDER_FILE) -> Policy:
    """The ladder in force, read once per process."""
    return parse_policy(yaml.safe_load(path.read_text(encoding="utf-8")))
