"""/docs (Swagger UI) and /redoc from files on this server: no CDN, and no inline script
(the start-up of Swagger UI is api/static/swagger-init.js)."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"

SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon.png"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>
"""

REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — API</title>
<link rel="icon" href="/docs-assets/favicon.png"></head>
<body><redoc spec-url="{openapi_url}"></redoc>
<script src="/docs-assets/redoc.standalone.js"></script></body></html>
"""


def install(app: FastAPI) -> None:
    """Serve the assets and the two pages (create the app with docs_url=redoc_url=None)."""
    app.mount("/docs-assets", StaticFiles(directory=ASSETS), name="docs-assets")
    values = {"title": app.title, "openapi_url": app.openapi_url}

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(SWAGGER.format(**values))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC.format(**values))
