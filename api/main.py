"""The FastAPI application: routers under /api/v1, health, and error mapping."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from api import errors
from api.deps import SessionDep
from api.pages import auth as auth_pages
from api.pages import dashboard as dashboard_pages
from api.pages import mail as mail_pages
from api.pages import web
from api.routes import agencies, auth, exports, notifications, reports, users

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app() -> FastAPI:
    app = FastAPI(
        title="Đôn Đốc",
        description="Case tracking and escalation for citizen complaints and long-pending cases",
        version="0.1.0",
    )
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, agencies, users, notifications, reports, exports):
        api.include_router(module.router)
    app.include_router(api)

    web.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for pages in (auth_pages, dashboard_pages, mail_pages):
        app.include_router(pages.router)

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


app = create_app()
