"""How a case's due date was computed, in words a citizen can read (the caller's gettext)."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from models import Case, CaseEvent
from workflows.deadlines import calendar as calendars
from workflows.deadlines import dates as deadlines
from workflows.deadlines import policies as policy_data
from workflows.deadlines import procedures as procedure_data
from workflows.deadlines.policies import PolicySet


def _words(_: Callable[[str], str]) -> dict[str, str]:
    """The explanation's sentences through the caller's `gettext` (English msgids; the
    catalogue lives with the pages, in api/locale)."""
    return {
        "days": _("days"),
        "working_days": _("working days"),
        "accept": _("accept"),
        "resolve": _("resolve"),
        "receipt": _("the day of receipt"),
        "transfer": _("the day the transferred case arrived"),
        "acceptance": _("the day of acceptance"),
        "restart": _("the day the complete documents arrived (clock restarted)"),
        "reopen": _("the day of reopening"),
        "directive": _("the day of the inspection conclusion"),
        "start": _("Counted from %(event)s %(day)s; the starting day is not counted."),
        "rule": _("Rule %(title)s: %(phase)s within %(amount)s %(unit)s — %(source)s."),
        "procedure": _("Procedure %(name)s: %(amount)s working days — %(source)s."),
        "worked": _("Worked days counted as working days: %(days)s."),
        "option": _(" (a product option: the law sets no pause for this kind of case)"),
        "ext": _("Extension %(n)s: %(units)s more %(unit)s (%(reason)s)."),
        "pause": _("Paused from %(start)s to %(end)s: %(units)s %(unit)s not counted."),
        "paused_now": _(
            "Paused since %(start)s (waiting for the citizen): the date moves by the wait."
        ),
        "off": _("Days off skipped: %(days)s."),
        "moved": _(
            "The last day %(nominal)s is a day off (%(reason)s), so the deadline moves to the"
            " next working day, %(day)s (Civil Code Art. 148.5)."
        ),
        "reset": _(
            "The return date was reset (once) with an apology: %(day)s; the original date was"
            " %(original)s."
        ),
        "due": _("Due: the end of %(day)s (24:00, Civil Code 2015 Art. 148.6)."),
        "none": _("The case is finished; no deadline is running."),
    }


def _fill(text: str, **values: Any) -> str:
    return text % values


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def explain(
    *,
    session: Session,
    case: Case,
    now: datetime,
    lang: str,
    gettext: Callable[[str], str],
    policies: PolicySet | None = None,
) -> dict[str, Any]:
    """The structure behind GET /cases/{id}/deadline, in words through `gettext` (the
    translation of `lang`; holiday names come from `holidays` in `lang`)."""
    words = _words(gettext)
    policy = (policies or policy_data.default()).version(case.policy_version)
    clock = deadlines.clock_for(case=case, policy=policy)
    out: dict[str, Any] = {
        "case_id": case.id,
        "code": case.code,
        "status": case.status,
        "due_at": case.due_at,
        "overdue": deadlines.is_overdue(case=case, now=now),
        "language": "en" if lang == "en" else "vi",
    }
    if clock is None:
        return {**out, "phase": None, "lines": [words["none"]], "text": words["none"]}
    cal = calendars.load(session=session)
    unit_word = words[clock.step.unit]
    start_day = deadlines.local_date(clock.started_at)
    last, moved_from = deadlines.last_day(
        start=start_day, amount=clock.total, unit=clock.step.unit, calendar=cal
    )
    events = session.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.at >= clock.started_at)
        .order_by(CaseEvent.id)
    ).all()
    extensions = [e for e in events if e.action == "extend"]
    pauses = [e for e in events if e.action == "documents_received" and "paused_units" in e.data]
    lines = [
        _fill(words["start"], event=words[case.clock_event], day=_d(start_day)),
        _fill(
            words["rule"],
            title=policy.title,
            phase=words[clock.phase],
            amount=clock.base,
            unit=unit_word,
            source=clock.step.source,
        ),
    ]
    for n, event in enumerate(extensions, start=1):
        lines.append(
            _fill(
                words["ext"],
                n=n,
                units=event.data.get("units"),
                unit=unit_word,
                reason=event.data.get("reason"),
            )
        )
    if case.procedure_code and clock.phase == "resolve" and case.processing_days is not None:
        procedure = procedure_data.get(session=session, code=case.procedure_code)
        lines.append(
            _fill(
                words["procedure"],
                name=procedure.name,
                amount=case.processing_days,
                source=procedure.source,
            )
        )
    option = words["option"] if policy.pause_is_option else ""
    pause_items = []
    for event in pauses:
        start = deadlines.local_date(datetime.fromisoformat(event.data["paused_from"]))
        end = deadlines.local_date(event.at)
        units = event.data["paused_units"]
        pause_items.append({"from": start, "to": end, "units": units})
        line = _fill(words["pause"], start=_d(start), end=_d(end), units=units, unit=unit_word)
        lines.append(line[:-1] + option + ".")
    if case.paused_at is not None:
        line = _fill(words["paused_now"], start=_d(deadlines.local_date(case.paused_at)))
        lines.append(line[:-1] + option + ".")
    # Days off are skipped only when working days are counted; a rule in days counts every
    # day and only moves a last day that is off (named in the "moved" line).
    skipped, worked = [], []
    if clock.step.unit == "working_days":
        skipped = cal.days_off_between(start_day + timedelta(days=1), last, lang, gettext)
        worked = cal.worked_weekend_days_between(start_day + timedelta(days=1), last)
    if skipped:
        listed = ", ".join(f"{_d(date.fromisoformat(s['date']))} ({s['reason']})" for s in skipped)
        lines.append(_fill(words["off"], days=listed))
    if worked:
        lines.append(_fill(words["worked"], days=", ".join(_d(day) for day in worked)))
    if moved_from is not None:
        lines.append(
            _fill(
                words["moved"],
                nominal=_d(moved_from),
                reason=cal.day_off_reason(moved_from, lang, gettext),
                day=_d(last),
            )
        )
    if case.reset_due_at is not None and clock.phase == "resolve":
        reset_day = deadlines.local_date(case.reset_due_at)
        lines.append(_fill(words["reset"], day=_d(reset_day), original=_d(last)))
        last = reset_day
    lines.append(_fill(words["due"], day=_d(last)))
    return {
        **out,
        "phase": clock.phase,
        "start": {"event": case.clock_event, "at": clock.started_at, "day": start_day},
        "policy": {
            "version": policy.version,
            "title": policy.title,
            "source": policy.source,
            "step_source": clock.step.source,
            "amount": clock.base,
            "unit": clock.step.unit,
        },
        "days_counted": clock.total,
        "extensions": [
            {"at": e.at, "units": e.data.get("units"), "reason": e.data.get("reason")}
            for e in extensions
        ],
        "pauses": pause_items,
        "paused_since": case.paused_at,
        "skipped_days": skipped,
        "worked_days": [day.isoformat() for day in worked],
        "moved_from": moved_from,
        "last_day": last,
        "lines": lines,
        "text": " ".join(lines),
    }
