"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the connection settings each database needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # A database that does not answer fails a request in seconds (503), not minutes.
    kwargs.setdefault("pool_timeout", 10)
    kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    return create_engine(url, pool_pre_ping=True, **kwargs)


CONNECT_TIMEOUT_SECONDS = 3


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and one writer at a time (BEGIN IMMEDIATE); a connection marked
    read-only (`reading(engine)`) begins deferred and never waits: WAL readers read the last
    commit while a writer works."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds A-Z only: "ĐƠN" stayed "ĐƠN" and a search typed in
        # capitals missed "Đơn". Python's folds every letter, as PostgreSQL's does.
        dbapi_conn.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        options = conn.get_execution_options()
        if options.get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


READ_ONLY = "dondoc_read_only"


def reading(engine: Engine) -> Engine:
    """The engine for work that only reads (GET requests, reports): on SQLite its
    transactions begin deferred, so they neither wait for the writer nor hold it up."""
    return engine.execution_options(**{READ_ONLY: True})


@lru_cache
def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgres(engine_or_session) -> bool:
    bind = getattr(engine_or_session, "bind", None) or engine_or_session
    return bind.dialect.name == "postgresql"
