"""The FastAPI application: the JSON API under /api/v1, the web pages, health, errors."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from api import errors
from api.deps import SessionDep
from api.limits import InFlightLimit
from api.open311 import routes as open311
from api.pages import auth as auth_pages
from api.pages import cases as case_pages
from api.pages import dashboard as dashboard_pages
from api.pages import inspection_meeting as meeting_pages
from api.pages import inspections as inspection_pages
from api.pages import intake as intake_pages
from api.pages import lookup as lookup_pages
from api.pages import mail as mail_pages
from api.pages import rating as rating_pages
from api.pages import reorganisation as reorganisation_pages
from api.pages import web
from api.routes import (
    agencies,
    auth,
    calendar,
    cases,
    escalation,
    exports,
    feedback,
    inspections,
    notifications,
    public,
    reorganisation,
    reports,
    users,
)
from core.settings import get_settings
from workflows.flows.scheduler import start_scheduler

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# escalation before cases: /cases/{id}/actions/acknowledge is more specific than {action}
API_ROUTERS = (
    auth,
    agencies,
    reorganisation,
    users,
    escalation,
    cases,
    public,
    feedback,
    calendar,
    notifications,
    inspections,
    reports,
    exports,
)
# intake before case pages: /cases/new must win over /cases/{id}
PAGE_ROUTERS = (
    auth_pages,
    dashboard_pages,
    intake_pages,
    case_pages,
    lookup_pages,
    rating_pages,
    mail_pages,
    inspection_pages,
    meeting_pages,
    reorganisation_pages,
    open311,
)


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
    app.add_middleware(InFlightLimit, limit=get_settings().requests_in_flight)
    api = APIRouter(prefix=API_PREFIX)
    for module in API_ROUTERS:
        api.include_router(module.router)
    app.include_router(api)

    web.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for pages in PAGE_ROUTERS:
        app.include_router(pages.router)

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


app = create_app()
