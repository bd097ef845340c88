"""What each lifecycle action does to a case, beyond its status (see workflows/cases/lifecycle.py).

Effects change clocks, agencies and dates; they never assign `Case.status` (an effect that
chooses between targets, like `conclude`, sets `ctx.target` and lifecycle assigns it).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from core.errors import Invalid
from models import Agency, Case, CaseEvent, CaseKind, CaseStatus, Complexity, Role, User
from workflows.cases import ping_pong
from workflows.deadlines import dates as deadlines
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.policies import Policy

S = CaseStatus


@dataclass
class Context:
    """What an effect may read and change."""

    session: Session
    case: Case
    actor: User | None
    now: datetime
    fields: Any
    policy: Policy
    calendar: WorkingCalendar
    base_url: str  # where the links in the emails it writes point
    data: dict[str, Any] = field(default_factory=dict)
    target: CaseStatus | None = None
    # Whether citizens who gave only a phone get their notices by SMS (a gateway is
    # configured); passed in from the edge like `base_url`.
    sms: bool = False


def accept(ctx: Context) -> None:
    case = ctx.case
    case.accepted_at = ctx.now
    if ctx.policy.resolve.start == "acceptance":
        start_clock(case, ctx.now, "acceptance")
    else:
        start_clock(case, case.received_at, "receipt")


def transfer(ctx: Context) -> None:
    case, target = ctx.case, ctx.fields.agency_id
    check_open_agency(ctx.session, target, other_than=case.agency_id)
    held = ctx.session.scalars(
        sa.select(CaseEvent.agency_id).where(CaseEvent.case_id == case.id).distinct()
    )
    bounced = target in set(held)
    ctx.data.update(from_agency_id=case.agency_id, to_agency_id=target, ping_pong=bounced)
    if bounced:
        ctx.data["ping_pong_arbiter"] = ping_pong.arbiter(
            session=ctx.session, first_id=case.agency_id, second_id=target
        )
    case.agency_id, case.assignee_id, case.accepted_at = target, None, None
    case.transfer_count += 1
    case.ping_pong = case.ping_pong or bounced
    case.extensions_used = 0
    start_clock(case, ctx.now, "transfer")


def reorganise(ctx: Context) -> None:
    """A re-routing after a reorganisation, not a transfer: the case moves to the successor,
    its clock keeps running, `transfer_count` stays; its assignee stays if they moved there
    too, and `remote_area` (the remote-area time limits) follows the new agency."""
    case, target = ctx.case, ctx.fields.agency_id
    check_open_agency(ctx.session, target, other_than=case.agency_id)
    successor = ctx.session.get(Agency, target)
    ctx.data.update(from_agency_id=case.agency_id, to_agency_id=target)
    if case.remote_area != successor.remote_area:
        ctx.data["remote_area"] = successor.remote_area
    assignee = ctx.session.get(User, case.assignee_id) if case.assignee_id else None
    case.agency_id, case.remote_area = target, successor.remote_area
    if assignee is None or assignee.agency_id != target:
        case.assignee_id = None


def assign(ctx: Context) -> None:
    user = ctx.session.get(User, ctx.fields.assignee_id)
    if (
        user is None
        or not user.is_active
        or user.agency_id != ctx.case.agency_id
        or user.role not in (Role.officer, Role.head)
    ):
        raise Invalid(
            "the assignee must be an active officer or head of the case's agency",
            code="case.assignee_invalid",
        )
    ctx.case.assignee_id = user.id


def request_documents(ctx: Context) -> None:
    """A completion request (dossiers: form 02, at most as often as the policy allows) or, where
    the policy offers it, a pause while the citizen brings documents."""
    case, policy = ctx.case, ctx.policy
    _refuse(documents_refusal(case, policy, ctx.now))
    case.completion_requests += 1
    if policy.pause_is_option:
        ctx.data["product_option"] = True
    case.paused_at = ctx.now


def suspend(ctx: Context) -> None:
    """A denunciation's resolution suspended by decision on the grounds of Art. 36."""
    ctx.data["legal_basis"] = "Luật Tố cáo 2018 Điều 36"
    ctx.case.paused_at = ctx.now


def declare_complex(ctx: Context) -> None:
    case = ctx.case
    _refuse(complexity_refusal(case, ctx.policy, ctx.now))
    ctx.data["previous_due_at"] = case.due_at.isoformat() if case.due_at else None
    case.complexity = Complexity.complex


def withdraw(ctx: Context) -> None:
    case, fields = ctx.case, ctx.fields
    if case.kind != CaseKind.denunciation:
        return
    if not fields.written_request or fields.decision is None:
        raise Invalid(
            "withdrawing a denunciation needs the denouncer's written request and the "
            "resolver's decision to stop or continue (Luật Tố cáo 2018 Điều 33)",
            code="case.withdrawal_incomplete",
        )
    ctx.data["legal_basis"] = "Luật Tố cáo 2018 Điều 33"
    if fields.decision == "continue":
        ctx.target = case.status  # signs of a violation, or a coerced withdrawal: go on


def documents_received(ctx: Context) -> None:
    case = ctx.case
    ctx.data["paused_from"] = case.paused_at.isoformat()
    if ctx.policy.on_documents == "restart":
        ctx.data["restarted"] = True
        start_clock(case, ctx.now, "restart")
    else:
        units = deadlines.paused_units(
            paused_at=case.paused_at,
            resumed_at=ctx.now,
            unit=ctx.policy.resolve.unit,
            calendar=ctx.calendar,
        )
        ctx.data["paused_units"] = units
        case.paused_units += units
    case.paused_at = None


def extend(ctx: Context) -> None:
    case, policy = ctx.case, ctx.policy
    _refuse(extension_refusal(case, policy, ctx.now))
    complexity = ctx.fields.complexity or case.complexity
    allowed = policy.extensions_allowed(complexity)
    if case.extensions_used >= allowed:
        raise Invalid(
            f"policy {policy.version} allows {allowed} extension(s) for a {complexity} case; "
            f"{case.extensions_used} used",
            code="case.no_extension_left",
        )
    case.complexity = complexity
    case.extensions_used += 1
    ctx.data["units"] = policy.extension_length
    ctx.data["unit"] = policy.resolve.unit


def resolve(ctx: Context) -> None:
    ctx.case.resolved_at = ctx.now
    ctx.case.resolved_due_at = ctx.case.due_at


def close(ctx: Context) -> None:
    ctx.case.closed_at = ctx.now


def reopen(ctx: Context) -> None:
    case = ctx.case
    case.resolved_at = case.closed_at = case.resolved_due_at = None
    case.extensions_used = 0
    start_clock(case, ctx.now, "reopen")


def nothing(ctx: Context) -> None:
    return None


def reset_date(ctx: Context) -> None:
    case, new_day = ctx.case, ctx.fields.new_due_date
    _refuse(reset_refusal(case, ctx.policy, ctx.now))
    if case.due_at is not None and new_day <= deadlines.local_date(case.due_at):
        raise Invalid(
            "the new return date must be later than the current one", code="case.reset_not_later"
        )
    if not ctx.calendar.is_working_day(new_day):
        raise Invalid(
            "the new return date must be a working day", code="case.reset_not_working_day"
        )
    ctx.data["previous_due_at"] = case.due_at.isoformat() if case.due_at else None
    case.date_reset_used = True
    case.reset_due_at = deadlines.end_of_day(new_day)


def conclude(ctx: Context) -> None:
    case, fields = ctx.case, ctx.fields
    if fields.outcome == "closed":
        if case.status == S.closed:
            raise Invalid("the case is already closed", code="case.already_closed")
        case.closed_at = ctx.now
        ctx.target = S.closed
        return
    # A directive reopens a resolved or closed case, as `reopen` does, under its own deadline.
    ctx.target = S.accepted
    case.resolved_at = case.closed_at = case.resolved_due_at = None
    case.assignee_id = fields.responsible_user_id
    start_clock(case, ctx.now, "directive")
    case.reset_due_at = fields.due_at


# The legal rules that refuse an action whatever its fields: each effect raises on its rule and
# `lifecycle.available_actions` offers the action only when the rule says nothing; the pages
# say why (the code's words in api/labels.py) where a person would look for the action.
@dataclass(frozen=True)
class Refusal:
    """Why a rule refuses an action: a stable `code` the pages put in words (the "error"
    group of api/labels.py) and the English `detail` the JSON API answers with."""

    code: str
    detail: str

    def __str__(self) -> str:
        return self.detail


def documents_refusal(case: Case, policy: Policy, now: datetime) -> Refusal | None:
    if policy.on_documents == "none":
        return Refusal(
            "case.no_documents_pause",
            f"a {case.kind} has no pause for missing documents in law "
            f"({policy.source}); an agency may turn it on as a product option",
        )
    limit = policy.completion_requests
    if limit is not None and case.completion_requests >= limit:
        return Refusal(
            "case.completion_requests_used",
            f"a {case.kind} may be asked to complete its documents {limit} time(s) only "
            f"({policy.completion_source})",
        )
    return None


def complexity_refusal(case: Case, policy: Policy, now: datetime) -> Refusal | None:
    if case.complexity != Complexity.normal:
        return Refusal(
            "case.complexity_decided", "the complexity of this complaint was already decided"
        )
    if case.due_at is not None and now > case.due_at:
        return Refusal(
            "case.complexity_too_late",
            "complexity must be decided before the deadline it lengthens",
        )
    return None


def extension_refusal(case: Case, policy: Policy, now: datetime) -> Refusal | None:
    """Before the deadline, while the most generous complexity still leaves one (the
    effect then checks the complexity asked for)."""
    most = max(policy.extensions_allowed(c) for c in Complexity)
    if most == 0:
        return Refusal(
            "case.extension_not_in_policy",
            f"policy {policy.version} allows no extension for a {case.kind}",
        )
    if most <= case.extensions_used:
        return Refusal(
            "case.no_extension_left",
            f"policy {policy.version} allows no more extensions; {case.extensions_used} used",
        )
    if case.due_at is not None and now > case.due_at:
        return Refusal(
            "case.extension_too_late", "an extension is decided before the deadline it extends"
        )
    return None


def reset_refusal(case: Case, policy: Policy, now: datetime) -> Refusal | None:
    if policy.date_resets < 1:
        return Refusal(
            "case.reset_not_in_policy", f"policy {policy.version} allows no new return date"
        )
    if case.date_reset_used:
        return Refusal("case.reset_once", "the return date may be reset only once")
    if case.due_at is not None and deadlines.local_date(now) >= deadlines.local_date(case.due_at):
        return Refusal(
            "case.reset_too_late",
            "the apology with a new date (form 04) is sent at the latest one day before the "
            "deadline; the dossier is now late",
        )
    return None


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise Invalid(refusal.detail, code=refusal.code)


# The lifecycle of DESIGN.md: action -> where from, where to, who, with which fields.
def start_clock(case: Case, at: datetime, event: str) -> None:
    case.clock_started_at, case.clock_event = at, event
    case.paused_units, case.paused_at, case.reset_due_at = 0, None, None


def check_open_agency(session: Session, agency_id: int, *, other_than: int) -> None:
    agency = session.get(Agency, agency_id)
    if agency is None or agency.dissolved_at is not None:
        raise Invalid(
            f"agency {agency_id} does not exist or was dissolved", code="case.agency_gone"
        )
    if agency.id == other_than:
        raise Invalid("the case is already at that agency", code="case.same_agency")
