"""The ceiling for intake: the same stack (uvicorn, FastAPI, SQLAlchemy engine and session,
same database) with an endpoint that validates nothing and inserts one row.

`/bare/floor` is the floor under any intake with intake's rules on this stack: the same
database round trips intake needs (the signed-in session and its user from a JWT, the
Idempotency-Key's earlier case, the reference data's generation, the citizen's open cases
for the duplicate hint, one write, the commit), as plain SQL with no model, no validation
and no rule in Python. What intake spends beyond the floor is its own code; what the floor
spends beyond the bare insert is the price of the reads the rules need."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import jwt
from fastapi import Body, FastAPI, Header, HTTPException
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

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


def _insert(session: Session, body: dict[str, Any]) -> dict[str, int]:
    """The one row both endpoints write, and the commit."""
    row = session.execute(
        text("INSERT INTO bench_bare (title, body, created_at) VALUES (:t, :b, :c) RETURNING id"),
        {"t": str(body.get("title", ""))[:500], "b": str(body), "c": datetime.now(UTC).isoformat()},
    ).scalar_one()
    session.commit()
    return {"id": row}


@app.post("/bare/cases", status_code=201)
def bare_insert(session: SessionDep, body: dict[str, Any] = Body(...)) -> dict[str, int]:
    return _insert(session, body)


_SIGNED_IN = text(
    "SELECT u.id, u.role, u.agency_id, u.is_active FROM user_sessions s "
    "JOIN users u ON u.id = s.user_id "
    "WHERE s.id = :sid AND s.user_id = :uid AND s.ended_at IS NULL"
)
_BY_KEY = text("SELECT id, idempotency_hash, created_by_id FROM cases WHERE idempotency_key = :key")
_GENERATION = text("SELECT value FROM reference_generation WHERE name = 'reference'")
_CANDIDATES = text(
    "SELECT id, title FROM cases WHERE agency_id = :agency_id "
    "AND status IN ('received', 'accepted', 'on_hold') "
    "AND (phone_digits = :phone OR citizen_id_number = :id_number) "
    "ORDER BY received_at DESC, id DESC LIMIT 50"
)


@app.post("/bare/floor", status_code=201)
def floor_insert(
    session: SessionDep,
    body: dict[str, Any] = Body(...),
    authorization: str = Header(""),
    idempotency_key: str = Header(""),
) -> dict[str, int]:
    try:
        claims = jwt.decode(
            authorization.removeprefix("Bearer "),
            get_settings().secret_key,
            algorithms=["HS256"],
            options={"require": ["exp", "sid"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(401) from None
    user = session.execute(_SIGNED_IN, {"sid": claims["sid"], "uid": int(claims["sub"])}).first()
    if user is None:
        raise HTTPException(401)
    session.execute(_BY_KEY, {"key": idempotency_key}).first()
    session.execute(_GENERATION).scalar()
    citizen = body.get("citizen") or {}
    params = {
        "agency_id": body.get("agency_id"),
        "phone": citizen.get("phone"),
        "id_number": citizen.get("id_number"),
    }
    session.execute(_CANDIDATES, params).all()
    return _insert(session, body)
