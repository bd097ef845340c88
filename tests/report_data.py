"""A generated set of cases in varied states and ages, inserted directly as rows."""

import random
from datetime import datetime, timedelta

from sqlmodel import Session

from models import Agency, Case, CaseEvent, CaseKind, CaseStatus, Channel

STATUSES = list(CaseStatus)


def make_cases(
    session: Session, agencies: list[Agency], now: datetime, n: int = 400, seed: int = 7
) -> tuple[list[Case], list[CaseEvent]]:
    """`n` cases over five years with due dates, resolutions, pauses, transfers, escalations."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        received = now - timedelta(days=rng.uniform(0, 5 * 365), seconds=rng.randint(0, 86399))
        status = rng.choice(STATUSES)
        due = received + timedelta(days=rng.randint(5, 120)) if rng.random() < 0.9 else None
        case = Case(
            code=f"T-{i:05d}",
            kind=rng.choice(list(CaseKind)),
            status=status,
            title=f"Đơn số {i}",
            channel=Channel.in_person,
            citizen_name=f"Công dân {i}",
            agency_id=rng.choice(agencies).id,
            received_at=received,
            due_at=due,
            transfer_count=(transfers := rng.choice([0, 0, 0, 1, 2, 3])),
            ping_pong=transfers >= 2 and rng.random() < 0.5,
            escalation_level=rng.choice([0, 0, 0, 1, 2]),
            updated_at=now,
        )
        if status in (CaseStatus.resolved, CaseStatus.closed):
            resolved = min(now, received + timedelta(days=rng.uniform(0, 200)))
            case.resolved_at = resolved
            choice = rng.random()
            if choice < 0.1:
                case.resolved_due_at = None  # an imported case without a recorded deadline
            elif choice < 0.2:
                case.resolved_due_at = resolved  # resolved on the last instant: on time
            else:
                case.resolved_due_at = received + timedelta(days=rng.randint(5, 120))
        if status == CaseStatus.on_hold and due is not None:
            case.paused_at = received + timedelta(days=rng.uniform(0, 150))
        cases.append(case)
    session.add_all(cases)
    session.commit()
    events = []
    for case in rng.sample(cases, n // 3):
        action = rng.choice(["transfer", "transfer", "escalation_step", "accept"])
        events.append(
            CaseEvent(
                case_id=case.id,
                at=case.received_at + timedelta(days=rng.uniform(0, 60)),
                action=action,
                agency_id=rng.choice([None, rng.choice(agencies).id]),
            )
        )
    session.add_all(events)
    session.commit()
    return cases, events
