"""How a case's due date was computed, in words a citizen can read (Vietnamese or English)."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from models import Case, CaseEvent
from workflows.deadlines import calendar as calendars
from workflows.deadlines import dates as deadlines
from workflows.deadlines import policies as policy_data
from workflows.deadlines import procedures as procedure_data
from workflows.deadlines.policies import PolicySet

WORDS = {
    "vi": {
        "days": "ngày",
        "working_days": "ngày làm việc",
        "accept": "thụ lý",
        "resolve": "giải quyết",
        "receipt": "ngày tiếp nhận",
        "transfer": "ngày nhận đơn chuyển đến",
        "acceptance": "ngày thụ lý",
        "restart": "ngày nhận đủ hồ sơ (tính lại từ đầu)",
        "reopen": "ngày mở lại",
        "directive": "ngày có kết luận kiểm tra",
        "start": "Bắt đầu tính từ {event} {day}; ngày bắt đầu không tính.",
        "rule": "Quy định {title}: {phase} trong {amount} {unit} — {source}.",
        "procedure": "Thủ tục {name}: {amount} ngày làm việc — {source}.",
        "worked": "Ngày làm bù được tính là ngày làm việc: {days}.",
        "option": " (tùy chọn của sản phẩm: luật không quy định tạm dừng cho loại việc này)",
        "ext": "Gia hạn lần {n}: thêm {units} {unit} ({reason}).",
        "pause": "Tạm dừng từ {start} đến {end}: {units} {unit} không tính.",
        "paused_now": (
            "Đang tạm dừng từ {start} (chờ công dân bổ sung): hạn sẽ lùi theo thời gian chờ."
        ),
        "off": "Các ngày nghỉ được bỏ qua: {days}.",
        "moved": (
            "Ngày cuối {nominal} là ngày nghỉ ({reason}) nên hạn chuyển sang ngày làm việc"
            " tiếp theo, {day} (Bộ luật Dân sự Điều 148.5)."
        ),
        "reset": (
            "Ngày hẹn trả đã được hẹn lại (một lần) kèm thư xin lỗi: {day}; ngày hẹn ban đầu"
            " là {original}."
        ),
        "due": "Hạn: hết ngày {day} (24 giờ 00, Bộ luật Dân sự 2015 Điều 148.6).",
        "none": "Hồ sơ đã kết thúc; không còn thời hạn đang chạy.",
    },
    "en": {
        "days": "days",
        "working_days": "working days",
        "accept": "accept",
        "resolve": "resolve",
        "receipt": "the day of receipt",
        "transfer": "the day the transferred case arrived",
        "acceptance": "the day of acceptance",
        "restart": "the day the complete documents arrived (clock restarted)",
        "reopen": "the day of reopening",
        "directive": "the day of the inspection conclusion",
        "start": "Counted from {event} {day}; the starting day is not counted.",
        "rule": "Rule {title}: {phase} within {amount} {unit} — {source}.",
        "procedure": "Procedure {name}: {amount} working days — {source}.",
        "worked": "Worked days counted as working days: {days}.",
        "option": " (a product option: the law sets no pause for this kind of case)",
        "ext": "Extension {n}: {units} more {unit} ({reason}).",
        "pause": "Paused from {start} to {end}: {units} {unit} not counted.",
        "paused_now": "Paused since {start} (waiting for the citizen): the date moves by the wait.",
        "off": "Days off skipped: {days}.",
        "moved": (
            "The last day {nominal} is a day off ({reason}), so the deadline moves to the next"
            " working day, {day} (Civil Code Art. 148.5)."
        ),
        "reset": (
            "The return date was reset (once) with an apology: {day}; the original date was"
            " {original}."
        ),
        "due": "Due: the end of {day} (24:00, Civil Code 2015 Art. 148.6).",
        "none": "The case is finished; no deadline is running.",
    },
}


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def explain(
    *,
    session: Session,
    case: Case,
    now: datetime,
    lang: str = "vi",
    policies: PolicySet | None = None,
) -> dict[str, Any]:
    """The structure behind GET /cases/{id}/deadline."""
    words = WORDS["en" if lang == "en" else "vi"]
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
        words["start"].format(event=words[case.clock_event], day=_d(start_day)),
        words["rule"].format(
            title=policy.title,
            phase=words[clock.phase],
            amount=clock.base,
            unit=unit_word,
            source=clock.step.source,
        ),
    ]
    for n, event in enumerate(extensions, start=1):
        lines.append(
            words["ext"].format(
                n=n, units=event.data.get("units"), unit=unit_word, reason=event.data.get("reason")
            )
        )
    if case.procedure_code and clock.phase == "resolve" and case.processing_days is not None:
        procedure = procedure_data.get(session=session, code=case.procedure_code)
        lines.append(
            words["procedure"].format(
                name=procedure.name, amount=case.processing_days, source=procedure.source
            )
        )
    option = words["option"] if policy.pause_is_option else ""
    pause_items = []
    for event in pauses:
        start = deadlines.local_date(datetime.fromisoformat(event.data["paused_from"]))
        end = deadlines.local_date(event.at)
        units = event.data["paused_units"]
        pause_items.append({"from": start, "to": end, "units": units})
        line = words["pause"].format(start=_d(start), end=_d(end), units=units, unit=unit_word)
        lines.append(line[:-1] + option + ".")
    if case.paused_at is not None:
        line = words["paused_now"].format(start=_d(deadlines.local_date(case.paused_at)))
        lines.append(line[:-1] + option + ".")
    # Days off are skipped only when working days are counted; a rule in days counts every
    # day and only moves a last day that is off (named in the "moved" line).
    skipped, worked = [], []
    if clock.step.unit == "working_days":
        skipped = cal.days_off_between(start_day + timedelta(days=1), last, lang)
        worked = cal.worked_weekend_days_between(start_day + timedelta(days=1), last)
    if skipped:
        listed = ", ".join(f"{_d(date.fromisoformat(s['date']))} ({s['reason']})" for s in skipped)
        lines.append(words["off"].format(days=listed))
    if worked:
        lines.append(words["worked"].format(days=", ".join(_d(day) for day in worked)))
    if moved_from is not None:
        lines.append(
            words["moved"].format(
                nominal=_d(moved_from), reason=cal.day_off_reason(moved_from, lang), day=_d(last)
            )
        )
    if case.reset_due_at is not None and clock.phase == "resolve":
        reset_day = deadlines.local_date(case.reset_due_at)
        lines.append(words["reset"].format(day=_d(reset_day), original=_d(last)))
        last = reset_day
    lines.append(words["due"].format(day=_d(last)))
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
