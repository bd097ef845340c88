"""One server process works on a bounded number of requests at once; the rest wait."""

import asyncio

import httpx

from api.limits import InFlightLimit


def test_requests_beyond_the_limit_wait_their_turn_and_all_are_answered():
    busy, most = 0, 0

    async def slow_app(scope, receive, send):
        nonlocal busy, most
        busy += 1
        most = max(most, busy)
        await asyncio.sleep(0.02)
        busy -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def twelve_at_once():
        transport = httpx.ASGITransport(app=InFlightLimit(slow_app, limit=3))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.get("/") for _ in range(12)))

    responses = asyncio.run(twelve_at_once())
    assert [r.status_code for r in responses] == [200] * 12
    assert most == 3


def test_the_application_is_limited_by_the_setting(settings, monkeypatch):
    from api.main import create_app
    from core.settings import get_settings

    monkeypatch.setenv("DONDOC_REQUESTS_IN_FLIGHT", "5")
    get_settings.cache_clear()
    app = create_app()
    limits = [m.kwargs["limit"] for m in app.user_middleware if m.cls is InFlightLimit]
    assert limits == [5]
