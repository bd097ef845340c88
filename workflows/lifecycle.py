"""The case lifecycle: one transition table, and the only code that assigns `Case.status`.

Every action runs inside the caller's transaction: validate the fields, check the actor,
claim the version (a conditional UPDATE; a stale version is a Conflict), check the state,
apply the effect, recompute `due_at`, write one CaseEvent, reschedule the escalation sweep.
On any error the caller rolls back and nothing is written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session

from models import OPEN_STATUSES, Agency, Case, CaseEvent, CaseKind, CaseStatus, Role, User
from workflows import action_fields as f
from workflows import agencies, deadlines, escalation
from workflows import calendar as calendars
from workflows import policies as policy_data
from workflows.calendar import WorkingCalendar
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.policies import Policy, PolicySet

S = CaseStatus
STAFF = frozenset({Role.officer, Role.head, Role.admin})
DESK = STAFF | {Role.clerk}


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
    data: dict[str, Any] = field(default_factory=dict)
    target: CaseStatus | None = None


@dataclass(frozen=True)
class Transition:
    sources: frozenset[CaseStatus]
    target: CaseStatus | None  # None: the status stays (or the effect decides)
    roles: frozenset[Role]
    fields: type[f.Fields]
    effect: Callable[[Context], None]
    kinds: frozenset[CaseKind] | None = None
    public: bool = True  # offered at POST /cases/{id}/actions/{action}


def _accept(ctx: Context) -> None:
    case = ctx.case
    case.accepted_at = ctx.now
    if ctx.policy.resolve.start == "acceptance":
        _start_clock(case, ctx.now, "acceptance")
    else:
        _start_clock(case, case.received_at, "receipt")


def _transfer(ctx: Context) -> None:
    case, target = ctx.case, ctx.fields.agency_id
    _check_open_agency(ctx.session, target, other_than=case.agency_id)
    held = ctx.session.scalars(
        sa.select(CaseEvent.agency_id).where(CaseEvent.case_id == case.id).distinct()
    )
    bounced = target in set(held)
    ctx.data.update(from_agency_id=case.agency_id, to_agency_id=target, ping_pong=bounced)
    case.agency_id, case.assignee_id, case.accepted_at = target, None, None
    case.transfer_count += 1
    case.ping_pong = case.ping_pong or bounced
    case.extensions_used = 0
    _start_clock(case, ctx.now, "transfer")


def _reorganise(ctx: Context) -> None:
    """The agency was dissolved: the case moves to the successor, its clock keeps running."""
    ctx.data.update(from_agency_id=ctx.case.agency_id, to_agency_id=ctx.fields.agency_id)
    ctx.case.agency_id, ctx.case.assignee_id = ctx.fields.agency_id, None


def _assign(ctx: Context) -> None:
    user = ctx.session.get(User, ctx.fields.assignee_id)
    if (
        user is None
        or not user.is_active
        or user.agency_id != ctx.case.agency_id
        or user.role not in (Role.officer, Role.head)
    ):
        raise Invalid("the assignee must be an active officer or head of the case's agency")
    ctx.case.assignee_id = user.id


def _request_documents(ctx: Context) -> None:
    ctx.case.paused_at = ctx.now


def _documents_received(ctx: Context) -> None:
    case = ctx.case
    ctx.data["paused_from"] = case.paused_at.isoformat()
    if ctx.policy.on_documents == "restart":
        ctx.data["restarted"] = True
        _start_clock(case, ctx.now, "restart")
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


def _extend(ctx: Context) -> None:
    case, policy = ctx.case, ctx.policy
    complexity = ctx.fields.complexity or case.complexity
    allowed = policy.extensions_allowed(complexity)
    if case.extensions_used >= allowed:
        raise Invalid(
            f"policy {policy.version} allows {allowed} extension(s) for a {complexity} case; "
            f"{case.extensions_used} used"
        )
    case.complexity = complexity
    case.extensions_used += 1
    ctx.data["units"] = policy.extension_length
    ctx.data["unit"] = policy.resolve.unit


def _resolve(ctx: Context) -> None:
    ctx.case.resolved_at = ctx.now
    ctx.case.resolved_due_at = ctx.case.due_at


def _close(ctx: Context) -> None:
    ctx.case.closed_at = ctx.now


def _reopen(ctx: Context) -> None:
    case = ctx.case
    case.resolved_at = case.closed_at = case.resolved_due_at = None
    case.extensions_used = 0
    _start_clock(case, ctx.now, "reopen")


def _nothing(ctx: Context) -> None:
    return None


def _reset_date(ctx: Context) -> None:
    case, policy, new_day = ctx.case, ctx.policy, ctx.fields.new_due_date
    if case.date_reset_used or policy.date_resets < 1:
        raise Invalid("the return date may be reset only once")
    if case.due_at is not None and new_day <= deadlines.local_date(case.due_at):
        raise Invalid("the new return date must be later than the current one")
    if not ctx.calendar.is_working_day(new_day):
        raise Invalid("the new return date must be a working day")
    case.date_reset_used = True
    case.reset_due_at = deadlines.end_of_day(new_day)


def _conclude(ctx: Context) -> None:
    case, fields = ctx.case, ctx.fields
    if fields.outcome == "closed":
        case.closed_at = ctx.now
        ctx.target = S.closed
        return
    ctx.target = S.accepted
    case.paused_at = None
    case.assignee_id = fields.responsible_user_id
    _start_clock(case, ctx.now, "directive")
    case.reset_due_at = fields.due_at


# The lifecycle of DESIGN.md: action -> where from, where to, who, with which fields.
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.received}), S.accepted, STAFF, f.Note, _accept),
    "decline": Transition(frozenset({S.received}), S.declined, STAFF, f.Reason, _nothing),
    "transfer": Transition(
        frozenset({S.received, S.accepted}), S.received, STAFF, f.Transfer, _transfer
    ),
    "assign": Transition(frozenset(OPEN_STATUSES), None, STAFF, f.Assign, _assign),
    "request_documents": Transition(
        frozenset({S.accepted}), S.on_hold, STAFF, f.RequestDocuments, _request_documents
    ),
    "documents_received": Transition(
        frozenset({S.on_hold}), S.accepted, DESK, f.Note, _documents_received
    ),
    "extend": Transition(frozenset({S.accepted, S.on_hold}), None, STAFF, f.Extend, _extend),
    "reset_date": Transition(
        frozenset({S.accepted, S.on_hold}),
        None,
        STAFF,
        f.ResetDate,
        _reset_date,
        kinds=frozenset({CaseKind.dossier}),
    ),
    "resolve": Transition(frozenset({S.accepted}), S.resolved, STAFF, f.Resolve, _resolve),
    "close": Transition(frozenset({S.resolved}), S.closed, STAFF, f.Note, _close),
    "reopen": Transition(frozenset({S.resolved, S.closed}), S.accepted, STAFF, f.Reason, _reopen),
    "withdraw": Transition(frozenset(OPEN_STATUSES), S.withdrawn, DESK, f.Reason, _nothing),
    # Called by workflows/, never offered over the case actions endpoint.
    "conclude": Transition(
        frozenset(OPEN_STATUSES),
        None,
        frozenset({Role.inspector, Role.admin}),
        f.Conclude,
        _conclude,
        public=False,
    ),
    "reorganise": Transition(
        frozenset(OPEN_STATUSES),
        None,
        frozenset({Role.admin}),
        f.Reorganise,
        _reorganise,
        public=False,
    ),
}
PUBLIC_ACTIONS = tuple(name for name, t in TRANSITIONS.items() if t.public)


def apply(
    *,
    session: Session,
    case: Case,
    action: str,
    actor: User | None,
    now: datetime,
    version: int | None = None,
    policies: PolicySet | None = None,
    **fields: Any,
) -> Case:
    """Run one lifecycle action on `case` in the caller's transaction (see module doc).

    `version` is the version the caller saw (default: the loaded one); `actor` None means
    the system (a sweep or a reorganisation) and skips the role and agency guards.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Invalid(f"unknown action {action!r}")
    try:
        values = transition.fields.model_validate(fields)
    except ValidationError as exc:
        raise Invalid(_describe(exc)) from None
    if actor is not None:
        _guard(session=session, case=case, actor=actor, transition=transition, action=action)
    _claim_version(session=session, case=case, version=case.version if version is None else version)
    if transition.kinds is not None and case.kind not in transition.kinds:
        raise Invalid(f"{action} does not apply to a {case.kind}")
    if case.status not in transition.sources:
        raise Invalid(f"a {case.status} case cannot be given the action {action}")
    policy = (policies or policy_data.default()).version(case.policy_version)
    ctx = Context(
        session=session,
        case=case,
        actor=actor,
        now=now,
        fields=values,
        policy=policy,
        calendar=calendars.load(session=session),
        target=transition.target,
    )
    transition.effect(ctx)
    _record(ctx, action=action, data={**values.model_dump(mode="json", exclude_none=True)})
    return case


def open_case(
    *, session: Session, case: Case, actor: User | None, now: datetime, policies: PolicySet | None
) -> Case:
    """Put a new case in `received`, record its policy version and its first event."""
    policy = (policies or policy_data.default()).in_force(
        case.kind, deadlines.local_date(case.received_at)
    )
    case.policy_version = policy.version
    _start_clock(case, case.received_at, "receipt")
    case.status = S.received
    case.updated_at = now
    session.add(case)
    session.flush()
    ctx = Context(
        session=session,
        case=case,
        actor=actor,
        now=now,
        fields=None,
        policy=policy,
        calendar=calendars.load(session=session),
    )
    _record(ctx, action="receive", data={"policy_version": policy.version})
    return case


def _record(ctx: Context, *, action: str, data: dict[str, Any]) -> None:
    case = ctx.case
    from_status = None if action == "receive" else case.status
    if ctx.target is not None:
        case.status = ctx.target
    case.due_at = deadlines.due_for(case=case, policy=ctx.policy, calendar=ctx.calendar)
    case.updated_at = ctx.now
    data = {**data, **ctx.data, "due_at": case.due_at.isoformat() if case.due_at else None}
    ctx.session.add(
        CaseEvent(
            case_id=case.id,
            at=ctx.now,
            actor_id=ctx.actor.id if ctx.actor else None,
            action=action,
            from_status=from_status,
            to_status=case.status,
            agency_id=case.agency_id,
            data=data,
        )
    )
    escalation.reschedule(session=ctx.session, case=case, now=ctx.now)
    ctx.session.add(case)
    ctx.session.flush()


def _start_clock(case: Case, at: datetime, event: str) -> None:
    case.clock_started_at, case.clock_event = at, event
    case.paused_units, case.paused_at, case.reset_due_at = 0, None, None


def _claim_version(*, session: Session, case: Case, version: int) -> None:
    """Bump the version only if nobody else did: rowcount 0 means a stale version."""
    table = Case.__table__
    result = session.execute(
        sa.update(table)
        .where(table.c.id == case.id, table.c.version == version)
        .values(version=table.c.version + 1)
    )
    if result.rowcount != 1:
        raise Conflict("the case was changed by someone else; reload it and try again")
    case.version = version + 1


def _guard(*, session: Session, case: Case, actor: User, transition: Transition, action: str):
    if actor.role not in transition.roles:
        raise Forbidden(f"a {actor.role} may not {action} a case")
    if actor.role in (Role.admin, Role.inspector):
        return  # inspectors: workflows/inspections checks membership before calling
    if actor.role == Role.head:
        if actor.agency_id is None or case.agency_id not in agencies.subtree_ids(
            session=session, agency_id=actor.agency_id
        ):
            raise Forbidden("the case belongs to an agency outside yours")
    elif actor.agency_id != case.agency_id:
        raise Forbidden("the case belongs to another agency")


def _check_open_agency(session: Session, agency_id: int, *, other_than: int) -> None:
    agency = session.get(Agency, agency_id)
    if agency is None or agency.dissolved_at is not None:
        raise Invalid(f"agency {agency_id} does not exist or was dissolved")
    if agency.id == other_than:
        raise Invalid("the case is already at that agency")


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors()
    )
