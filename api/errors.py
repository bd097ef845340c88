"""Map domain and database errors to `{"detail": ...}` responses."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import DomainError


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(StaleDataError)
    async def _stale(_request: Request, _exc: StaleDataError):
        return JSONResponse(
            {"detail": "the record was changed by someone else; reload it"}, status_code=409
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError):
        return JSONResponse(
            {"detail": "conflicts with existing data (a concurrent change?)"}, status_code=409
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError):
        if "could not serialize" in str(exc.orig) or "deadlock" in str(exc.orig):
            return JSONResponse({"detail": "concurrent change; try again"}, status_code=409)
        return _unavailable(request, exc)

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError):
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return _unavailable(request, exc)
        raise exc


RETRY_AFTER_SECONDS = 5
log = logging.getLogger("dondoc.api")


def _unavailable(request: Request, exc: DBAPIError) -> JSONResponse:
    """The database does not answer (down, restarting, unreachable, SQLite busy beyond its
    timeout): 503 and when to retry; nothing was committed, so a retry is safe (and with an
    Idempotency-Key it cannot register a case twice)."""
    log.warning(
        "503 for %s %s: the database does not answer: %s",
        request.method,
        request.url.path,
        str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__,
    )
    return JSONResponse(
        {"detail": "the database does not answer; try again shortly"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
