"""The ceiling for intake: the same stack (uvicorn, FastAPI, SQLAlchemy engine and session,
same database) with an endpoint that validates nothing and inserts one row."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import Body, FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api.deps import SessionDep
from core.settings import get_settings
from models.db import engine_for


def _table() -> None:
    engine = engine_for(get_settings().database_url)
    key = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS bench_bare (id {key} PRIMARY KEY, "
                "title VARCHAR(500) NOT NULL, body TEXT NOT NULL, created_at VARCHAR(40) NOT NULL)"
            )
    except IntegrityError:  # PostgreSQL: another worker process created it at the same moment
        pass


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    _table()
    yield


app = FastAPI(lifespan=_lifespan)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/bare/cases", status_code=201)
def bare_insert(session: SessionDep, body: dict[str, Any] = Body(...)) -> dict[str, int]:
    row = session.execute(
        text("INSERT INTO bench_bare (title, body, created_at) VALUES (:t, :b, :c) RETURNING id"),
        {
            "t": str(body.get("title", ""))[:500],
            "b": str(body),
            "c": datetime.now(UTC).isoformat(),
        },  # fmt: skip
    ).scalar_one()
    session.commit()
    return {"id": row}
