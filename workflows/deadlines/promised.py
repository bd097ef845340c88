"""The date promised to the citizen (`promised_at`): a dossier's return date as on the slip
(form 01), otherwise the resolution deadline as it stands."""

from datetime import datetime

from models import Case, CaseKind, CaseStatus
from workflows.deadlines import dates
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.policies import Policy

RESOLVING = (CaseStatus.accepted, CaseStatus.on_hold)


def return_date(*, case: Case, policy: Policy, calendar: WorkingCalendar) -> datetime | None:
    """A running dossier's return date: processing time counted from receipt (or from the
    complete dossier after a completion request), or the date reset with the apology."""
    if case.reset_due_at is not None:
        return case.reset_due_at
    if case.clock_started_at is None:
        return None
    base = case.processing_days
    if base is None:
        base = policy.resolve.amount(case.complexity, case.remote_area)
    clock = dates.Clock(
        phase="resolve",
        started_at=case.clock_started_at,
        step=policy.resolve,
        base=base,
        extension_units=0,
        paused=case.paused_units,
    )
    return dates.due(clock=clock, calendar=calendar)


def promised_for(*, case: Case, policy: Policy, calendar: WorkingCalendar) -> datetime | None:
    """What `promised_at` is after a change; a finished case keeps the date it was promised."""
    if case.status not in (CaseStatus.received, *RESOLVING):
        return case.promised_at if case.kind == CaseKind.dossier else case.resolved_due_at
    if case.kind == CaseKind.dossier:
        return return_date(case=case, policy=policy, calendar=calendar)
    return case.due_at if case.status in RESOLVING else None
