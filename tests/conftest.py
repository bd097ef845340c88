"""Test database per run (SQLite file or a PostgreSQL schema), cleaned after each test.

DONDOC_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test runs the same tests on
PostgreSQL, each run in a schema of its own so parallel runs cannot see each other's rows.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="dondoc-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

import models  # noqa: E402
from core.settings import get_settings  # noqa: E402
from migrations import upgrade  # noqa: E402
from models.db import engine_for  # noqa: E402

TEST_DB = os.environ.get("DONDOC_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DB.startswith("postgres")
OUTPUT_DIR = Path(os.environ.get("DONDOC_TEST_OUTPUT", "test-output"))


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DONDOC_TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip)


def _postgres_schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database (a SQLite file in `folder`, or a PostgreSQL schema of
    its own), removed afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DB.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield _postgres_schema_url(TEST_DB, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A migrated, empty database for this test run."""
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        upgrade(url)
        yield url
        engine_for(url).dispose()


def _wipe(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(models.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        # Twice: the first pass's deletes of cases and events fire the triggers that keep
        # report_months (migration 0025), which may write it again after it was emptied.
        for table in tables + tables:
            cursor.execute(f"DELETE FROM {table}")
        raw.commit()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
    finally:
        raw.close()


@pytest.fixture
def engine(database_url):
    """The test database engine; every row is removed after the test."""
    engine = engine_for(database_url)
    yield engine
    _wipe(engine)


@pytest.fixture
def session(engine):
    """A session for the test's own reads and setup: every statement commits at once, so it
    never holds a lock against the application and always reads what was last committed."""
    with Session(engine.execution_options(isolation_level="AUTOCOMMIT")) as session:
        yield session


@pytest.fixture
def settings(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    monkeypatch.setenv("DONDOC_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DONDOC_SECRET_KEY", "test-secret-" + uuid.uuid4().hex)
    monkeypatch.setenv("DONDOC_SCHEDULER_ENABLED", "false")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def client(settings, engine):
    from api.main import create_app

    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def story(session):
    """Seed 002's Thái Nguyên: its agencies and heads, the inspection team, four long-pending
    cases (tests/inspection_factories.py)."""
    from tests.inspection_factories import thai_nguyen

    return thai_nguyen(session)


@pytest.fixture
def now() -> datetime:
    """A fixed instant: Monday 2026-03-02 09:00 in Hà Nội."""
    return datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def output_dir(request) -> Path:
    """Where a test saves what a person would look at (screenshots, emails)."""
    path = OUTPUT_DIR / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path
