"""Set-based writes for the batch jobs: one statement per table per batch, whatever its size.

The escalation sweep writes a step, an event and an outbox row for each of hundreds of cases
per batch, and updates each case. Issued row by row (or through the ORM's unit of work) that
is thousands of statements per sweep; here every table gets one:

- inserts on PostgreSQL are one `COPY … FROM STDIN` (a third to a half cheaper for the
  server than the same rows as INSERTs, even pipelined); where a unique key may already hold
  a row, the COPY goes to a temporary table and one INSERT … SELECT … ON CONFLICT DO NOTHING
  moves the rows over (half the cost of an executemany of the INSERT). On SQLite one
  executemany of one prepared INSERT (stepped in C, no round trips to save);
- updates of many rows by primary key are one `UPDATE … FROM` a relation of the new values:
  `unnest` of one array per column on PostgreSQL, `json_each` of one JSON document on SQLite.

Values are converted to what the driver stores by each column's own type (instants to UTC),
once per distinct instant: a batch shares a handful of them (its `now`, the steps' scheduled
times), and converting them row by row was a fifth of a sweep's time. JSON columns are
written with orjson (a sixth of the sweep's time with the standard library's encoder; the
text differs only in leaving non-ASCII letters unescaped, as JSON allows).
"""

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, DateTime, Integer, Table, any_, bindparam, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ColumnElement

# UPDATE … FROM arrived in SQLite 3.33 (2020); older libraries take the executemany path.
SQLITE_UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def id_in(column: ColumnElement, ids: list[int], dialect: Dialect) -> ColumnElement:
    """`column IN ids`; on PostgreSQL `= ANY(array)`: one parameter to bind and plan instead
    of a thousand."""
    if dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)


def insert_rows(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    skip_existing: tuple[str, ...] = (),
) -> int:
    """INSERT `rows` (dicts with the same keys) in one statement; the number written.

    With `skip_existing` (the columns of a unique key) a row whose key exists is not written
    (`ON CONFLICT (…) DO NOTHING`).
    """
    if not rows:
        return 0
    names = tuple(rows[0])
    values = _stored(rows, names, _converters(table, names, conn))
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, names, values, skip_existing)
    placeholder = _PLACEHOLDER[conn.dialect.paramstyle]  # sqlite3: qmark
    sql = _insert_sql(table, names, skip_existing, placeholder, conn.dialect)
    result = conn.exec_driver_sql(sql, values)
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def _copy(
    conn: Connection, table: Table, names: tuple[str, ...], values: list[tuple],
    skip_existing: tuple[str, ...],
) -> int:  # fmt: skip
    """COPY the rows in on the connection's own psycopg connection, in its transaction."""
    quote = conn.dialect.identifier_preparer.quote
    target, columns = quote(table.name), ", ".join(quote(n) for n in names)
    with conn.connection.driver_connection.cursor() as cursor:
        if not skip_existing:
            with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return len(values)
        staging = quote(f"incoming_{table.name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {target} WITH NO DATA"
        )
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        keys = ", ".join(quote(n) for n in skip_existing)
        cursor.execute(
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging} "
            f"ON CONFLICT ({keys}) DO NOTHING"
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")  # another batch may follow in this transaction
    return written


def update_rows(
    conn: Connection, table: Table, rows: list[dict[str, Any]], *, key: str = "id"
) -> None:
    """Set each row's columns on the row of `table` with the same `key`, in one statement.

    Every dict has the same keys: `key` and the columns to set.
    """
    if not rows:
        return
    columns = tuple(name for name in rows[0] if name != key)
    names = (key, *columns)
    if conn.dialect.name == "postgresql":
        values = _stored(rows, names, _converters(table, names, conn))
        arrays = zip(*values, strict=True)
        conn.execute(
            _pg_update(table, key, columns, conn.dialect),
            {f"p{n}": list(array) for n, array in enumerate(arrays)},
        )
    elif conn.dialect.name == "sqlite" and SQLITE_UPDATE_FROM:
        values = _stored(rows, names, _converters(table, names, conn))
        conn.execute(_sqlite_update(table, key, columns), {"rows": _json_text(values)})
    else:
        where = table.c[key] == bindparam("b_key")
        statement = update(table).where(where).values({c: bindparam(c) for c in columns})
        conn.execute(
            statement, [{"b_key": row[key], **{c: row[c] for c in columns}} for row in rows]
        )


def _stored(rows: list[dict[str, Any]], names: tuple[str, ...], converters) -> list[tuple]:
    """The rows as tuples of what the driver stores, in the order of `names`."""
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    convert = [(n, c) for n, c in enumerate(converters) if c is not None]
    if not convert:
        return [pick(row) for row in rows]
    stored = []
    for row in rows:
        values = list(pick(row))
        for n, c in convert:
            values[n] = c(values[n])
        stored.append(tuple(values))
    return stored


def _converters(table: Table, names: tuple[str, ...], conn: Connection) -> list[Callable | None]:
    """Per column: None (stored as given), JSON to text, or the type's own bind conversion,
    remembered per distinct value for instants (fresh for each statement)."""
    converters: list[Callable | None] = []
    for name in names:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converters.append(_json_text)
            continue
        process = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        instant = isinstance(getattr(column_type, "impl_instance", column_type), DateTime)
        converters.append(_remembered(process) if process and instant else process)
    return converters


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _remembered(process: Callable) -> Callable:
    seen: dict[Any, Any] = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = stored = process(value)
            return stored

    return convert


@lru_cache
def _insert_sql(
    table: Table, names: tuple[str, ...], skip_existing: tuple[str, ...], placeholder: str,
    dialect: Dialect,
) -> str:  # fmt: skip
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([placeholder] * len(names))})"
    )
    if skip_existing:
        sql += f" ON CONFLICT ({', '.join(quote(n) for n in skip_existing)}) DO NOTHING"
    return sql


@lru_cache
def _pg_update(table: Table, key: str, columns: tuple[str, ...], dialect: Dialect):
    names = (key, *columns)
    arrays = ", ".join(
        f"CAST(:p{n} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for n, name in enumerate(names)
    )
    sets = ", ".join(f"{name} = v.{name}" for name in columns)
    return text(
        f"UPDATE {table.name} SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) "
        f"WHERE {table.name}.{key} = v.{key}"
    )


@lru_cache
def _sqlite_update(table: Table, key: str, columns: tuple[str, ...]):
    names = (key, *columns)
    field = {name: f"json_extract(v.value, '$[{n}]')" for n, name in enumerate(names)}
    sets = ", ".join(f"{name} = {field[name]}" for name in columns)
    return text(
        f"UPDATE {table.name} SET {sets} FROM json_each(:rows) AS v "
        f"WHERE {table.name}.{key} = {field[key]}"
    )
