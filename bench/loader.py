"""Bulk loading: PostgreSQL COPY, SQLite executemany in large transactions.

Rows are dicts keyed by column name. Columns of the live table that a row does not carry
(added by later migrations) are left out when they are nullable or have a server default,
and filled with the model's default otherwise, so new columns do not break the generator.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

import models
from models.base import UTCDateTime


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # The format SQLAlchemy's SQLite DateTime writes, so string comparisons order correctly.
    return value.isoformat(sep=" ", timespec="microseconds")[:26]


def _fallback(column: sa.Column):
    """A value for a NOT NULL column the generator does not know about."""
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg
    if default is not None and getattr(default, "is_callable", False):
        return default.arg(None)
    python_type = (
        getattr(column.type, "python_type", str)
        if not isinstance(column.type, UTCDateTime)
        else datetime
    )
    return {int: 0, bool: False, str: "", float: 0.0, datetime: datetime.now(UTC), dict: {}}.get(
        python_type, ""
    )


def _row_builder(columns, converters, extra, keys) -> Callable[[dict], tuple]:
    """A compiled `row -> tuple` for these columns (a generic loop costs as much as the SQL)."""
    scope = {"extra": extra}
    parts = []
    for i, (name, conv) in enumerate(zip(columns, converters, strict=True)):
        value = f"row[{name!r}]" if name in keys else f"extra[{name!r}]"
        if conv is not None:
            scope[f"c{i}"] = conv
            value = f"c{i}({value})"
        parts.append(value)
    return eval(f"lambda row: ({', '.join(parts)},)", scope)  # noqa: S307 (names from the schema)


class BulkLoader:
    """Writes rows into one database; `load(table, rows)` returns the number written."""

    def __init__(self, engine: Engine, batch: int = 50_000):
        self.engine = engine
        self.batch = batch
        self.postgres = engine.dialect.name == "postgresql"
        self.live = {
            t: sa.inspect(engine).get_columns(t) for t in sa.inspect(engine).get_table_names()
        }

    def _plan(
        self, table: str, keys: Iterable[str]
    ) -> tuple[list[str], list[Callable | None], dict]:
        model = models.metadata.tables[table]
        keys = set(keys)
        columns, extra = [], {}
        for live in self.live[table]:
            name = live["name"]
            if name in keys:
                columns.append(name)
            elif (
                not live["nullable"]
                and live.get("default") is None
                and live.get("autoincrement") is not True
            ):
                if name in model.c:
                    extra[name] = _fallback(model.c[name])
                    columns.append(name)
                else:
                    raise SystemExit(f"{table}.{name} is NOT NULL and unknown to the models")
        converters = []
        for name in columns:
            kind = model.c[name].type if name in model.c else None
            if isinstance(kind, UTCDateTime) and not self.postgres:
                converters.append(_sqlite_time)
            elif isinstance(kind, sa.JSON):
                converters.append(lambda v: v if isinstance(v, str) or v is None else json.dumps(v))
            else:
                converters.append(None)
        return columns, converters, extra

    @contextmanager
    def indexes_dropped(self, tables: list[str]) -> Iterator[None]:
        """Drop the non-unique indexes of `tables` for the load and build them after: one
        sort per index instead of a B-tree insert per row. On PostgreSQL each index is
        rebuilt from its own definition (partial and expression indexes included) with a
        large sort memory; on SQLite from its columns."""
        if self.postgres:
            with self.engine.connect() as conn:
                dropped = conn.execute(
                    sa.text(
                        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                        "JOIN pg_class c ON c.relname = i.indexname "
                        "JOIN pg_index x ON x.indexrelid = c.oid "
                        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:t) "
                        "AND c.relnamespace = current_schema()::regnamespace "
                        "AND NOT x.indisunique"
                    ),
                    {"t": tables},
                ).all()
        else:
            dropped = [
                (
                    index["name"],
                    f"CREATE INDEX {index['name']} ON {table} ({', '.join(index['column_names'])})",
                )
                for table in tables
                for index in sa.inspect(self.engine).get_indexes(table)
                if not index["unique"] and all(index["column_names"])
            ]
        with self.engine.begin() as conn:
            for name, _ in dropped:
                conn.exec_driver_sql(f"DROP INDEX {name}")
        try:
            yield
        finally:
            with self.engine.begin() as conn:
                if self.postgres:
                    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
                for _, definition in dropped:
                    conn.exec_driver_sql(definition)

    def load(self, table: str, rows: Iterable[dict]) -> int:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        columns, converters, extra = self._plan(table, first.keys())
        as_tuple = _row_builder(columns, converters, extra, first.keys())

        def tuples():
            yield as_tuple(first)
            for row in rows:
                yield as_tuple(row)

        raw = self.engine.raw_connection()
        try:
            if self.postgres:
                return self._copy(raw, table, columns, tuples())
            return self._executemany(raw, table, columns, tuples())
        finally:
            raw.close()

    def _copy(self, raw, table, columns, tuples) -> int:
        count = 0
        conn = raw.driver_connection
        with conn.cursor() as cursor:
            # The generator's rows are consistent by construction: skip the per-row foreign
            # key triggers when allowed (superuser); otherwise they run, only slower.
            try:
                cursor.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not permitted: keep the checks
                conn.rollback()
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in tuples:
                copy.write_row(row)
                count += 1
        conn.commit()
        with conn.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
        conn.commit()
        return count

    def _executemany(self, raw, table, columns, tuples) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        cursor = raw.cursor()
        # For the load only (this connection): no fsync, a large page cache.
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-200000")
        count, chunk = 0, []
        cursor.execute("BEGIN")
        for row in tuples:
            chunk.append(row)
            if len(chunk) >= self.batch:
                cursor.executemany(sql, chunk)
                cursor.execute("COMMIT")  # a commit per batch keeps the WAL file small
                cursor.execute("BEGIN")
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-2000")
        cursor.close()
        return count
