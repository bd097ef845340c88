"""Checking a whole register and writing its good rows in bulk, in the caller's transaction.

Rows are written a batch at a time with one statement per table (COPY on PostgreSQL, one
executemany on SQLite: workflows/escalation/batch_sql.py), never one ORM intake per row. The
case codes are taken as one block per prefix from the gap-free counters.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import Agency, Case, CaseEvent, CaseSchedule, CodeCounter, EscalationStep
from workflows.cases.intake import PREFIXES
from workflows.deadlines import calendar as calendars
from workflows.deadlines import dates as deadlines
from workflows.deadlines.policies import PolicySet
from workflows.escalation.batch_sql import insert_rows
from workflows.escalation.sweep import policy_for
from workflows.imports.history import plan_case
from workflows.imports.reading import Register
from workflows.imports.rows import Checker, ImportRow, Refusal

BATCH = 2000


@dataclass
class ImportReport:
    """What an import did (or, checking only, would do)."""

    rows: int = 0
    imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # imported before
    refused: list[Refusal] = field(default_factory=list)
    written: bool = False
    by_status: Counter = field(default_factory=Counter)

    @property
    def accepted(self) -> int:
        """Rows that passed every check and were not imported before."""
        return self.rows - len(self.skipped) - len(self.refused)


def check_register(
    *, session: Session, register: Register, now: datetime, policies: PolicySet
) -> tuple[list[ImportRow], ImportReport]:
    """Every row checked: the good rows not imported before, and the report."""
    agencies = list(session.scalars(sa.select(Agency)))
    checker = Checker(agencies=agencies, policies=policies, now=now)
    known = set(session.scalars(sa.select(Case.source_ref).where(Case.source_ref.is_not(None))))
    report = ImportReport(rows=len(register.rows))
    good: list[ImportRow] = []
    for line, raw in register.rows:
        result = checker.check(line, raw)
        if isinstance(result, Refusal):
            report.refused.append(result)
        elif result.source_ref in known:
            report.skipped.append((line, result.source_ref))
        else:
            good.append(result)
            report.by_status[str(result.status)] += 1
    return good, report


def import_register(
    *,
    session: Session,
    register: Register,
    now: datetime,
    actor_id: int | None,
    origin: str,
    partial: bool,
    policies: PolicySet,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write the good rows of `register` (all or none unless `partial`); the report.

    Without `partial`, one refused row means nothing is written. The caller commits.
    """
    good, report = check_register(session=session, register=register, now=now, policies=policies)
    if report.refused and not partial:
        return report
    calendar = calendars.load(session=session)
    ladder = policy_for(session=session, calendar=calendar)
    codes = _take_codes(session=session, rows=good, year=deadlines.local_date(now).year)
    conn = session.connection()
    due_cache: dict = {}
    for start in range(0, len(good), BATCH):
        batch = good[start : start + BATCH]
        planned = [
            plan_case(row=row, code=next(codes[row.kind]), policies=policies, calendar=calendar,
                      ladder=ladder, now=now, actor_id=actor_id, origin=origin,
                      due_cache=due_cache)
            for row in batch
        ]  # fmt: skip
        insert_rows(conn, Case.__table__, [p.case for p in planned])
        refs = [row.source_ref for row in batch]
        query = sa.select(Case.source_ref, Case.id).where(Case.source_ref.in_(refs))
        ids = dict(conn.execute(query).all())
        events, steps, schedule = [], [], []
        for row, plan in zip(batch, planned, strict=True):
            case_id = ids[row.source_ref]
            events += [{**event, "case_id": case_id} for event in plan.events]
            steps += [{**step, "case_id": case_id} for step in plan.steps]
            if plan.next_action_at is not None:
                schedule.append({"case_id": case_id, "next_action_at": plan.next_action_at})
        insert_rows(conn, CaseEvent.__table__, events)
        insert_rows(conn, EscalationStep.__table__, steps)
        insert_rows(conn, CaseSchedule.__table__, schedule)
        report.imported += len(batch)
        if progress is not None:
            progress(len(batch))
    report.written = report.imported > 0
    return report


def _take_codes(*, session: Session, rows: list[ImportRow], year: int) -> dict:
    """A block of gap-free codes per kind, taken from the counters in one statement each."""
    wanted = Counter(row.kind for row in rows)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = CodeCounter.__table__
    codes = {}
    for kind, count in wanted.items():
        prefix = PREFIXES[kind]
        last = session.execute(
            dialect.insert(table)
            .values(prefix=prefix, year=year, value=count)
            .on_conflict_do_update(
                index_elements=["prefix", "year"], set_={"value": table.c.value + count}
            )
            .returning(table.c.value)
        ).scalar_one()
        codes[kind] = iter([f"{prefix}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)])
    return codes
