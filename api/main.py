"""The FastAPI application: the JSON API under /api/v1, the web pages, health, errors."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api import csrf, docs, errors, headers, health
from api.limits import InFlightLimit
from api.open311 import routes as open311
from api.pages import acknowledgement as acknowledgement_pages
from api.pages import attachments as attachment_pages
from api.pages import auth as auth_pages
from api.pages import calendar as calendar_pages
from api.pages import cases as case_pages
from api.pages import citizens as citizen_pages
from api.pages import dashboard as dashboard_pages
from api.pages import imports as import_pages
from api.pages import inbox as inbox_pages
from api.pages import inspection_meeting as meeting_pages
from api.pages import inspections as inspection_pages
from api.pages import intake as intake_pages
from api.pages import lookup as lookup_pages
from api.pages import mail as mail_pages
from api.pages import mailboxes as mailbox_pages
from api.pages import notices as notice_pages
from api.pages import rating as rating_pages
from api.pages import reorganisation as reorganisation_pages
from api.pages import users as user_pages
from api.pages import web
from api.routes import (
    agencies,
    attachments,
    auth,
    calendar,
    cases,
    escalation,
    exports,
    feedback,
    inspections,
    mailboxes,
    notices,
    notifications,
    procedures,
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
    mailboxes,
    reorganisation,
    users,
    escalation,
    notices,
    cases,
    public,
    feedback,
    calendar,
    procedures,
    notifications,
    inspections,
    reports,
    exports,
    attachments,
)
# intake before case pages: /cases/new must win over /cases/{id}
PAGE_ROUTERS = (
    auth_pages,
    dashboard_pages,
    intake_pages,
    acknowledgement_pages,  # before case pages: /act/acknowledge wins over /act/{action}
    case_pages,
    lookup_pages,
    rating_pages,
    mail_pages,
    calendar_pages,
    mailbox_pages,
    notice_pages,
    inspection_pages,
    meeting_pages,
    reorganisation_pages,
    user_pages,
    import_pages,
    attachment_pages,
    citizen_pages,
    inbox_pages,
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
            scheduler.stop()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Đôn Đốc",
        description="Case tracking and escalation for citizen complaints and long-pending cases",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )
    docs.install(app)
    errors.install(app)
    app.add_middleware(InFlightLimit, limit=get_settings().requests_in_flight)
    app.add_middleware(
        headers.SecurityHeaders, https=get_settings().base_url.startswith("https://")
    )
    api = APIRouter(prefix=API_PREFIX)
    for module in API_ROUTERS:
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)

    web.install(app)
    csrf.install(app, web.templates.env)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for pages in PAGE_ROUTERS:
        app.include_router(pages.router, dependencies=[Depends(csrf.protect)])

    return app


app = create_app()
