"""The rows a batch of due steps writes: for each step its record, its event and one outbox row
per person told; for each case its new schedule, and its new level when a step raised it.
Collected per table, written by the caller in one statement each
(workflows/escalation/sweep.py apply_batch)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from workflows.deadlines.mail_facts import case_facts
from workflows.escalation.ladder import Applied, Plan, Step
from workflows.escalation.mail import notification_row
from workflows.escalation.targets import Tree


@dataclass
class BatchWrites:
    tree: Tree
    now: datetime
    send_after: datetime | None  # quiet hours: when the mail may go (None: at once)
    base_url: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    mails: list[dict[str, Any]] = field(default_factory=list)
    # Only the cases whose level or long-pending flag changed: a reminder writes no case.
    cases: list[dict[str, Any]] = field(default_factory=list)
    schedule: dict[int, datetime | None] = field(default_factory=dict)  # None: off it
    flagged: int = 0

    def stop(self, case: Row) -> None:
        """A case no longer running: the sweep stops looking at it."""
        self.schedule[case.id] = None

    def add(self, case: Row, *, key: str, done: dict[str, Applied], plan: Plan) -> None:
        """The due steps of `plan` for a running case, and when to look at it next.

        Several steps fall due at once when sweeps were missed (a server down for days, a
        backlog case registered long after its deadline). Each is recorded, but each person is
        told once, by the latest of them that concerns them: no "due in three days" reminder
        for a case already overdue. The earlier step's record names who it did not mail and
        which step told them instead.
        """
        level = max((a.level or 0 for a in done.values()), default=0)
        long_pending, context_case = case.long_pending, None
        send_after = self.send_after.isoformat() if self.send_after else None
        resolved = [
            self.tree.resolve(
                targets=step.notify, agency_id=case.agency_id, assignee_id=case.assignee_id
            )
            for step, _ in plan.due
        ]
        last_step_for = {  # user id -> the latest due step that tells them
            person.user_id: step.key
            for (step, _), people in zip(plan.due, resolved, strict=True)
            for _, person in people.people
        }
        for (step, scheduled_at), people in zip(plan.due, resolved, strict=True):
            told = [(t, p) for t, p in people.people if last_step_for[p.user_id] == step.key]
            if told and context_case is None:
                context_case = case_facts(
                    case=case,
                    agency_name=self.tree.name(case.agency_id),
                    now=self.now,
                    base_url=self.base_url,
                )
            for target, person in told:
                self.mails.append(
                    notification_row(
                        case=case,
                        key=key,
                        step=step,
                        target=target,
                        person=person,
                        now=self.now,
                        send_after=self.send_after,
                        context_case=context_case,
                        tree=self.tree,
                    )  # fmt: skip
                )
            level = max(level, step.level or 0)
            if step.long_pending:
                long_pending = True
                self.flagged += 1
            data = {
                "step": step.key,
                "level": step.level,
                "deadline": key,
                "scheduled_at": scheduled_at.isoformat(),
                "notified": [{"target": t, "user_id": p.user_id, "name": p.name} for t, p in told],
                "skipped": people.skipped,
                "send_after": send_after,
            }
            superseded = [
                {"target": t, "user_id": p.user_id, "name": p.name, "by": last_step_for[p.user_id]}
                for t, p in people.people
                if last_step_for[p.user_id] != step.key
            ]
            if superseded:
                data["superseded"] = superseded
            self.steps.append(
                dict(
                    case_id=case.id,
                    deadline_key=key,
                    step=step.key,
                    level=step.level,
                    scheduled_at=scheduled_at,
                    applied_at=self.now,
                    data=data,
                )  # fmt: skip
            )
            self.events.append(
                dict(
                    case_id=case.id,
                    at=self.now,
                    actor_id=None,
                    action=event_action(step),
                    from_status=case.status,
                    to_status=case.status,
                    agency_id=case.agency_id,
                    data=data,
                )  # fmt: skip
            )
        self.schedule[case.id] = plan.next_at
        if (level, long_pending) != (case.escalation_level, case.long_pending):
            # The same columns for every case of a batch, so that one UPDATE sets them all.
            self.cases.append(
                {"id": case.id, "escalation_level": level, "long_pending": long_pending}
            )


def event_action(step: Step) -> str:
    if step.long_pending:
        return "flagged_for_inspection"
    return "escalation" if (step.level or 0) > 0 else "reminder"
