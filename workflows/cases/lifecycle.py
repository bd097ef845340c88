"""The case lifecycle: one transition table, and the only code that assigns `Case.status`.

Every action runs inside the caller's transaction: validate the fields, check the actor,
claim the version (a conditional UPDATE; a stale version is a Conflict), check the state,
apply the effect, recompute `due_at`, write one CaseEvent, reschedule the escalation sweep.
On any error the caller rolls back and nothing is written.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, select

from core.errors import Conflict, Forbidden, Invalid
from models import OPEN_STATUSES, Case, CaseEvent, CaseKind, CaseStatus, Role, User
from workflows.cases import citizen_notices, notices, ping_pong
from workflows.cases import effects as e
from workflows.cases import fields as f
from workflows.deadlines import calendar as calendars
from workflows.deadlines import dates as deadlines
from workflows.deadlines import policies as policy_data
from workflows.deadlines import promised
from workflows.deadlines.policies import Policy, PolicySet
from workflows.escalation import schedule
from workflows.escalation import sweep as escalation
from workflows.escalation.ladder import Policy as EscalationPolicy
from workflows.org import agencies

S = CaseStatus
STAFF = frozenset({Role.officer, Role.head, Role.admin})
DESK = STAFF | {Role.clerk}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[CaseStatus]
    target: CaseStatus | None  # None: the status stays (or the effect decides)
    roles: frozenset[Role]
    fields: type[f.Fields]
    effect: Callable[[e.Context], None]
    kinds: frozenset[CaseKind] | None = None
    public: bool = True  # offered at POST /cases/{id}/actions/{action}


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.received}), S.accepted, STAFF, f.Note, e.accept),
    "decline": Transition(frozenset({S.received}), S.declined, STAFF, f.Reason, e.nothing),
    "transfer": Transition(
        frozenset({S.received, S.accepted}), S.received, STAFF, f.Transfer, e.transfer
    ),
    "assign": Transition(frozenset(OPEN_STATUSES), None, STAFF, f.Assign, e.assign),
    "request_documents": Transition(
        frozenset({S.accepted}),
        S.on_hold,
        STAFF,
        f.RequestDocuments,
        e.request_documents,
        kinds=frozenset({CaseKind.complaint, CaseKind.petition, CaseKind.dossier}),
    ),
    "documents_received": Transition(
        frozenset({S.on_hold}),
        S.accepted,
        DESK,
        f.Note,
        e.documents_received,
        kinds=frozenset({CaseKind.complaint, CaseKind.petition, CaseKind.dossier}),
    ),
    "suspend": Transition(
        frozenset({S.accepted}),
        S.on_hold,
        STAFF,
        f.Suspend,
        e.suspend,
        kinds=frozenset({CaseKind.denunciation}),
    ),
    "resume": Transition(
        frozenset({S.on_hold}),
        S.accepted,
        STAFF,
        f.Note,
        e.documents_received,
        kinds=frozenset({CaseKind.denunciation}),
    ),
    "declare_complex": Transition(
        frozenset({S.accepted, S.on_hold}),
        None,
        STAFF,
        f.DeclareComplex,
        e.declare_complex,
        kinds=frozenset({CaseKind.complaint}),
    ),
    "extend": Transition(frozenset({S.accepted, S.on_hold}), None, STAFF, f.Extend, e.extend),
    "reset_date": Transition(
        frozenset({S.accepted, S.on_hold}),
        None,
        STAFF,
        f.ResetDate,
        e.reset_date,
        kinds=frozenset({CaseKind.dossier}),
    ),
    "resolve": Transition(frozenset({S.accepted}), S.resolved, STAFF, f.Resolve, e.resolve),
    "close": Transition(frozenset({S.resolved}), S.closed, STAFF, f.Note, e.close),
    "reopen": Transition(frozenset({S.resolved, S.closed}), S.accepted, STAFF, f.Reason, e.reopen),
    "withdraw": Transition(frozenset(OPEN_STATUSES), S.withdrawn, DESK, f.Withdraw, e.withdraw),
    # Called by workflows/, never offered over the case actions endpoint. Any member of an
    # inspection team may conclude (heads too, in a self-inspection): workflows/inspections
    # checks the membership and the inspected agencies before calling.
    "conclude": Transition(
        frozenset({*OPEN_STATUSES, S.resolved, S.closed}),
        None,
        frozenset(Role),
        f.Conclude,
        e.conclude,
        public=False,
    ),
    # Called by workflows/cases/reorganisation.py (a dissolution, or one case re-routed).
    "reorganise": Transition(
        frozenset(OPEN_STATUSES),
        None,
        frozenset({Role.admin, Role.head}),
        f.Reorganise,
        e.reorganise,
        public=False,
    ),
}
PUBLIC_ACTIONS = tuple(name for name, t in TRANSITIONS.items() if t.public)

# The legal rules that refuse an action whatever its fields (workflows/cases/effects.py):
# the effects raise on them, available_actions leaves the action out.
_REFUSALS: dict[str, Callable[[Case, Any, datetime], e.Refusal | None]] = {
    "request_documents": e.documents_refusal,
    "declare_complex": e.complexity_refusal,
    "extend": e.extension_refusal,
    "reset_date": e.reset_refusal,
}


def available_actions(
    *,
    session: Session,
    case: Case,
    actor: User,
    now: datetime,
    policies: PolicySet | None = None,
    actor_agency_ids: Collection[int] | None = None,
) -> list[str]:
    """The public actions `actor` may take on `case` now, in the table's order: the state,
    kind, role and agency guards of `apply`, and the legal rules its effects refuse on.

    `actor_agency_ids`, the agencies a head answers for, saves a query per case when a page
    lists many cases.
    """
    found = _weigh(
        session=session, case=case, actor=actor, now=now, policies=policies,
        ids=actor_agency_ids,
    )  # fmt: skip
    return [name for name, refusal in found if refusal is None]


def refused_actions(
    *,
    session: Session,
    case: Case,
    actor: User,
    now: datetime,
    policies: PolicySet | None = None,
) -> dict[str, e.Refusal]:
    """The actions `actor` could take on a case in this state but a legal rule refuses now
    (an extension the policy does not allow, the one new return date already used), with
    the refusal (its `code` has words for the pages): what a person looks for and is told
    why it is not offered."""
    found = _weigh(session=session, case=case, actor=actor, now=now, policies=policies)
    return {name: refusal for name, refusal in found if refusal is not None}


def _weigh(
    *,
    session: Session,
    case: Case,
    actor: User,
    now: datetime,
    policies: PolicySet | None,
    ids: Collection[int] | None = None,
) -> list[tuple[str, e.Refusal | None]]:
    """Each public action past the state, kind, role and agency guards, with the legal
    rule's refusal (None: `apply` would accept it now)."""
    policy = (policies or policy_data.default()).version(case.policy_version)
    found, in_reach = [], None
    for name in PUBLIC_ACTIONS:
        transition = TRANSITIONS[name]
        if case.status not in transition.sources or actor.role not in transition.roles:
            continue
        if transition.kinds is not None and case.kind not in transition.kinds:
            continue
        if in_reach is None:
            in_reach = _in_reach(session=session, case=case, actor=actor, ids=ids)
        if not in_reach:
            return []
        refusal = _REFUSALS.get(name)
        found.append((name, refusal(case, policy, now) if refusal else None))
    return found


def apply(
    *,
    session: Session,
    case: Case,
    action: str,
    actor: User | None,
    now: datetime,
    base_url: str,
    version: int | None = None,
    policies: PolicySet | None = None,
    sms: bool = False,
    **fields: Any,
) -> Case:
    """Run one lifecycle action on `case` in the caller's transaction (see module doc).

    `version` is the version the caller saw (default: the loaded one); `actor` None means
    the system (a sweep or a reorganisation) and skips the role and agency guards;
    `base_url` starts the links of the emails the action writes; `sms` says whether a
    citizen who gave only a phone is written to by SMS (the edge knows: a gateway is set).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Invalid(f"unknown action {action!r}", code="case.unknown_action")
    try:
        values = transition.fields.model_validate(fields)
    except ValidationError as exc:
        raise Invalid(_describe(exc), code="case.fields_invalid") from None
    if actor is not None:
        _guard(session=session, case=case, actor=actor, transition=transition, action=action)
    _claim_version(session=session, case=case, version=case.version if version is None else version)
    if transition.kinds is not None and case.kind not in transition.kinds:
        raise Invalid(f"{action} does not apply to a {case.kind}", code="case.not_applicable")
    if case.status not in transition.sources:
        raise Invalid(
            f"a {case.status} case cannot be given the action {action}",
            code="case.not_applicable",
        )
    policy = (policies or policy_data.default()).version(case.policy_version)
    ctx = e.Context(
        session=session,
        case=case,
        actor=actor,
        now=now,
        fields=values,
        policy=policy,
        calendar=calendars.load(session=session),
        base_url=base_url,
        target=transition.target,
        sms=sms,
    )
    transition.effect(ctx)
    _record(ctx, action=action, data={**values.model_dump(mode="json", exclude_none=True)})
    return case


def open_case(
    *,
    session: Session,
    case: Case,
    actor: User | None,
    now: datetime,
    policies: PolicySet | None,
    base_url: str,
    calendar: calendars.WorkingCalendar | None = None,
    data: dict[str, Any] | None = None,
    sms: bool = False,
) -> Case:
    """Put a new case in `received`, record its policy version and its first event.

    With `calendar` given, this reads nothing from the database: intake takes the case's
    gap-free code just before, so the code's row lock is held only for the writes.
    """
    policy = (policies or policy_data.default()).in_force(
        case.kind, deadlines.local_date(case.received_at), case.instance
    )
    case.policy_version = policy.version
    e.start_clock(case, case.received_at, "receipt")
    case.status = S.received
    ctx = e.Context(
        session=session,
        case=case,
        actor=actor,
        now=now,
        fields=None,
        policy=policy,
        calendar=calendar or calendars.load(session=session),
        base_url=base_url,
        sms=sms,
    )
    _record(ctx, action="receive", data={"policy_version": policy.version, **(data or {})})
    return case


def history(*, session: Session, case: Case) -> list[CaseEvent]:
    """Every event of the case, oldest first."""
    return list(
        session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    )


def _record(ctx: e.Context, *, action: str, data: dict[str, Any]) -> None:
    case = ctx.case
    from_status = None if action == "receive" else case.status
    if ctx.target is not None:
        case.status = ctx.target
    ladder = escalation.policy_for(session=ctx.session, calendar=ctx.calendar)
    settle(case=case, policy=ctx.policy, ladder=ladder, now=ctx.now)
    # The level goes out with the case's own UPDATE; its schedule row needs the case's id.
    next_action_at = escalation.next_action(
        session=ctx.session, case=case, now=ctx.now, policy=ladder
    )
    ctx.session.add(case)
    ctx.session.flush()  # a new case is inserted whole here, and gets the id its event needs
    schedule.write(session=ctx.session, case_id=case.id, at=next_action_at)
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
    notice = {"session": ctx.session, "case": case, "action": action, "data": data}
    citizen_notices.notify(**notice, now=ctx.now, base_url=ctx.base_url, sms=ctx.sms)
    notices.create(**notice, now=ctx.now, calendar=ctx.calendar, base_url=ctx.base_url)
    ping_pong.notify(**notice, now=ctx.now, base_url=ctx.base_url)


def settle(*, case: Case, policy: Policy, ladder: EscalationPolicy, now: datetime) -> None:
    """After any change: the deadline in force and the promised date (the sweep's schedule is
    written once the case has its id: _record). Reads nothing."""
    case.due_at = deadlines.due_for(case=case, policy=policy, calendar=ladder.calendar)
    case.promised_at = promised.promised_for(case=case, policy=policy, calendar=ladder.calendar)
    case.updated_at = now


def received(
    *, case: Case, policies: PolicySet | None, ladder: EscalationPolicy, now: datetime
) -> Policy:
    """A new case in `received` (not yet inserted): its policy version, running clock, deadline
    and promised date, as open_case sets them; the policy in force."""
    policy = (policies or policy_data.default()).in_force(
        case.kind, deadlines.local_date(case.received_at), case.instance
    )
    case.policy_version = policy.version
    e.start_clock(case, case.received_at, "receipt")
    case.status = S.received
    settle(case=case, policy=policy, ladder=ladder, now=now)
    return policy


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
        raise Forbidden(f"a {actor.role} may not {action} a case", code="case.not_allowed")
    if action == "conclude":
        return  # workflows/inspections checks membership before calling
    if not _in_reach(session=session, case=case, actor=actor):
        if actor.role == Role.head:
            raise Forbidden("the case belongs to an agency outside yours", code="case.not_allowed")
        raise Forbidden("the case belongs to another agency", code="case.not_allowed")


def _in_reach(
    *, session: Session, case: Case, actor: User, ids: Collection[int] | None = None
) -> bool:
    """Whether the case's agency is the actor's to act on: a head's subtree, an officer's
    or clerk's own agency; administrators and inspectors anywhere (their role decides)."""
    if actor.role in (Role.admin, Role.inspector):
        return True
    if actor.role == Role.head:
        if actor.agency_id is None:
            return False
        if ids is None:
            ids = agencies.subtree_ids(session=session, agency_id=actor.agency_id)
        return case.agency_id in ids
    return actor.agency_id == case.agency_id


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors()
    )
