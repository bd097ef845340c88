"""Issue 13, item 8: security headers on every response; /docs and /redoc work from local
files under a CSP without inline script."""

import re

import pytest

from tests.factories import make_agency, make_user
from tests.web.conftest import sign_in


def test_pages_and_api_carry_the_security_headers(client, engine):
    for path in ("/sign-in", "/api/v1/agencies", "/tra-cuu"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers
    static = client.get("/static/site.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_hsts_when_the_site_is_served_over_https(settings, engine, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from core.settings import get_settings

    monkeypatch.setenv("DONDOC_BASE_URL", "https://dondoc.example.gov.vn")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        assert "max-age=" in client.get("/sign-in").headers["strict-transport-security"]


def test_no_inline_script_or_style_in_templates():
    from api.jinja import TEMPLATE_DIR

    for template in TEMPLATE_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "<style" not in text and "style=" not in text, template


def test_docs_come_from_this_server(client, engine):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(source.startswith("/") for source in sources), sources
        for source in sources:
            assert client.get(source).status_code == 200, source


@pytest.mark.slow
def test_docs_and_pages_render_without_csp_violations(page, live_server, session):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security" in msg.text else None,
    )
    page.goto(f"{live_server.url}/docs")
    page.locator(".swagger-ui .info").wait_for()
    assert page.locator(".opblock").count() > 20  # every operation is listed
    page.goto(f"{live_server.url}/redoc")
    page.get_by_text("Đôn Đốc").first.wait_for()
    # ReDoc's bundle asks for its logo on cdn.redoc.ly: the CSP blocks it, and nothing else.
    assert all("cdn.redoc.ly" in text for text in violations)
    violations.clear()
    head = make_user(session, "head", make_agency(session))
    from tests.factories import PASSWORD

    sign_in(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard")
    assert page.locator(".bars").is_visible()
    assert violations == []
