"""What intake reads on every request but an administrator changes rarely, kept per process:
the agency tree, the working-day calendar and the escalation ladder counting on it.

Each copy carries the generation it was read at (`reference_generation`, migration 0021:
triggers give the row a new random value in the transaction of any change to `agencies` or
`calendar_days`). `current()` reads that one value, in the caller's transaction, and reads the
tables again when it differs, so a change made through any process is seen by every other at
its next request (tests/test_serve_shared_state.py), and a transaction sees its own changes.
"""

import threading
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from workflows.deadlines import calendar as calendars
from workflows.escalation import sweep as escalation
from workflows.escalation.ladder import Policy

_GENERATION = text("SELECT value FROM reference_generation WHERE name = 'reference'")
_AGENCIES = text("SELECT id, parent_id, name, remote_area, dissolved_at FROM agencies")


@dataclass(frozen=True)
class AgencyFacts:
    id: int
    parent_id: int | None
    name: str
    remote_area: bool
    dissolved: bool


@dataclass
class Reference:
    generation: int | None
    agencies: dict[int, AgencyFacts]
    calendar: calendars.WorkingCalendar
    ladder: Policy  # the escalation ladder counting working days on `calendar`
    _children: dict[int, list[int]] = field(default_factory=dict)

    def subtree_ids(self, agency_id: int) -> list[int]:
        """The agency and every agency below it (as workflows.org.agencies.subtree_ids)."""
        if not self._children:
            children: dict[int, list[int]] = {}
            for facts in self.agencies.values():
                if facts.parent_id is not None:
                    children.setdefault(facts.parent_id, []).append(facts.id)
            self._children = children
        out, todo = [], [agency_id] if agency_id in self.agencies else []
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(self._children.get(node, ()))
        return out


_lock = threading.Lock()
_copies: dict[str, Reference] = {}  # per database (tests run several in one process)


def current(*, session: Session) -> Reference:
    """The reference data as of the caller's transaction (one small read when unchanged)."""
    generation = session.execute(_GENERATION).scalar()
    database = str(session.get_bind().url)
    cached = _copies.get(database)
    if cached is not None and generation is not None and cached.generation == generation:
        return cached
    fresh = _load(session=session, generation=generation)
    if generation is not None:  # no row (a wiped test database): nothing to key a copy by
        with _lock:
            _copies[database] = fresh
    return fresh


def _load(*, session: Session, generation: int | None) -> Reference:
    agencies = {
        row.id: AgencyFacts(
            id=row.id,
            parent_id=row.parent_id,
            name=row.name,
            remote_area=bool(row.remote_area),
            dissolved=row.dissolved_at is not None,
        )
        for row in session.execute(_AGENCIES)
    }
    calendar = calendars.load(session=session)
    return Reference(
        generation=generation,
        agencies=agencies,
        calendar=calendar,
        ladder=escalation.policy_for(session=session, calendar=calendar),
    )


def clear() -> None:
    """Forget every copy."""
    with _lock:
        _copies.clear()
