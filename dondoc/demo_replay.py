"""Replays the demo stories in time order through the domain, as the running system would have.

Each case is registered with `workflows.cases.intake` at its receipt instant and each act is
applied with `workflows.cases.lifecycle.apply` at its own instant, so deadlines, events, policy
versions, escalation scheduling and citizen emails are the ones the product computes. Between
acts, the escalation ladder is applied at every instant a step fell due (the sweep's
`workflows.escalation.sweep.apply_batch`), and the outbox is delivered
(`notifications.delivery.deliver_due`) whenever mail was written: reminders, escalations,
long-pending flags and emails carry the dates they would have had.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from core.settings import Settings
from dondoc.demo_cases import Story
from models import Agency, Case, CaseCreate, CaseSchedule, User
from notifications.delivery import deliver_due
from workflows.cases import intake, lifecycle
from workflows.escalation import sweep as escalation


@dataclass
class Replayed:
    case_ids: list[int] = field(default_factory=list)  # in the order of the stories
    sweeps: int = 0
    steps: int = 0
    flagged: int = 0
    delivered: int = 0
    milestones: list = field(default_factory=list)  # what each milestone returned, in order


def replay(
    *,
    session: Session,
    settings: Settings,
    stories: list[Story],
    agencies: dict[str, Agency],
    people: dict[str, User],
    until: datetime,
    milestones: Sequence[tuple[datetime, Callable[[datetime], object]]] = (),
) -> Replayed:
    """Register and act out `stories` in time order, sweeping and delivering up to `until`.

    `milestones` are changes of the world at their instant (a reorganisation), called with
    that instant between the stories' acts. Commits as it goes (delivery reads committed
    rows); `until` is the present.
    """
    timeline = []
    for n, story in enumerate(stories):
        instants = [story.received_at, *(act.at for act in story.acts)]
        if (
            instants != sorted(instants)
            or len(set(instants)) != len(instants)
            or any(instant > until for instant in instants)
        ):
            raise ValueError(f"story {story.body['title']!r}: acts out of order or in the future")
        timeline += [(instant, n, k) for k, instant in enumerate(instants)]
    # Negative numbers stand for milestones: before any story at the same instant.
    timeline += [(at, -1 - m, 0) for m, (at, _) in enumerate(milestones) if at <= until]
    timeline.sort()

    result = Replayed(case_ids=[0] * len(stories))
    by_story: dict[int, Case] = {}
    for instant, n, k in timeline:
        _sweep_until(session, settings, instant, result)
        if n < 0:
            result.milestones.append(milestones[-1 - n][1](instant))
            session.commit()
            continue
        story = stories[n]
        if k == 0:
            data = {**story.body, "agency_id": agencies[story.agency].id}
            case = intake.intake(
                session=session,
                data=CaseCreate.model_validate({**data, "received_at": story.received_at}),
                actor=people[story.registered_by],
                now=instant,
                base_url=settings.base_url,
                sms=settings.sms_configured,
            ).case
            by_story[n], result.case_ids[n] = case, case.id
        else:
            act = story.acts[k - 1]
            case = by_story[n]
            lifecycle.apply(
                session=session,
                case=case,
                action=act.action,
                actor=people[act.actor],
                now=instant,
                base_url=settings.base_url,
                sms=settings.sms_configured,
                **_fields(act.fields, agencies, people),
            )
        if case.citizen_email:
            _deliver(session, settings, instant, result)
    _sweep_until(session, settings, until, result)
    _deliver(session, settings, until, result)
    return result


def _fields(fields: dict[str, Any], agencies: dict[str, Agency], people: dict[str, User]):
    """Names in the stories become ids: `agency` -> `agency_id`, `assignee` -> `assignee_id`."""
    out = dict(fields)
    if "agency" in out:
        out["agency_id"] = agencies[out.pop("agency")].id
    if "assignee" in out:
        out["assignee_id"] = people[out.pop("assignee")].id
    return out


def _sweep_until(session: Session, settings: Settings, until: datetime, result: Replayed):
    """Apply every ladder step due up to `until`, each at the instant it fell due."""
    previous = None
    while True:
        first = session.scalar(select(func.min(CaseSchedule.next_action_at)))
        if first is None or first > until:
            return
        if previous is not None and first <= previous:
            raise RuntimeError(f"the escalation sweep did not move past {first.isoformat()}")
        due = escalation.due_case_ids(session=session, as_of=first)
        batch = escalation.apply_batch(
            session=session, case_ids=due, now=first, base_url=settings.base_url
        )
        # The sweep updates the due cases in bulk: reload them before an act reads them.
        for case_id in due:
            case = session.identity_map.get(identity_key(Case, case_id))
            if case is not None:
                session.expire(case)
        result.sweeps += 1
        result.steps += batch.steps
        result.flagged += batch.flagged
        if batch.notifications:
            _deliver(session, settings, first, result)
        previous = first


def _deliver(session: Session, settings: Settings, now: datetime, result: Replayed) -> None:
    session.commit()
    report = deliver_due(engine=session.get_bind(), settings=settings, now=now)
    result.delivered += report.sent
