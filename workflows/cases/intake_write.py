"""Intake's writes in SQLAlchemy Core: the case with its gap-free code, its first event, its
time in the sweep's schedule and, when one is owed, the citizen's receipt in the outbox.

PostgreSQL: one statement, so one round trip, with data-modifying CTEs: the code counter's
upsert (its row stays locked until commit), the case, its event, its schedule row and the
outbox row, which read the new case's id and code from the CTE before them. The receipt's
context is built in Python before the id and code exist, with per-call markers the statement
replaces.
SQLite: the same rows by one Core statement each (no data-modifying CTEs; no network).
"""

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, TextClause, bindparam, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from models import Case, CaseEvent, CaseSchedule, CodeCounter, Notification
from notifications import outbox

CASES, EVENTS, OUTBOX = Case.__table__, CaseEvent.__table__, Notification.__table__
SCHEDULE = CaseSchedule.__table__
CASE_COLUMNS = tuple(c.name for c in CASES.columns if c.name not in ("id", "code"))
EVENT_COLUMNS = tuple(c.name for c in EVENTS.columns if c.name not in ("id", "case_id"))
# Written from the new case's id (and, in the context, its code) inside the statement.
OUTBOX_SET_IN_SQL = ("id", "idempotency_key", "case_id", "context")
OUTBOX_COLUMNS = tuple(c.name for c in OUTBOX.columns if c.name not in OUTBOX_SET_IN_SQL)

# The parameters that may be written as a NULL literal when None: not the JSON ones (None
# is the JSON value null there, not SQL NULL).
_PLAIN = frozenset(
    f"{tag}_{name}"
    for tag, table, names in (
        ("c", CASES, CASE_COLUMNS),
        ("e", EVENTS, EVENT_COLUMNS),
        ("n", OUTBOX, OUTBOX_COLUMNS),
    )  # fmt: skip
    for name in names
    if not isinstance(table.c[name].type, JSON)
)

# A message for the new case: given the case (or a stand-in carrying its id and code), the
# outbox row's fields (citizen_notices.message).
MessageFor = Callable[[Any], dict[str, Any]]


def insert(
    *,
    session: Session,
    case: Case,
    prefix: str,
    year: int,
    event: dict[str, Any],
    message_for: MessageFor | None,
    next_action_at: datetime | None,
) -> None:
    """Insert `case` with the next code of `prefix` in `year`, its event (`event`: the
    case_events columns but case_id), its schedule row when the sweep is to look at it at
    `next_action_at`, and the message, if any; sets case.id and case.code."""
    if session.get_bind().dialect.name == "postgresql":
        _insert_postgresql(session, case, prefix, year, event, message_for, next_action_at)
    else:
        _insert_sqlite(session, case, prefix, year, event, message_for, next_action_at)


def _code(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"


def _insert_sqlite(session, case, prefix, year, event, message_for, next_action_at) -> None:
    conn = session.connection()
    value = conn.execute(_sqlite_counter(), {"prefix": prefix, "year": year}).scalar_one()
    case.code = _code(prefix, year, value)
    values = {name: getattr(case, name) for name in CASE_COLUMNS}
    case.id = conn.execute(_sqlite_case(), {**values, "code": case.code}).scalar_one()
    conn.execute(EVENTS.insert(), {**event, "case_id": case.id})
    if next_action_at is not None:
        conn.execute(SCHEDULE.insert(), {"case_id": case.id, "next_action_at": next_action_at})
    if message_for is not None:
        conn.execute(_sqlite_outbox(), outbox.row(**message_for(case)))


def _insert_postgresql(session, case, prefix, year, event, message_for, next_action_at) -> None:
    params: dict[str, Any] = {"prefix": prefix, "year": year, "code_prefix": f"{prefix}-{year}-"}
    if next_action_at is not None:
        params["s_next_action_at"] = next_action_at
    params.update({f"c_{name}": getattr(case, name) for name in CASE_COLUMNS})
    params.update({f"e_{name}": event[name] for name in EVENT_COLUMNS})
    if message_for is not None:
        marks = _Marks()
        fields = message_for(marks.stand_in(case))
        params.update({f"n_{k}": v for k, v in _outbox_row(fields).items()})
        params["n_key"] = fields["key"].replace(marks.id, "{id}")
        params["n_context"] = json.dumps(fields["context"], ensure_ascii=False)
        params["id_mark"], params["code_mark"] = marks.id, marks.code
        params["id_mark_quoted"] = json.dumps(marks.id)
    # The columns left empty are written as NULL in the statement's text, not as parameters:
    # psycopg parses a statement of more than 50 parameters anew on every call (0.5 ms of
    # CPU for this one), one of fewer once per connection's process.
    nulls = frozenset(name for name, value in params.items() if value is None and name in _PLAIN)
    for name in nulls:
        del params[name]
    statement = _pg_statement(message_for is not None, next_action_at is not None, nulls)
    row = session.connection().execute(statement, params).one()
    case.id, case.code = row.id, row.code


class _Marks:
    """Markers for the new case's id and code in a message built before they exist: random
    per call, so no text a citizen typed can contain them."""

    def __init__(self) -> None:
        token = uuid.uuid4().hex
        self.id, self.code = f"id{token}", f"code{token}"

    def stand_in(self, case: Case) -> Any:
        marks = self

        class StandIn:
            def __getattr__(self, name: str) -> Any:
                if name == "id":
                    return marks.id
                if name == "code":
                    return marks.code
                return getattr(case, name)

        return StandIn()


def _outbox_row(fields: dict[str, Any]) -> dict[str, Any]:
    values = outbox.row(**fields)
    return {name: values.get(name) for name in OUTBOX_COLUMNS}  # None: last_error, sent_at


@lru_cache
def _sqlite_counter():
    table = CodeCounter.__table__
    return (
        sqlite.insert(table)
        .values(prefix=bindparam("prefix"), year=bindparam("year"), value=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )


@lru_cache
def _sqlite_case():
    return CASES.insert().returning(CASES.c.id)


@lru_cache
def _sqlite_outbox():
    return sqlite.insert(OUTBOX).on_conflict_do_nothing(index_elements=["idempotency_key"])


@lru_cache(maxsize=256)
def _pg_statement(
    with_message: bool, with_schedule: bool, nulls: frozenset[str] = frozenset()
) -> TextClause:
    """The statement; the parameters named in `nulls` are written as NULL (the few patterns
    of empty columns a new case has are each built once)."""

    def value(name: str) -> str:
        return "NULL" if name in nulls else f":{name}"

    case_names = ", ".join(("code", *CASE_COLUMNS))
    case_values = ", ".join(value(f"c_{name}") for name in CASE_COLUMNS)
    event_names = ", ".join(("case_id", *EVENT_COLUMNS))
    event_values = ", ".join(value(f"e_{name}") for name in EVENT_COLUMNS)
    sql = f"""
WITH counter AS (
    INSERT INTO code_counters (prefix, year, value) VALUES (:prefix, :year, 1)
    ON CONFLICT (prefix, year) DO UPDATE SET value = code_counters.value + 1
    RETURNING value
), new_case AS (
    INSERT INTO cases ({case_names})
    VALUES ((SELECT :code_prefix || lpad(value::text, greatest(6, length(value::text)), '0')
             FROM counter), {case_values})
    RETURNING id, code
), event AS (
    INSERT INTO case_events ({event_names})
    VALUES ((SELECT id FROM new_case), {event_values})
)"""
    if with_schedule:
        sql += """, schedule AS (
    INSERT INTO case_schedule (case_id, next_action_at)
    SELECT id, :s_next_action_at FROM new_case
)"""
    if with_message:
        outbox_names = ", ".join(("idempotency_key", "case_id", "context", *OUTBOX_COLUMNS))
        outbox_values = ", ".join(value(f"n_{name}") for name in OUTBOX_COLUMNS)
        sql += f""", outbox AS (
    INSERT INTO notifications ({outbox_names})
    SELECT replace(:n_key, '{{id}}', id::text), id,
           CAST(replace(replace(replace(:n_context, :id_mark_quoted, id::text),
                                :id_mark, id::text), :code_mark, code) AS jsonb),
           {outbox_values}
    FROM new_case
    ON CONFLICT (idempotency_key) DO NOTHING
)"""
    sql += "\nSELECT id, code FROM new_case"
    typed = [("c", CASES, CASE_COLUMNS), ("e", EVENTS, EVENT_COLUMNS)]
    if with_message:
        typed.append(("n", OUTBOX, OUTBOX_COLUMNS))
    if with_schedule:
        typed.append(("s", SCHEDULE, ("next_action_at",)))
    types = [
        bindparam(f"{tag}_{name}", type_=table.c[name].type)
        for tag, table, names in typed
        for name in names
        if f"{tag}_{name}" not in nulls
    ]
    return text(sql).bindparams(*types)
