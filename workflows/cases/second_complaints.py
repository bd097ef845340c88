"""Second complaints (Law 02/2011 Art. 33, 36, 37): linked to the first case, their filing
window checked and, when missed, flagged rather than refused."""

from datetime import date, datetime

from sqlmodel import Session, select

from core.errors import Invalid
from models import Agency, Case, CaseEvent, CaseKind, CaseStatus, User
from workflows.cases.access import visible_agency_ids
from workflows.deadlines import dates
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.policies import Policy
from workflows.org import agencies


def check_request(*, kind: CaseKind, instance: int | None, first_case_id: int | None) -> int:
    """The instance a new case gets; a 422 for fields that do not fit together."""
    if kind != CaseKind.complaint:
        if instance not in (None, 1) or first_case_id is not None:
            raise Invalid(
                "instance and first_case_id apply to complaints only",
                code="intake.instance_complaints",
            )
        return 1
    if instance == 2 and first_case_id is None:
        raise Invalid(
            "a second complaint (instance 2) needs first_case_id, the first complaint",
            code="intake.first_case_needed",
        )
    if instance in (None, 1) and first_case_id is not None:
        raise Invalid(
            "first_case_id is given only with instance 2", code="intake.first_case_unused"
        )
    return instance or 1


def first_case(*, session: Session, first_case_id: int, agency_id: int, actor: User) -> Case:
    """The first complaint, if the actor may see it or it lies under the receiving agency
    (the body above the one that decided); the same 422 otherwise, with no hint it exists."""
    case = session.get(Case, first_case_id)
    reachable = False
    if case is not None:
        scope = visible_agency_ids(session=session, user=actor)
        below = agencies.subtree_ids(session=session, agency_id=agency_id)
        reachable = scope is None or case.agency_id in scope or case.agency_id in below
    if not reachable or case.kind != CaseKind.complaint or case.instance != 1:
        raise Invalid(
            f"first_case_id: no first complaint {first_case_id} within your reach",
            code="intake.first_case_unknown",
        )
    return case


def window_end(
    *, first: Case, policy: Policy, remote: bool, calendar: WorkingCalendar
) -> date | None:
    """The last day to file a second complaint: 30 days (remote 45) from the first decision,
    or from the lapse of the first deadline; None while neither has happened."""
    if policy.window is None:
        return None
    if first.resolved_at is not None:
        start = first.resolved_at
    elif first.status in (CaseStatus.received, CaseStatus.accepted) and first.due_at:
        start = first.due_at
    else:
        return None
    amount = policy.window.get("remote" if remote else "normal", policy.window["normal"])
    last, _moved = dates.last_day(
        start=dates.local_date(start), amount=amount, unit="days", calendar=calendar
    )
    return last


def assess(
    *, session: Session, case: Case, first: Case, policy: Policy, calendar: WorkingCalendar
) -> dict:
    """Flag a second complaint filed after the window; what the receipt event records."""
    agency = session.get(Agency, first.agency_id)
    remote = bool(agency and agency.remote_area) or case.remote_area
    last = window_end(first=first, policy=policy, remote=remote, calendar=calendar)
    case.filed_after_window = last is not None and dates.local_date(case.received_at) > last
    return {
        "first_case_id": first.id,
        "window_ends": last.isoformat() if last else None,
        "window_source": policy.window_source,
        "filed_after_window": case.filed_after_window,
    }


def record_link(*, session: Session, case: Case, first: Case, now: datetime) -> None:
    """The first case's history names the second complaint about its decision."""
    session.add(
        CaseEvent(
            case_id=first.id,
            at=now,
            actor_id=case.created_by_id,
            action="second_complaint",
            agency_id=first.agency_id,
            data={"second_case_id": case.id, "code": case.code},
        )
    )


def second_case_ids(*, session: Session, case_id: int, user: User) -> list[int]:
    """The second complaints about a case's decision that `user` may read."""
    stmt = select(Case.id).where(Case.first_case_id == case_id).order_by(Case.id)
    scope = visible_agency_ids(session=session, user=user)
    if scope is not None:
        stmt = stmt.where(Case.agency_id.in_(scope or [-1]))
    return list(session.exec(stmt))
