"""Map domain and database errors to `{"detail": ...}` responses."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
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
    async def _operational(_request: Request, exc: OperationalError):
        if "could not serialize" in str(exc.orig) or "deadlock" in str(exc.orig):
            return JSONResponse({"detail": "concurrent change; try again"}, status_code=409)
        raise exc
