"""A register row as real history: the case as it stands, its events at their dates, and the
escalation steps that lie in the past marked as applied without mail.

- The policy is the one in force on the received date; the clock starts on that date.
- The register does not say when a case was accepted: an accepted, on-hold, resolved or
  closed row counts as accepted on its received date (the resolve clock runs from there).
- A resolved or closed row keeps its resolution date and the deadline it was resolved
  against, so it counts as on time or late in the reports as it really was.
- An on-hold row is paused from the import: the register does not say since when.
- A running row (received, accepted) already past some steps of its escalation ladder: every
  due step but the latest is recorded as applied at the import, with `data.imported` and no
  mail; the latest due step is left to the next sweep, which applies it and mails only its
  people. A case years overdue thus reaches the sweep at `long_pending` (flagged for the next
  inspection, nobody mailed) instead of sending every reminder and escalation of its past.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from models import Case, CaseKind, CaseStatus
from workflows.cases.effects import start_clock
from workflows.deadlines import dates as deadlines
from workflows.deadlines import promised
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.overdue import RUNNING
from workflows.deadlines.policies import PolicySet
from workflows.escalation.ladder import Policy as Ladder
from workflows.escalation.sweep import deadline_key
from workflows.imports.rows import ImportRow

S = CaseStatus
ACCEPTED_BEFORE = (S.accepted, S.on_hold, S.resolved, S.closed)


@dataclass
class Planned:
    """The rows one register row becomes (`case_id` filled in once the case has its id)."""

    case: dict[str, Any]
    events: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    next_action_at: datetime | None  # the sweep's schedule (None: not looked at)


def plan_case(
    *,
    row: ImportRow,
    code: str,
    policies: PolicySet,
    calendar: WorkingCalendar,
    ladder: Ladder,
    now: datetime,
    actor_id: int | None,
    origin: str,
    due_cache: dict,
) -> Planned:
    """The case, events and steps for `row`, computed by the lifecycle's own date rules."""
    policy = policies.in_force(row.kind, deadlines.local_date(row.received_at))
    case = _draft(
        code=code,
        kind=row.kind,
        status=S.received,
        title=row.title,
        description=row.description,
        channel=row.channel,
        citizen_name=row.citizen_name,
        citizen_phone=row.citizen_phone,
        citizen_email=row.citizen_email,
        citizen_address=row.citizen_address,
        citizen_id_number=row.citizen_id_number,
        phone_digits=re.sub(r"\D", "", row.citizen_phone) if row.citizen_phone else None,
        agency_id=row.agency.id,
        procedure=row.procedure_code,
        remote_area=row.agency.remote_area,
        received_at=row.received_at,
        policy_version=policy.version,
        source_ref=row.source_ref,
        created_by_id=actor_id,
        updated_at=now,
    )
    start_clock(case, row.received_at, "receipt")
    agency_id = row.agency.id
    events = [
        _event(row.received_at, "receive", None, S.received, agency_id, actor_id,
               {"policy_version": policy.version, "imported": True}),
    ]  # fmt: skip
    if row.status in ACCEPTED_BEFORE:
        case.status = S.accepted
        case.accepted_at = row.received_at
    case.due_at = _due(case=case, policy=policy, calendar=calendar, cache=due_cache)
    case.promised_at = _promised(case=case, policy=policy, calendar=calendar, cache=due_cache)
    if row.status in (S.resolved, S.closed):
        case.resolved_due_at, case.due_at = case.due_at, None
        case.resolved_at = row.resolved_at
        on_time = row.resolved_at <= case.resolved_due_at
        events.append(
            _event(
                row.resolved_at,
                "resolve",
                S.accepted,
                S.resolved,
                agency_id,
                actor_id,
                {
                    "imported": True,
                    "resolved_due_at": case.resolved_due_at.isoformat(),
                    "on_time": on_time,
                },
            )  # fmt: skip
        )
        if row.status == S.closed:
            case.closed_at = row.resolved_at
            events.append(_event(row.resolved_at, "close", S.resolved, S.closed, agency_id,
                                 actor_id, {"imported": True}))  # fmt: skip
    if row.status in (S.declined, S.withdrawn):
        case.due_at = None
        if row.resolved_at is not None:  # the register's date of the decision
            action = "decline" if row.status == S.declined else "withdraw"
            events.append(_event(row.resolved_at, action, S.received, row.status, agency_id,
                                 actor_id, {"imported": True}))  # fmt: skip
    if row.status == S.on_hold:
        case.paused_at = now
    case.status = row.status
    case.promised_at = promised.promised_for(case=case, policy=policy, calendar=calendar)
    events.append(
        _event(
            now,
            "import",
            S.received,
            row.status,
            agency_id,
            actor_id,
            {
                "source_ref": row.source_ref,
                "origin": origin,
                "line": row.line,
                "due_at": case.due_at.isoformat() if case.due_at else None,
            },
        )  # fmt: skip
    )
    steps = _past_steps(case=case, ladder=ladder, now=now)
    return Planned(
        case=_columns(case), events=events, steps=steps, next_action_at=case.next_action_at
    )


def _due(*, case, policy, calendar: WorkingCalendar, cache: dict) -> datetime | None:
    """The lifecycle's due date, remembered in `cache` (one per import) by policy, phase,
    start day and remote area: the rows of a register share a few thousand start days."""
    key = (policy.version, case.status, deadlines.local_date(case.received_at), case.remote_area)
    if key not in cache:
        cache[key] = deadlines.due_for(case=case, policy=policy, calendar=calendar)
    return cache[key]


def _promised(*, case, policy, calendar: WorkingCalendar, cache: dict) -> datetime | None:
    """The date promised while the case ran, as the lifecycle sets it (a dossier's return
    date, else the resolution deadline); a dossier's is remembered like `_due`."""
    if case.kind != CaseKind.dossier:
        return promised.promised_for(case=case, policy=policy, calendar=calendar)
    key = ("promised", policy.version, deadlines.local_date(case.received_at), case.remote_area)
    if key not in cache:
        cache[key] = promised.return_date(case=case, policy=policy, calendar=calendar)
    return cache[key]


def _past_steps(*, case, ladder: Ladder, now: datetime) -> list[dict[str, Any]]:
    """Mark every due step but the latest as applied without mail; schedule the sweep."""
    case.next_action_at, case.escalation_level = None, 0
    if case.status not in RUNNING or case.due_at is None:
        return []
    plan = ladder.plan(kind=case.kind, due_at=case.due_at, applied={}, now=now)
    if not plan.due:
        case.next_action_at = plan.next_at
        return []
    due = sorted(plan.due, key=lambda item: item[1])
    past, (_, current_at) = due[:-1], due[-1]
    case.next_action_at = current_at
    key = deadline_key(case.due_at)
    steps = []
    for step, at in past:
        case.escalation_level = max(case.escalation_level, step.level or 0)
        case.long_pending = case.long_pending or step.long_pending
        steps.append(
            dict(
                case_id=None,
                deadline_key=key,
                step=step.key,
                level=step.level,
                scheduled_at=at,
                applied_at=now,
                data={
                    "imported": True,
                    "notified": [],
                    "step": step.key,
                    "note": "in the past at the import: recorded without mail",
                },
            )  # fmt: skip
        )
    return steps


def _event(at, action, from_status, to_status, agency_id, actor_id, data) -> dict[str, Any]:
    return dict(case_id=None, at=at, actor_id=actor_id, action=action, from_status=from_status,
                to_status=to_status, agency_id=agency_id, data=data)  # fmt: skip


_CASE_COLUMNS = [c.name for c in Case.__table__.columns if c.name != "id"]
# A case's columns with the model's defaults. The rows are built as plain namespaces the date
# rules read like a Case: building 100,000 ORM objects took over half of an import's time.
_DEFAULTS = {
    name: field.default if field.default_factory is None else field.default_factory()
    for name, field in Case.model_fields.items()
    if name != "id" and name in _CASE_COLUMNS and not field.is_required()
}


def _draft(**fields) -> SimpleNamespace:
    return SimpleNamespace(**{**_DEFAULTS, **fields})


def _columns(case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in _CASE_COLUMNS}
