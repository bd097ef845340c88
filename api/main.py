"""The FastAPI application: routers under /api/v1, health, and error mapping."""

from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from api import errors
from api.deps import SessionDep
from api.routes import agencies, auth, notifications, users

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    app = FastAPI(
        title="Đôn Đốc",
        description="Case tracking and escalation for citizen complaints and long-pending cases",
        version="0.1.0",
    )
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, agencies, users, notifications):
        api.include_router(module.router)
    app.include_router(api)

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


app = create_app()
