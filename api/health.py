"""Health checks: /healthz (the process answers) and /readyz (it can serve: the database
answers; when the scheduler last swept; how many emails wait and since when)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from api.deps import Now, SessionDep
from workflows import health

router = APIRouter(tags=["health"])
RETRY_AFTER_SECONDS = 5


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: answered by the process alone, without the database (a database outage
    must not get a healthy process restarted)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(session: SessionDep, now: Now):
    """Readiness for a load balancer: 200 while the database answers, else 503.

    Public (a load balancer does not sign in), so no error text: its kind only.
    """
    try:
        state = health.readiness(session=session)
    except DBAPIError as error:
        session.invalidate()
        return JSONResponse(
            {
                "status": "unavailable",
                "database": False,
                "detail": f"the database does not answer ({type(error.orig).__name__})",
            },
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return {"status": "ok", "database": True, **state.public(now)}
