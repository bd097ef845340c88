"""The FastAPI application: routers under /api/v1, health, and error mapping."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from api import errors
from api.deps import SessionDep
from api.routes import (
    agencies,
    auth,
    calendar,
    cases,
    escalation,
    inspections,
    notifications,
    public,
    reorganisation,
    users,
)
from dondoc.settings import get_settings
from workflows.scheduler import start_scheduler

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """The embedded scheduler runs while the app serves (DONDOC_SCHEDULER_ENABLED)."""
    scheduler = start_scheduler(get_settings())
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Đôn Đốc",
        description="Case tracking and escalation for citizen complaints and long-pending cases",
        version="0.1.0",
    )
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    # escalation before cases: /cases/{id}/actions/acknowledge is more specific than {action}
    for module in (
        auth,
        agencies,
        reorganisation,
        users,
        escalation,
        cases,
        public,
        calendar,
        notifications,
        inspections,
    ):
        api.include_router(module.router)
    app.include_router(api)

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


app = create_app()
